"""Language detection (zh / en) and the text normalisation both the model and slots use.

Traditional characters are converted to Simplified (OpenCC ``t2s``), full-width forms folded
(NFKC), case folded and whitespace collapsed. A message with enough Han characters is Chinese,
even when it mixes in English words ("我要refund").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

MAX_CHARS = 1000  # what the model reads of a message; the rest is kept but not classified

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z]")
SPACES = re.compile(r"\s+")
NUMBERS = re.compile(
    r"(?i)(?<![a-z0-9])(?:od|as|tk)[\d*]{4,}"
)  # order, case and ticket numbers say no language
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def detect_language(text: str, default: str = "zh-Hans") -> str:
    """``zh-Hans`` or ``en``; ``default`` when the text has no letters at all (digits, emoji)."""
    text = NUMBERS.sub(" ", text)
    han = len(HAN.findall(text))
    latin_words = len(re.findall(r"[A-Za-z]{2,}", text))
    if han == 0 and latin_words == 0:
        return default
    return "zh-Hans" if han >= 1 and han >= latin_words else "en"


def normalise(text: str) -> str:
    """The canonical form of a message: NFKC, Simplified Chinese, lower case, single spaces."""
    text = CONTROL.sub(" ", text[: MAX_CHARS * 2])
    text = unicodedata.normalize("NFKC", text)
    if HAN.search(text):
        text = _t2s().convert(text)
    return SPACES.sub(" ", text.lower()).strip()[:MAX_CHARS]
