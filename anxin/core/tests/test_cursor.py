"""Page cursors: what a cursor names comes back, and a damaged one is a 4xx on its field."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from anxin.core.errors import ValidationFailed
from anxin.core.pagination import cursor_decode, cursor_encode

AT = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize("value", [AT, None])
def test_a_cursor_names_the_row_it_was_made_for(value):
    assert cursor_decode(cursor_encode(value, 42)) == (value, 42)


@pytest.mark.parametrize(
    "cursor",
    [
        "W251bGwsIEluZmluaXR5XQ",  # [null, Infinity]: int() overflows
        "WyIyMDI2LTEyLTA3VDEwOjAwOjAwIiwgMV0",  # a time without its offset
        "not base64 at all!",
        "WzFd",  # [1]
    ],
)
def test_a_damaged_cursor_is_refused_on_its_field(cursor):
    with pytest.raises(ValidationFailed) as refused:
        cursor_decode(cursor)
    assert set(refused.value.fields) == {"cursor"}
