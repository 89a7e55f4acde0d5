"""What the platform's sanctions do at intake: a restricted shop takes no new orders, a SKU taken
off sale after a quality inspection cannot be ordered, and the settlement hold follows the shop's
status. Orders placed before either still update."""

import pytest

from anxin.catalog.choices import MerchantStatus, SkuStatus
from anxin.catalog.models import Merchant, Sku
from anxin.catalog.services import merchant_transition, sku_delist, sku_relist
from anxin.core.actors import SYSTEM, Actor, Role
from anxin.core.errors import Forbidden, ValidationFailed
from anxin.core.models import AuditEntry
from conftest import ApiClient

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def m1():
    return f.merchant("m1")


@pytest.fixture
def api(m1):
    return ApiClient(token=f.token_for(m1))


def test_a_restricted_shop_takes_no_new_orders_but_its_old_ones_still_update(api, m1):
    assert api.post("/orders", f.order_payload()).status_code == 201
    merchant_transition(actor=SYSTEM, merchant=m1, action="warn")
    merchant_transition(actor=SYSTEM, merchant=m1, action="restrict")
    # when
    new = api.post("/orders", f.order_payload(external_id="SO-NEW"))
    update = api.post("/orders", f.order_payload(status="completed"))
    # then
    assert new.status_code == 422
    assert "restricted" in new.json()["error"]["fields"]["merchant"]
    assert update.status_code == 200


def test_the_settlement_hold_follows_restriction_and_its_lifting(m1):
    merchant_transition(actor=SYSTEM, merchant=m1, action="warn")
    merchant_transition(actor=SYSTEM, merchant=m1, action="restrict")
    assert Merchant.objects.get(pk=m1.pk).settlement_hold is True
    admin = Actor(role=Role.ADMIN, platform=True)
    # when
    merchant_transition(actor=admin, merchant=m1, action="lift_restriction", reason="rectified")
    # then
    merchant = Merchant.objects.get(pk=m1.pk)
    assert (merchant.status, merchant.settlement_hold) == (MerchantStatus.ACTIVE, False)


def test_a_delisted_sku_cannot_be_ordered_until_it_is_relisted(api, m1):
    api.post("/orders", f.order_payload())
    sku = Sku.objects.get(merchant=m1, code=f.order_payload()["lines"][0]["sku"])
    sku_delist(actor=SYSTEM, sku=sku, reason="Failed the sampling inspection")
    sku_delist(actor=SYSTEM, sku=sku, reason="again")  # the same decision twice changes nothing
    # when
    refused = api.post("/orders", f.order_payload(external_id="SO-2"))
    # then
    assert refused.status_code == 422
    assert "lines.0.sku" in refused.json()["error"]["fields"]
    assert Sku.objects.get(pk=sku.pk).status == SkuStatus.DELISTED
    assert AuditEntry.objects.filter(action="catalog.sku.delist").count() == 1
    # when relisted
    sku_relist(actor=SYSTEM, sku=sku, reason="Passed re-inspection")
    # then
    assert api.post("/orders", f.order_payload(external_id="SO-2")).status_code == 201


def test_only_inspectors_admins_and_the_system_take_a_sku_off_sale(m1, api):
    api.post("/orders", f.order_payload())
    sku = Sku.objects.get(merchant=m1, code=f.order_payload()["lines"][0]["sku"])
    staff = Actor(role=Role.MERCHANT_ADMIN, merchant_ids=frozenset({m1.pk}))
    with pytest.raises(Forbidden):
        sku_delist(actor=staff, sku=sku, reason="no")
    inspector = Actor(role=Role.QUALITY_INSPECTOR, platform=True)
    with pytest.raises(ValidationFailed) as caught:
        sku_delist(actor=inspector, sku=sku, reason="  ")
    assert "reason" in caught.value.fields


def test_public_look_ups_find_admitted_shops_and_their_products_even_off_sale(api, m1):
    from anxin.catalog.selectors import merchant_public_get, sku_public_get
    from anxin.core.errors import NotFound

    api.post("/orders", f.order_payload())
    applicant = f.merchant("m2", status="applying")
    sku = Sku.objects.get(merchant=m1, code=f.order_payload()["lines"][0]["sku"])
    sku_delist(actor=SYSTEM, sku=sku, reason="Failed inspection")
    assert merchant_public_get(code="m1") == m1
    assert sku_public_get(merchant_code="m1", code=sku.code) == sku
    for lookup in (
        lambda: merchant_public_get(code=applicant.code),
        lambda: merchant_public_get(code="nobody"),
        lambda: sku_public_get(merchant_code="m1", code="nothing"),
        lambda: sku_public_get(merchant_code=applicant.code, code=sku.code),
    ):
        with pytest.raises(NotFound):
            lookup()
