"""What consumers said was wrong: words of their request descriptions and reviews mapped to the
aspects of a listing a merchant can fix (size, colour, material, authenticity, workmanship, the
picture, function, smell, quantity).

Chinese text is cut with jieba, using a tokenizer of our own that knows the lexicon's phrases as
words (so "尺码偏小" stays one word and the global dictionary other apps use is left alone); English
text is matched as lower-case words and phrases. Negated mentions ("没有色差", "no colour
difference") are not counted: a review praising the colour is no complaint about it.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import jieba
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

jieba.setLogLevel(logging.WARNING)

# aspect -> (label, what to fix in the listing)
ASPECTS: dict[str, tuple[Promise, Promise]] = {
    "size": (
        _("Size"),
        _(
            "Check the size chart against the goods and say how the item fits (runs small or large)."
        ),
    ),
    "colour": (
        _("Colour"),
        _("Photograph the goods in daylight without filters and name the colour as it really is."),
    ),
    "material": (
        _("Material"),
        _("State the real material and its composition, as on the label."),
    ),
    "fake": (
        _("Authenticity"),
        _(
            "Show the source of the goods (brand authorisation, invoices); stop selling doubtful stock."
        ),
    ),
    "workmanship": (
        _("Workmanship"),
        _("Inspect finishing (seams, glue, loose threads) before shipping."),
    ),
    "picture": (
        _("Does not match the pictures"),
        _("Use photographs of the goods actually sold, not of a sample or another model."),
    ),
    "function": (
        _("Function"),
        _("Describe what the product does and does not do; list its specifications truthfully."),
    ),
    "smell": (
        _("Smell"),
        _("Air the goods before shipping and disclose any smell of new materials."),
    ),
    "quantity": (
        _("Quantity or specification"),
        _("State the exact quantity, weight and specification the consumer receives."),
    ),
}

# Chinese words and phrases (jieba keeps each whole) -> aspect.
ZH: dict[str, str] = {
    "尺码偏小": "size", "尺码偏大": "size", "偏小": "size", "偏大": "size", "尺码不准": "size",
    "尺码不对": "size", "码数": "size", "太小": "size", "太大": "size", "尺寸不符": "size",
    "色差": "colour", "颜色不一样": "colour", "颜色不对": "colour", "褪色": "colour",
    "掉色": "colour", "颜色差别": "colour", "颜色": "colour",
    "材质": "material", "面料": "material", "不是纯棉": "material", "起球": "material",
    "材料": "material", "塑料感": "material",
    "假货": "fake", "仿品": "fake", "假冒": "fake", "高仿": "fake", "山寨": "fake",
    "不是正品": "fake", "翻新": "fake",
    "做工": "workmanship", "线头": "workmanship", "开线": "workmanship", "粗糙": "workmanship",
    "开胶": "workmanship", "走线": "workmanship",
    "与图片不符": "picture", "和图片不一样": "picture", "图片不符": "picture",
    "货不对板": "picture", "与描述不符": "picture", "和描述不一致": "picture",
    "描述不一致": "picture", "实物": "picture", "图片": "picture",
    "功能": "function", "不能用": "function", "不好用": "function", "续航": "function",
    "异味": "smell", "味道": "smell", "刺鼻": "smell",
    "少件": "quantity", "分量": "quantity", "规格不符": "quantity", "重量不足": "quantity",
}  # fmt: skip

# English words and phrases (matched on word boundaries, lower case) -> aspect.
EN: dict[str, str] = {
    "runs small": "size", "runs large": "size", "too small": "size", "too big": "size",
    "too large": "size", "size": "size", "sizing": "size",
    "colour": "colour", "color": "colour", "faded": "colour",
    "material": "material", "fabric": "material", "not cotton": "material", "pilling": "material",
    "fake": "fake", "counterfeit": "fake", "replica": "fake", "knock-off": "fake",
    "not genuine": "fake",
    "workmanship": "workmanship", "stitching": "workmanship", "loose threads": "workmanship",
    "poorly made": "workmanship",
    "not as pictured": "picture", "not as described": "picture", "picture": "picture",
    "photo": "picture", "looks different": "picture",
    "does not work": "function", "doesn't work": "function", "battery": "function",
    "smell": "smell", "smells": "smell", "odor": "smell", "odour": "smell",
    "missing parts": "quantity", "weight": "quantity",
}  # fmt: skip

ZH_NEGATIONS = ("没有", "没", "无", "不存在", "零")
EN_NEGATION = re.compile(r"\b(no|not|without|never)\s+(?:\w+\s+)?$")
_EN_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(p) for p in sorted(EN, key=len, reverse=True)) + r")\b"
)

_tokenizer: jieba.Tokenizer | None = None
_lock = threading.Lock()


def _cutter() -> jieba.Tokenizer:
    """A jieba tokenizer of our own that knows the lexicon (built once, on first use)."""
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            tokenizer = jieba.Tokenizer()
            for word in ZH:
                tokenizer.add_word(word, freq=200_000)
            _tokenizer = tokenizer
    return _tokenizer


def _zh_mentions(text: str) -> list[str]:
    words = [w for w in _cutter().lcut(text) if w.strip()]
    found: list[str] = []
    for i, word in enumerate(words):
        if word in ZH and not any(words[j] in ZH_NEGATIONS for j in range(max(0, i - 2), i)):
            found.append(word)
    return found


def _en_mentions(text: str) -> list[str]:
    lower = text.lower()
    return [
        m.group(1)
        for m in _EN_PATTERN.finditer(lower)
        if not EN_NEGATION.search(lower[max(0, m.start() - 30) : m.start()])
    ]


def mentions(text: str) -> list[tuple[str, str]]:
    """The lexicon words of one text with their aspects, in order: ``[(word, aspect), …]``."""
    if not text:
        return []
    words = _zh_mentions(text) + _en_mentions(text)
    return [(w, ZH.get(w) or EN[w]) for w in words]


@dataclass(frozen=True)
class AspectCount:
    aspect: str
    label: str
    advice: str
    count: int  # texts mentioning the aspect (a text counts once per aspect)
    words: list[tuple[str, int]]  # the words used, most frequent first


def aspects_of(texts: Iterable[str]) -> list[AspectCount]:
    """What a set of texts complains about, most mentioned aspect first."""
    per_aspect: Counter[str] = Counter()
    per_word: dict[str, Counter[str]] = {}
    for text in texts:
        found = mentions(text)
        for aspect in {a for _w, a in found}:
            per_aspect[aspect] += 1
        for word, aspect in found:
            per_word.setdefault(aspect, Counter())[word] += 1
    return [
        AspectCount(
            aspect=aspect,
            label=str(ASPECTS[aspect][0]),
            advice=str(ASPECTS[aspect][1]),
            count=count,
            words=per_word[aspect].most_common(),
        )
        for aspect, count in sorted(per_aspect.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
