from django.contrib import admin

from .models import Category, Customer, Delivery, Merchant, MerchantEvent, Order, OrderLine, Sku


class MerchantEventInline(admin.TabularInline):
    model = MerchantEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_status", "to_status", "actor", "reason", "created_at"]


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "status", "deposit_amount", "currency"]
    list_filter = ["status"]
    search_fields = ["code", "name"]
    readonly_fields = ["status", "state_version"]  # status moves only through the workflow
    inlines = [MerchantEventInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name_zh",
        "name_en",
        "parent",
        "is_custom_made",
        "is_perishable",
        "is_digital",
        "is_periodical",
    ]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(Sku)
class SkuAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "merchant", "category"]
    search_fields = ["code", "name"]
    list_select_related = ["merchant", "category"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["external_id", "created_at"]
    search_fields = ["external_id"]
    exclude = ["name", "phone", "address"]  # personal data is never shown unmasked here


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = ("external_id", "product_name", "quantity", "unit_price", "paid_amount", "is_gift")
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "external_id", "merchant", "placed_at", "paid_total", "shop_status"]
    list_filter = ["shop_status", "merchant"]
    search_fields = ["number", "external_id"]
    list_select_related = ["merchant"]
    raw_id_fields = ["customer"]
    inlines = [OrderLineInline]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["tracking_number", "carrier", "order", "shipped_at", "signed_at"]
    search_fields = ["tracking_number"]
    raw_id_fields = ["order"]
