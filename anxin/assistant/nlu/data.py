"""The team's utterances: ``data/<lang>/<intent>.txt`` (training, one per line) and
``data/heldout/<lang>.jsonl`` (the held-out split, never trained on)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .intents import INTENTS, LANGUAGES

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    lang: str


def training_examples(root: Path = DATA_DIR) -> list[Example]:
    examples = []
    for lang in LANGUAGES:
        for intent in INTENTS:
            path = root / lang / f"{intent}.txt"
            if not path.exists():
                continue
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    examples.append(Example(line.strip(), intent, lang))
    return examples


def read_jsonl(path: Path) -> Iterator[Example]:
    """Lines of ``{"text", "intent"[, "lang"]}``; a line that is not such an object is an error."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text, intent = str(row["text"]), str(row["intent"])
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path.name}:{number}: not a {{text, intent}} object") from exc
            if intent not in INTENTS:
                raise ValueError(f"{path.name}:{number}: unknown intent {intent!r}")
            yield Example(text, intent, str(row.get("lang", "")))


def heldout_examples(root: Path = DATA_DIR) -> list[Example]:
    examples: list[Example] = []
    for lang in LANGUAGES:
        path = root / "heldout" / f"{lang}.jsonl"
        if path.exists():
            examples += [Example(e.text, e.intent, lang) for e in read_jsonl(path)]
    return examples


def fingerprint(examples: Iterable[Example]) -> str:
    digest = hashlib.sha256()
    for example in examples:
        digest.update(f"{example.lang}\t{example.intent}\t{example.text}\n".encode())
    return digest.hexdigest()
