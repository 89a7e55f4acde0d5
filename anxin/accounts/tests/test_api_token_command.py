from io import StringIO

import pytest
from django.core.management import call_command

from anxin.accounts.services import api_token_authenticate
from anxin.catalog.tests import factories as f

pytestmark = pytest.mark.django_db


def test_create_list_and_revoke_a_merchant_token():
    # given
    f.merchant("m1")
    out = StringIO()
    # when a token is issued
    call_command("api_token", "create", "erp", "--merchant", "m1", stdout=out, stderr=StringIO())
    raw = out.getvalue().strip()
    # then it authenticates, is listed, and stops working once revoked
    token = api_token_authenticate(raw=raw)
    assert token is not None and token.merchant.code == "m1"
    listing = StringIO()
    call_command("api_token", "list", stdout=listing)
    assert f"{token.prefix}  m1" in listing.getvalue()
    call_command("api_token", "revoke", token.prefix, stdout=StringIO())
    assert api_token_authenticate(raw=raw) is None
