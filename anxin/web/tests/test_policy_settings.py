"""The merchant's own policy settings: inherited values, more generous values saved, stricter
ones refused with the reason (422), staff read only (403 on POST), other shops out of reach.

The page is routed by the merchant URL module (``/shop/policy/``); these tests mount the view on
a test-only URL as well, so they do not depend on that line.
"""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, path, reverse

from anxin.core.models import AuditEntry
from anxin.policies.models import Policy
from anxin.web.views.merchant import policy as policy_settings
from config.urls import urlpatterns as site_urlpatterns

from .test_manage_rules import field_error

URL = "/test-only/merchant-policy/"
urlpatterns = [
    path(URL.strip("/") + "/", policy_settings.merchant_policy, name="test_merchant_policy"),
    *site_urlpatterns,
]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture(autouse=True)
def layout(settings):
    """Use the merchant layout when it exists; the plain base layout otherwise."""
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    try:
        get_template(policy_settings.LAYOUT)
    except TemplateDoesNotExist:
        original = policy_settings.LAYOUT
        policy_settings.LAYOUT = "web/layouts/base.html"
        yield
        policy_settings.LAYOUT = original
    else:
        yield


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_page_shows_what_the_shop_inherits(world, as_user, language):
    response = as_user(world.merchant_admin, language).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<h1") == 1
    assert 'name="no_reason_days"' in body and "csrfmiddlewaretoken" in body
    if language == "en":
        assert "Longer is more generous" in body and "Shorter is more generous" in body
        assert "at least 7 days" in body
        assert "Empty: 7 days applies" in body


def test_staff_reads_but_cannot_change(world, as_user):
    client = as_user(world.merchant)
    body = client.get(URL).content.decode()
    assert (
        "Only your shop&#x27;s administrators" in body or "Only your shop's administrators" in body
    )
    assert 'name="no_reason_days"' not in body
    response = client.post(URL, {"no_reason_days": "30"})
    assert response.status_code == 403
    assert not Policy.objects.filter(merchant=world.shop).exists()


def test_other_audiences_are_refused(world, as_user):
    for user in (world.consumer, world.agent, world.admin):
        assert as_user(user).get(URL).status_code == 403


def test_merchant_admin_offers_more(world, as_user):
    client = as_user(world.merchant_admin)
    response = client.post(
        URL,
        {
            "merchant": "m1",
            "no_reason_days": "30",
            "merchant_review_hours": "24",
            "refund_hours": "",
        },
    )
    assert response.status_code == 302
    row = Policy.objects.get(merchant=world.shop)
    assert (row.no_reason_days, row.merchant_review_hours, row.refund_hours) == (30, 24, None)
    assert AuditEntry.objects.filter(
        action="policies.policy.create", tenant=f"m{world.shop.pk}"
    ).exists()
    body = client.get(URL).content.decode()
    assert "30 days" in body and 'value="30"' in body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("no_reason_days", "5", "The law requires at least 7 days."),
        ("return_ship_days", "3", "Stricter than the platform&#x27;s 7 days"),
        ("merchant_review_hours", "96", "Stricter than the platform&#x27;s 48 hours"),
        ("restocking_fee_percent", "10", "Stricter than the platform&#x27;s 0%"),
        ("repair_days", "many", "Enter a whole number."),
    ],
)
def test_stricter_values_are_refused_with_the_reason(world, as_user, field, value, message):
    response = as_user(world.merchant_admin, "en").post(URL, {"no_reason_days": "30", field: value})
    assert response.status_code == 422
    body = response.content.decode()
    assert message in field_error(body, field)
    assert f'value="{value}"' in body
    assert not Policy.objects.filter(merchant=world.shop).exists()


def test_refusal_is_explained_in_chinese_too(world, as_user):
    response = as_user(world.merchant_admin, "zh-hans").post(URL, {"return_ship_days": "3"})
    assert response.status_code == 422
    assert field_error(response.content.decode(), "return_ship_days")


def test_intact_conditions_are_not_the_merchants_to_write(world, as_user):
    response = as_user(world.merchant_admin).post(
        URL, {"no_reason_days": "30", "intact_conditions_en": "Sealed only."}
    )
    # The page has no such field; a forged one is ignored (posted fields are the numbers only).
    assert response.status_code == 302
    assert Policy.objects.get(merchant=world.shop).intact_conditions_en == ""


def test_another_shop_is_out_of_reach(world, as_user):
    client = as_user(world.merchant_admin)
    assert client.get(URL + "?merchant=m2").status_code == 404
    assert client.post(URL, {"merchant": "m2", "no_reason_days": "30"}).status_code == 404
    assert not Policy.objects.filter(merchant__isnull=False).exists()


def test_a_member_of_two_shops_chooses(world, as_user):
    from anxin.accounts.models import Membership

    Membership.objects.create(user=world.merchant_admin, merchant=world.other_shop)
    client = as_user(world.merchant_admin)
    body = client.get(URL + "?merchant=m2").content.decode()
    assert 'id="f-shop"' in body and '<option value="m2" selected>' in body
    response = client.post(URL, {"merchant": "m2", "exchange_days": "30"})
    assert response.status_code == 302 and response["Location"].endswith("?merchant=m2")
    assert Policy.objects.get(merchant=world.other_shop).exchange_days == 30


def test_platform_change_makes_an_old_value_not_apply(world, as_user):
    Policy.objects.create(scope="merchant", merchant=world.shop, code="P-m-m1", no_reason_days=10)
    Policy.objects.filter(scope="platform").update(no_reason_days=14)
    body = as_user(world.merchant_admin, "en").get(URL).content.decode()
    assert "not applied" in body


def test_site_route_when_present(world, as_user):
    try:
        url = reverse("merchant:policy")
    except NoReverseMatch:
        pytest.skip("the merchant URL module has no policy route yet")
    assert url == "/shop/policy/"
    assert as_user(world.merchant_admin).get(url).status_code == 200
