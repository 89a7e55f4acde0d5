"""Personal data never reaches the database in plain text, and keys rotate."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from anxin.catalog.models import Customer, Merchant
from anxin.core import crypto
from anxin.core.crypto import mask_phone, phone_lookup_hash

pytestmark = pytest.mark.django_db


def _raw(customer):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, phone, address FROM catalog_customer WHERE id = %s", [customer.pk]
        )
        return cursor.fetchone()


@pytest.fixture
def shop():
    from anxin.catalog.tests.factories import merchant

    return merchant("m1")


def _customer(**kw):
    values = {
        "external_id": "c1",
        "name": "李四",
        "phone": "13912345678",
        "address": "北京市朝阳区",
    }
    values.update(kw)
    return Customer.objects.create(
        merchant=Merchant.objects.get(code="m1"),
        phone_hash=phone_lookup_hash(values["phone"]),
        **values,
    )


def test_the_raw_columns_hold_only_ciphertext(shop):
    # given
    customer = _customer()
    # when the columns are read with raw SQL
    raw = _raw(customer)
    # then no plaintext is there, and the model reads it back
    for stored, plain in zip(raw, ("李四", "13912345678", "北京市朝阳区"), strict=True):
        assert stored.startswith("fx1:")
        assert plain not in stored
    fresh = Customer.objects.get(pk=customer.pk)
    assert (fresh.name, fresh.phone, fresh.address) == ("李四", "13912345678", "北京市朝阳区")


def test_phone_lookup_goes_through_the_keyed_hash(shop):
    customer = _customer()
    assert Customer.objects.get(phone_hash=phone_lookup_hash("+86 139-1234-5678")) == customer
    with pytest.raises(TypeError):
        Customer.objects.filter(phone="13912345678").count()


def test_rotation_reencrypts_every_row_with_the_new_key(settings, shop):
    # given rows written under the old key
    old_key = settings.ANXIN_FIELD_KEYS[0]
    customers = [_customer(external_id=f"c{i}", phone=f"1391234{i:04d}") for i in range(30)]
    before = {c.pk: _raw(c) for c in customers}
    # when a new key is put first and rotation runs
    new_key = Fernet.generate_key().decode()
    settings.ANXIN_FIELD_KEYS = [new_key, old_key]
    call_command("rotate_field_keys", batch_size=7)
    # then every value changed and decrypts with the new key alone
    settings.ANXIN_FIELD_KEYS = [new_key]
    for customer in customers:
        after = _raw(customer)
        assert all(a != b for a, b in zip(after, before[customer.pk], strict=True))
        assert Customer.objects.get(pk=customer.pk).phone == customer.phone
    crypto._fernet.cache_clear()


def test_masking_shows_only_the_ends():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("+86 138 1234 1234") == "138****1234"
