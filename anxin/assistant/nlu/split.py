"""Make the held-out split: ``python -m anxin.assistant.nlu.split [--redo]``.

A line of ``data/<lang>/<intent>.txt`` is held out when the SHA-1 of its *normalised* text
(Traditional → Simplified, case, width) falls in the lowest fifth, so spelling variants of one
message land on the same side and nothing held out is ever trained on. Held-out lines move to
``data/heldout/<lang>.jsonl`` and leave the training files; a held-out text that the data gives
two different intents is dropped from the evaluation (it stays in training). ``--redo`` first
puts the held-out lines back, then splits everything again by the same rule (lines added since
the last split get split too; the rule is deterministic, so earlier lines keep their side).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict

from .data import DATA_DIR, heldout_examples
from .intents import INTENTS, LANGUAGES
from .language import normalise


def held_out(lang: str, text: str) -> bool:
    digest = hashlib.sha1(f"{lang}\t{normalise(text)}".encode()).hexdigest()  # noqa: S324
    return int(digest[:8], 16) % 5 == 0


def main(argv: list[str]) -> None:
    previous = heldout_examples()
    if previous and "--redo" not in argv:
        sys.exit("a held-out split exists; pass --redo to split again (including new lines)")
    for lang in LANGUAGES:
        lines: dict[str, list[str]] = {}
        for intent in INTENTS:
            path = DATA_DIR / lang / f"{intent}.txt"
            own = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
            own += [e.text for e in previous if e.lang == lang and e.intent == intent]
            seen: set[str] = set()
            lines[intent] = [t for t in own if t and not (t in seen or seen.add(t))]  # type: ignore[func-returns-value]
        intents_of: dict[str, set[str]] = defaultdict(set)
        for intent, texts in lines.items():
            for text in texts:
                intents_of[normalise(text)].add(intent)
        rows, kept = [], set()
        for intent, texts in lines.items():
            train = [t for t in texts if not held_out(lang, t)]
            for text in texts:
                key = normalise(text)
                if held_out(lang, text) and len(intents_of[key]) == 1 and key not in kept:
                    kept.add(key)
                    rows.append({"text": text, "intent": intent})
                elif held_out(lang, text) and len(intents_of[key]) > 1:
                    train.append(text)
            path = DATA_DIR / lang / f"{intent}.txt"
            path.write_text("\n".join(train) + "\n", encoding="utf-8")
        out = DATA_DIR / "heldout" / f"{lang}.jsonl"
        out.parent.mkdir(exist_ok=True)
        out.write_text(
            "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8"
        )
        sys.stdout.write(f"{lang}: {len(rows)} held out\n")


if __name__ == "__main__":
    main(sys.argv[1:])
