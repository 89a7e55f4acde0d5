"""(being written)"""

app_name = "merchant_analytics"
urlpatterns: list = []
