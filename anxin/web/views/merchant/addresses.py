"""The merchant's return address book: the warehouses approved returns are sent to."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.validators import RegexValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anxin.cases.models import ReturnAddress
from anxin.cases.services import return_address_create
from anxin.catalog.models import Merchant
from anxin.core.actors import Actor
from anxin.core.crypto import mask_phone
from anxin.core.errors import DomainError

from ..common import MERCHANTS, actor, audience, flash_error


class AddressForm(forms.Form):
    """The same limits as the API's ``AddressIn``."""

    merchant = forms.TypedChoiceField(label=gettext_lazy("Shop"), coerce=int, required=False)
    label = forms.CharField(label=gettext_lazy("Name"), max_length=60)
    contact_name = forms.CharField(label=gettext_lazy("Contact name"), max_length=60)
    phone = forms.CharField(
        label=gettext_lazy("Phone"),
        min_length=5,
        max_length=32,
        validators=[
            RegexValidator(
                r"^[0-9+\-\s()]+$", gettext_lazy("Only digits, spaces and + - ( ) are allowed.")
            )
        ],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(
        label=gettext_lazy("Address"),
        min_length=5,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    is_default = forms.BooleanField(
        label=gettext_lazy("Use as the default address"), required=False
    )

    def __init__(self, *args: Any, shops: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["merchant"]
        field.choices = shops  # type: ignore[attr-defined]
        field.required = len(shops) > 1


def _shops(viewer: Actor) -> list[tuple[int, str]]:
    return list(Merchant.objects.for_actor(viewer).order_by("name").values_list("pk", "name"))


@audience(MERCHANTS)
def addresses(request: HttpRequest) -> HttpResponse:
    viewer = actor(request)
    shops = _shops(viewer)
    status = 200
    if request.method == "POST":
        form = AddressForm(request.POST, shops=shops)
        if form.is_valid():
            data = form.cleaned_data
            merchant_id = data.get("merchant") or (shops[0][0] if shops else 0)
            try:
                return_address_create(
                    actor=viewer,
                    merchant_id=merchant_id,
                    label=data["label"],
                    contact_name=data["contact_name"],
                    phone=data["phone"],
                    address=data["address"],
                    is_default=data["is_default"],
                )
            except DomainError as error:
                for name, text in flash_error(request, error).items():
                    form.add_error(name if name in form.fields else None, text)
                status = 422
            else:
                messages.success(request, _("Return address “%(label)s” added.") % data)
                return redirect("merchant:addresses")
        else:
            status = 422
    else:
        form = AddressForm(shops=shops)
    rows = [
        (address, mask_phone(address.phone))
        for address in ReturnAddress.objects.for_actor(viewer)
        .select_related("merchant")
        .order_by("merchant__name", "-is_default", "label")
    ]
    return render(
        request,
        "web/merchant/addresses.html",
        {"nav": "addresses", "form": form, "rows": rows, "several_shops": len(shops) > 1},
        status=status,
    )
