"""Every business-rule id the code cites (P-5, R-3, M-1, #14, art. 13, CPL art. 24) is explained
in docs/domain.md, so a reader of the code can always look the rule up."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "domain.md"

RULE_ID = re.compile(r"\b([PRMTQC])-(\d+)\b")
# "#5", "#2/#3", "#2–#7"; not HTML entities (&#215;) nor colour codes (#999, #02).
DEADLINE = re.compile(r"(?<![&\w])#([1-9]\d?)\b(?![0-9A-Fa-f])")
ARTICLE = re.compile(
    r"\b(CPL |Consumer Protection Law,? |PIPL )?arts?\.\s?(\d+)(?:\s?([–-]|and)\s?(\d+))?",
    re.IGNORECASE,
)


def cited(text: str, *, deadlines: bool = True) -> set[str]:
    """The rule ids in ``text``, normalised to the spelling the document uses."""
    ids = {f"{prefix}-{number}" for prefix, number in RULE_ID.findall(text)}
    if deadlines:
        ids |= {f"#{number}" for number in DEADLINE.findall(text)}
    for law, first, joint, last in ARTICLE.findall(text):
        prefix = "PIPL art." if law.strip() == "PIPL" else "CPL art." if law else "art."
        if joint == "and":
            numbers: Iterable[int] = (int(first), int(last))
        else:
            numbers = range(int(first), int(last or first) + 1)
        ids |= {f"{prefix} {n}" for n in numbers}
    return ids


def code_files() -> list[Path]:
    """The application's own source: Python, templates and our scripts; not tests or vendored code."""
    files = [*(ROOT / "anxin").rglob("*.py"), *(ROOT / "config").rglob("*.py")]
    files += (ROOT / "anxin").rglob("templates/**/*.html")
    files += (ROOT / "anxin" / "web" / "static" / "web").rglob("*.js")
    return [f for f in files if "tests" not in f.relative_to(ROOT).parts]


def documented() -> set[str]:
    """The ids a table row of docs/domain.md defines: those in the first cell of the row."""
    ids: set[str] = set()
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = line.split("|")
        if line.startswith("|") and len(cells) > 2 and not set(cells[1].strip()) <= {"-", ":"}:
            ids |= cited(cells[1])
    return ids


def test_every_rule_id_the_code_cites_is_in_docs_domain_md():
    # given
    known = documented()
    # when
    missing: dict[str, list[str]] = {}
    for path in code_files():
        # Only Python comments and strings cite deadlines as "#n"; in templates "#" is markup.
        for rule in cited(path.read_text(encoding="utf-8"), deadlines=path.suffix == ".py"):
            if rule not in known:
                missing.setdefault(rule, []).append(str(path.relative_to(ROOT)))
    # then
    assert not missing, f"cited in the code but not explained in docs/domain.md: {missing}"


def test_the_scanner_reads_the_spellings_the_code_uses():
    # given
    text = 'rule="P-2/P-3"  # deadlines #2–#7, art. 13, arts. 8–9, arts. 13 and 31, CPL art. 24, "#02 自然色" &#215;'
    # when
    ids = cited(text)
    # then
    assert ids == {
        "P-2",
        "P-3",
        "#2",
        "#7",
        "art. 13",
        "art. 8",
        "art. 9",
        "art. 31",
        "CPL art. 24",
    }
