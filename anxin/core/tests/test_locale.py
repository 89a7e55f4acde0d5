"""Every user-facing string exists in zh-Hans, and the compiled catalogs match their sources."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_catalog_is_complete_and_compiled(lang):
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    mo = polib.mofile(str(LOCALE / lang / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): e for e in mo}
    for entry in po:
        if entry.obsolete:
            continue
        assert "fuzzy" not in entry.flags, entry.msgid
        if lang == "zh_Hans":
            assert entry.translated(), f"no zh-Hans translation for {entry.msgid!r}"
        if entry.translated():
            assert (entry.msgctxt, entry.msgid) in compiled, f"run `make messages`: {entry.msgid!r}"
            if not entry.msgid_plural:
                assert compiled[(entry.msgctxt, entry.msgid)].msgstr == entry.msgstr


def test_chinese_is_the_default_language():
    with translation.override("zh-hans"):
        assert translation.gettext("Some fields are not valid.") == "有些字段无效。"
