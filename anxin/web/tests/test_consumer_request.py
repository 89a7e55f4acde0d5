"""The request form: live preview, opening a case with photos, and every bad input kept safe."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from anxin.cases.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    return shared_world


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded photos go to a temporary directory, not var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def png(name: str = "photo.png", size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def form_url(world, line: str = "L1") -> str:
    return f"/my/orders/{world.second_order.public_id}/lines/{line}/request/"


def valid(**changes):
    data = {
        "reason": "quality/defect",
        "type": "return_refund",
        "quantity": "1",
        "description": "The seam is torn.",
    }
    data.update(changes)
    return data


def test_form_has_csrf_grouped_reasons_types_and_photo_checks(world, as_user):
    body = as_user(world.consumer).get(form_url(world)).content.decode()
    assert "csrfmiddlewaretoken" in body
    assert 'enctype="multipart/form-data"' in body
    assert "<optgroup" in body and 'value="quality/defect"' in body
    assert 'value="quality"' not in body  # a group heading is not selectable
    assert 'data-max-bytes="10485760"' in body and 'data-max-files="9"' in body
    assert 'data-preview="#previews"' in body
    # with no reason yet, types follow the no-reason default: repair is for quality problems
    assert 'value="repair" disabled' in body
    assert "This request type is for quality problems." in body
    assert 'hx-get="' in body and "request/preview/" in body


def test_form_labels_reasons_in_chinese(world, as_user):
    body = as_user(world.consumer, "zh-hans").get(form_url(world)).content.decode()
    assert "商品故障/破损" in body and "质量问题" in body


def test_preview_shows_explanation_amount_freight_and_tenders(world, as_user):
    response = as_user(world.consumer).get(
        form_url(world) + "preview/",
        {"reason": "quality/defect", "type": "refund_only", "quantity": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "is possible for this item" in body
    assert "¥71.00" in body  # half of what was paid, less the broken 满减 discount
    assert "Quality problems: return within 7 days" in body
    assert "Alipay" in body and "Platform coupon" in body
    assert 'hx-swap-oob="true"' in body  # the type list follows the reason


def test_preview_for_a_type_not_allowed_moves_to_an_allowed_one(world, as_user):
    response = as_user(world.consumer).get(
        form_url(world) + "preview/",
        {"reason": "no_reason/changed_mind", "type": "repair", "quantity": "1"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="return_refund" checked' in body
    assert "You pay the return shipping" in body


def test_preview_explains_why_too_many_units_are_not_possible(world, as_user):
    response = as_user(world.consumer).get(
        form_url(world) + "preview/",
        {"reason": "quality/defect", "type": "return_refund", "quantity": "2"},
    )
    assert response.status_code == 200
    assert "is possible" in response.content.decode()
    response = as_user(world.consumer).get(
        f"/my/orders/{world.order.public_id}/lines/L1/request/preview/",
        {"reason": "quality/defect", "type": "return_refund", "quantity": "2"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "is not possible" in body
    assert "Only 1 unit(s) of this line can still be claimed." in body


@pytest.mark.parametrize(
    ("params", "text"),
    [
        ({"reason": "made/up", "type": "refund_only", "quantity": "1"}, "Choose a reason"),
        ({"reason": "quality/defect", "type": "refund_only", "quantity": "abc"}, "quantity"),
        ({"reason": "quality/defect", "type": "bogus", "quantity": "-4"}, "quantity"),
        ({}, "Choose a reason"),
    ],
)
def test_preview_never_fails_on_bad_choices(world, as_user, params, text):
    response = as_user(world.consumer).get(form_url(world) + "preview/", params)
    assert response.status_code == 200
    assert text in response.content.decode()


def test_happy_path_opens_the_case_with_a_photo_and_redirects(world, as_user):
    client = as_user(world.consumer)
    response = client.post(form_url(world), {**valid(), "photos": [png()]})
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(order=world.second_order)
    assert response["Location"] == f"/my/requests/{case.number}/"
    assert case.type == "return_refund" and case.reason.code == "quality/defect"
    assert case.description == "The seam is torn."
    assert case.evidence.count() == 1
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "was sent to the shop" in body
    photo = case.evidence.get()
    assert f"/photos/{photo.public_id}/" in body
    image = client.get(f"/my/requests/{case.number}/photos/{photo.public_id}/")
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"


def test_bad_quantity_is_refused_with_the_field_error_and_input_kept(world, as_user):
    response = as_user(world.consumer).post(form_url(world), valid(quantity="5"))
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="quantity-error"' in body
    assert "Only 2 unit(s)" in body
    assert "The seam is torn." in body  # nothing lost
    assert not Case.objects.filter(order=world.second_order).exists()


def test_zero_quantity_is_refused(world, as_user):
    response = as_user(world.consumer).post(form_url(world), valid(quantity="0"))
    assert response.status_code == 422
    assert 'id="quantity-error"' in response.content.decode()


def test_unknown_reason_is_refused(world, as_user):
    response = as_user(world.consumer).post(form_url(world), valid(reason="quality"))
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="reason-error"' in body
    assert "The seam is torn." in body
    assert not Case.objects.filter(order=world.second_order).exists()


def test_type_not_allowed_for_the_reason_is_refused(world, as_user):
    response = as_user(world.consumer).post(
        form_url(world), valid(reason="no_reason/changed_mind", type="refund_only")
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="type-error"' in body
    assert "the goods must be returned" in body


def test_oversize_photo_is_refused_before_anything_is_stored(world, as_user):
    big = SimpleUploadedFile(
        "huge.png", b"\x89PNG\r\n\x1a\n" + b"0" * (10 * 1024 * 1024), content_type="image/png"
    )
    response = as_user(world.consumer).post(form_url(world), {**valid(), "photos": [big]})
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="photos-error"' in body
    assert "huge.png is larger than 10 MB" in body
    assert "The seam is torn." in body
    assert "choose your photos again" in body
    assert not Case.objects.filter(order=world.second_order).exists()


def test_a_file_that_is_not_an_image_is_refused(world, as_user):
    text = SimpleUploadedFile("notes.txt", b"just text", content_type="image/png")
    response = as_user(world.consumer).post(form_url(world), {**valid(), "photos": [text]})
    assert response.status_code == 422
    assert "notes.txt is not a JPEG, PNG or WebP photo." in response.content.decode()


def test_too_many_photos_are_refused(world, as_user):
    photos = [png(f"p{i}.png") for i in range(10)]
    response = as_user(world.consumer).post(form_url(world), {**valid(), "photos": photos})
    assert response.status_code == 422
    assert "At most 9 photos." in response.content.decode()


def test_a_damaged_photo_after_opening_keeps_the_case_and_says_so(world, as_user):
    broken = SimpleUploadedFile(
        "broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png"
    )
    client = as_user(world.consumer)
    response = client.post(form_url(world), {**valid(), "photos": [png(), broken]})
    assert response.status_code == 302
    case = Case.objects.get(order=world.second_order)
    assert case.evidence.count() == 1
    body = client.get(response["Location"]).content.decode()
    assert "was sent to the shop" in body
    assert "Your request was kept, but 1 photo was not attached" in body
    assert "broken.png" in body


def test_script_in_description_is_escaped(world, as_user):
    client = as_user(world.consumer)
    response = client.post(form_url(world), valid(description="<script>alert(1)</script>"))
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_too_long_description_is_refused_in_chinese_too(world, as_user):
    response = as_user(world.consumer, "zh-hans").post(
        form_url(world), valid(description="坏" * 2001)
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="description-error"' in body
    assert '<html lang="zh-hans"' in body
