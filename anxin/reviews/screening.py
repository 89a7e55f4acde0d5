"""Screening of review texts before they are shown: sensitive words (Chinese and English) and
personal data. Pure functions, no models.

Chinese words come from a maintained public list kept in ``data/zh`` (see ``data/SOURCES.md``),
minus the ordinary shopping words in ``allow.txt``; English words from the ``better-profanity``
package's list. Text is compared after NFKC (full-width → half-width), lower-casing, traditional →
simplified (OpenCC) and removing the spaces and symbols people put inside a word to dodge a filter
("加 微-信"). Personal data: mainland mobile and landline numbers, ID card numbers, e-mail
addresses and street addresses (省/市/区 … 路/街 … 号). A finding holds the text for a moderator;
it never edits the text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import opencc

from .choices import ModerationReason

DATA = Path(__file__).resolve().parent / "data" / "zh"

# word list file → the reason a hit gives
ZH_LISTS: dict[str, ModerationReason] = {
    "ads.txt": ModerationReason.ADS,
    "ads_local.txt": ModerationReason.ADS,
    "obscene.txt": ModerationReason.ABUSE,
    "violence.txt": ModerationReason.ABUSE,
    "abuse_local.txt": ModerationReason.ABUSE,
}
# Latin entries this short ("sb", "QQ") match too many ordinary words and codes.
LATIN_MIN = 4
# Characters dropped before matching words: spaces, punctuation and symbols inside a word.
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)

PHONE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)")
LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[\s-]\d{7,8}(?!\d)")
ID_CARD = re.compile(
    r"(?<![0-9A-Za-z])\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx](?![0-9A-Za-z])"
)
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# A street address: a road, street or lane with a house number, or a region (省/市/区/县) followed
# within a few characters by a number of a building, unit or room.
ADDRESS = re.compile(
    r"[\u4e00-\u9fff]{1,12}(?:路|街|大道|巷|弄|胡同)\s*\d{1,5}\s*(?:号|弄|栋|幢)"
    r"|[\u4e00-\u9fff]{1,8}(?:省|市|区|县)[\u4e00-\u9fff\d]{0,20}?\d{1,5}\s*(?:号|栋|幢|单元|室|号楼)"
)


@dataclass(frozen=True)
class Finding:
    """One reason a text is held, with what matched (for the moderator; never shown publicly)."""

    reason: ModerationReason
    match: str


@dataclass(frozen=True)
class Screening:
    findings: tuple[Finding, ...]

    @property
    def reasons(self) -> list[str]:
        """The reasons, each once, in a stable order."""
        return sorted({str(f.reason) for f in self.findings})

    @property
    def held(self) -> bool:
        return bool(self.findings)


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalize(text: str) -> str:
    """The form words are compared in: half-width, lower case, simplified, without noise."""
    folded = _t2s().convert(unicodedata.normalize("NFKC", text).lower())
    return _NOISE.sub("", folded)


def _read(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _english_words() -> list[str]:
    listed = resources.files("better_profanity").joinpath("profanity_wordlist.txt")
    return [w.strip().lower() for w in listed.read_text(encoding="utf-8").splitlines() if w.strip()]


@dataclass
class _Lists:
    trie: dict[
        str, object
    ]  # CJK and mixed entries, matched anywhere (no word boundaries in Chinese)
    latin: re.Pattern[str] | None  # Latin-only entries, matched as whole words
    latin_reason: dict[str, ModerationReason]


_END = "\x00"  # the key marking "a listed word ends here" in the trie


@lru_cache(maxsize=1)
def word_lists() -> _Lists:
    """Built once per process (~2,500 entries; a few milliseconds)."""
    allowed = {normalize(w) for w in _read(DATA / "allow.txt")}
    trie: dict[str, object] = {}
    latin_reason: dict[str, ModerationReason] = {}
    entries: list[tuple[str, ModerationReason]] = [
        (word, reason) for name, reason in ZH_LISTS.items() for word in _read(DATA / name)
    ]
    entries += [(word, ModerationReason.ABUSE) for word in _english_words()]
    for raw, reason in entries:
        if raw.isascii():
            word = " ".join(raw.lower().split())
            if len(word.replace(" ", "")) >= LATIN_MIN and word not in allowed:
                latin_reason.setdefault(word, reason)
            continue
        word = normalize(raw)
        if len(word) < 2 or word in allowed:
            continue
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})  # type: ignore[assignment]
        node.setdefault(_END, reason)
    latin = None
    if latin_reason:
        alternatives = sorted(latin_reason, key=len, reverse=True)
        pattern = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in alternatives)
        latin = re.compile(rf"(?<![a-z0-9])(?:{pattern})(?![a-z0-9])")
    return _Lists(trie=trie, latin=latin, latin_reason=latin_reason)


def _words(text: str) -> list[Finding]:
    lists = word_lists()
    found: list[Finding] = []
    compact = normalize(text)
    for start in range(len(compact)):
        node = lists.trie
        for end in range(start, len(compact)):
            child = node.get(compact[end])
            if child is None:
                break
            node = child  # type: ignore[assignment]
            if _END in node:
                found.append(Finding(node[_END], compact[start : end + 1]))  # type: ignore[arg-type]
    if lists.latin is not None:
        spaced = unicodedata.normalize("NFKC", text).lower()
        for hit in lists.latin.finditer(spaced):
            word = " ".join(hit.group(0).split())
            found.append(Finding(lists.latin_reason.get(word, ModerationReason.ABUSE), word))
    return found


def _personal(text: str) -> list[Finding]:
    folded = unicodedata.normalize("NFKC", text)
    found = []
    for pattern in (PHONE, LANDLINE, ID_CARD, EMAIL, ADDRESS):
        found += [
            Finding(ModerationReason.PERSONAL_DATA, m.group(0)) for m in pattern.finditer(folded)
        ]
    return found


def screen(text: str) -> Screening:
    """What in ``text`` must wait for a moderator (nothing: an empty screening)."""
    if not text:
        return Screening(findings=())
    return Screening(findings=tuple(_words(text) + _personal(text)))
