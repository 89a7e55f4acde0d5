"""/api/v1/return-addresses: a merchant's warehouses that receive returns."""

from typing import Annotated, Any
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status
from pydantic import Field, StringConstraints

from anxin.accounts.api.auth import API_AUTH, actor_of
from anxin.catalog.models import Merchant
from anxin.core.crypto import mask_phone
from anxin.core.errors import NotFound, ValidationFailed

from .. import services
from ..models import ReturnAddress

router = Router(tags=["return addresses"], auth=API_AUTH)


class AddressIn(Schema):
    merchant: Annotated[str, StringConstraints(max_length=40)] | None = Field(
        default=None, description="Merchant code; needed only with platform credentials"
    )
    label: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    contact_name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)
    ]
    phone: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=5, max_length=32, pattern=r"^[0-9+\-\s()]+$"
        ),
    ]
    address: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=300)]
    is_default: bool = False


class AddressOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    merchant: str
    label: str
    contact_name: str
    phone: str
    address: str
    is_default: bool

    @staticmethod
    def resolve_merchant(obj: ReturnAddress) -> str:
        return obj.merchant.code

    @staticmethod
    def resolve_phone(obj: ReturnAddress) -> str:
        return mask_phone(obj.phone)


@router.get("/return-addresses", response=list[AddressOut], summary="The return address book")
def address_list(request: HttpRequest) -> Any:
    actor = actor_of(request)
    addresses = (
        ReturnAddress.objects.for_actor(actor)
        .select_related("merchant")
        .order_by("merchant_id", "-is_default", "pk")
    )
    return list(addresses[:500])


@router.post("/return-addresses", response={201: AddressOut}, summary="Add a return address")
def address_create(request: HttpRequest, payload: AddressIn) -> Status[Any]:
    actor = actor_of(request)
    if payload.merchant:
        merchant = Merchant.objects.for_actor(actor).filter(code=payload.merchant).first()
        if merchant is None:
            raise NotFound()
        merchant_id = merchant.pk
    elif len(actor.merchant_ids) == 1:
        merchant_id = next(iter(actor.merchant_ids))
    else:
        raise ValidationFailed(fields={"merchant": _("Name the merchant (its code).")})
    address = services.return_address_create(
        actor=actor,
        merchant_id=merchant_id,
        label=payload.label,
        contact_name=payload.contact_name,
        phone=payload.phone,
        address=payload.address,
        is_default=payload.is_default,
    )
    return Status(201, address)
