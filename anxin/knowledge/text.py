"""Pure text helpers: search tokens for Chinese and English, and safe paragraph blocks.

Chinese has no spaces, so words come from jieba (search mode, which also yields the short words
inside long ones); character bigrams of every run of Chinese characters are added as a fallback,
so a query still matches when jieba cuts it differently from the article ("运费谁出" vs
"退货运费由谁承担"). English words are lower-cased and lightly stemmed (a plural "s").
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import jieba

jieba.setLogLevel(logging.WARNING)

_HAN = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"[a-z0-9]+")
# Words too common to say anything about a help article.
_STOP = """
    a an and are as at be by can do does for from how i if in is it my of on or the to what
    when where who why will with you your me we our this that there
    的 了 吗 呢 吧 啊 是 在 和 与 我 你 您 我们 怎么 怎样 如何 什么 可以 能 要 会 有 没有 请问 一下
"""
STOPWORDS = frozenset(_STOP.split())


def _stem(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """The search terms of ``text``, in order, without duplicates."""
    text = text.lower()
    found: dict[str, None] = {}
    for word in _WORD.findall(text):
        if word not in STOPWORDS:
            found[_stem(word)] = None
    for run in _HAN.findall(text):
        for word in jieba.cut_for_search(run):
            if len(word) > 1 and word not in STOPWORDS:
                found[word] = None
        for i in range(len(run) - 1):
            found[run[i : i + 2]] = None
    return list(found)


def token_field(*texts: str) -> str:
    """Space-separated tokens with a space on either side, so ``contains(" t ")`` is exact."""
    terms: dict[str, None] = {}
    for text in texts:
        for term in tokens(text):
            terms[term] = None
    return f" {' '.join(terms)} " if terms else ""


@dataclass
class Block:
    """A paragraph, a heading or a list of a plain-text article; the template escapes it."""

    kind: str  # "p", "h" or "ul"
    text: str = ""
    items: list[str] = field(default_factory=list)


def blocks(body: str) -> list[Block]:
    """Markdown-lite: blank lines separate paragraphs, "## " starts a heading, "- " a list item."""
    result: list[Block] = []
    for chunk in re.split(r"\n\s*\n", body.replace("\r\n", "\n").strip()):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        paragraph: list[str] = []
        for line in lines:
            if line.startswith("## "):
                if paragraph:
                    result.append(Block("p", "\n".join(paragraph)))
                    paragraph = []
                result.append(Block("h", line[3:].strip()))
            elif line.startswith(("- ", "* ")):
                if paragraph:
                    result.append(Block("p", "\n".join(paragraph)))
                    paragraph = []
                if not result or result[-1].kind != "ul":
                    result.append(Block("ul"))
                result[-1].items.append(line[2:].strip())
            else:
                paragraph.append(line)
        if paragraph:
            result.append(Block("p", "\n".join(paragraph)))
    return result
