import pytest

from anxin.cases.models import ReturnAddress
from anxin.catalog.tests import factories as f
from conftest import ApiClient

pytestmark = pytest.mark.django_db

WAREHOUSE = {
    "label": "华东仓",
    "contact_name": "王仓管",
    "phone": "021-5555 0000",
    "address": "上海市青浦区华新镇华志路1号",
}


def test_a_merchant_keeps_its_own_address_book():
    m1, m2 = f.merchant("m1"), f.merchant("m2")
    own, other = ApiClient(token=f.token_for(m1)), ApiClient(token=f.token_for(m2))
    # when m1 adds two addresses
    first = own.post("/return-addresses", WAREHOUSE)
    second = own.post("/return-addresses", {**WAREHOUSE, "label": "华南仓", "is_default": True})
    # then the newest default wins, phones are masked, and m2 sees none of them
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["phone"] == "021****0000"
    assert [a["label"] for a in own.get("/return-addresses").json()] == ["华南仓", "华东仓"]
    assert ReturnAddress.objects.get(is_default=True).label == "华南仓"
    assert other.get("/return-addresses").json() == []
    assert other.post("/return-addresses", {**WAREHOUSE, "merchant": "m1"}).status_code == 404
    assert ReturnAddress.objects.count() == 2


def test_bad_addresses_are_refused_with_fields():
    api = ApiClient(token=f.token_for(f.merchant("m1")))
    response = api.post("/return-addresses", {**WAREHOUSE, "phone": "call me", "address": ""})
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"phone", "address"}
