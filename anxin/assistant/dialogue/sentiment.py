"""Strong negative sentiment, from a small zh/en lexicon: insults, threats to report, anger
emoji, shouting. A score of 3 or more hands the chat to a person."""

from __future__ import annotations

import re

STRONG = (
    "垃圾",
    "骗子",
    "骗人",
    "坑人",
    "黑店",
    "气死",
    "恶心",
    "无语",
    "滚",
    "投诉你们",
    "12315",
    "消协",
    "曝光",
    "报警",
    "起诉",
    "律师",
    "太过分",
    "忍无可忍",
    "什么破",
    "破店",
    "差评",
    "退钱",
    "scam",
    "scammer",
    "fraud",
    "rip off",
    "ripoff",
    "disgusting",
    "useless",
    "furious",
    "outraged",
    "unacceptable",
    "ridiculous",
    "worst",
    "lawyer",
    "sue you",
    "report you",
    "police",
    "pathetic",
    "garbage",
    "rubbish",
    "liars",
    "cheated",
)
MILD = (
    "失望",
    "生气",
    "不满",
    "差劲",
    "太慢",
    "太差",
    "angry",
    "annoyed",
    "disappointed",
    "terrible",
    "awful",
)
EMOJI = ("😡", "🤬", "😠", "💢", "👎")
SHOUT = re.compile(r"[!！]{2,}|[?？]{3,}")


def negativity(text: str, *, raw: str = "") -> int:
    """0 (neutral) upwards; ``text`` is the normalised message, ``raw`` the original (for CAPS)."""
    score = 2 * sum(1 for word in STRONG if word in text)
    score += sum(1 for word in MILD if word in text)
    score += sum(2 for emoji in EMOJI if emoji in text)
    if SHOUT.search(text):
        score += 1
    letters = [c for c in raw if c.isalpha() and c.isascii()]
    if len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.7:
        score += 1
    return score


STRONGLY_NEGATIVE = 3
