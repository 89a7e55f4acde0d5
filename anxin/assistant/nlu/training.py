"""Training and evaluation: the data folder plus agents' corrections → a versioned artifact."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import model as intent_model
from .data import Example, fingerprint, heldout_examples, training_examples
from .intents import INTENTS
from .language import detect_language, normalise


@dataclass
class Evaluation:
    total: int
    accuracy: float
    macro_f1: float
    per_intent: dict[str, dict[str, float]]
    confusion: list[list[int]]
    labels: list[str]
    per_language: dict[str, float] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "per_language": {k: round(v, 4) for k, v in self.per_language.items()},
        }


def correction_examples() -> list[Example]:
    """Agents' intent corrections (the newest per message), when the database is there."""
    from anxin.assistant.selectors import corrections_for_training

    return [Example(text, intent, lang) for text, intent, lang in corrections_for_training()]


def evaluate(model: intent_model.IntentModel, examples: Sequence[Example]) -> Evaluation:
    predictions = model.predict_many([normalise(e.text) for e in examples])
    labels = list(INTENTS)
    index = {label: i for i, label in enumerate(labels)}
    confusion = [[0] * len(labels) for _ in labels]
    by_lang: Counter[str] = Counter()
    right_by_lang: Counter[str] = Counter()
    errors = []
    for example, (guess, confidence) in zip(examples, predictions, strict=True):
        confusion[index[example.intent]][index[guess]] += 1
        lang = example.lang or detect_language(normalise(example.text))
        by_lang[lang] += 1
        if guess == example.intent:
            right_by_lang[lang] += 1
        else:
            errors.append(
                {
                    "text": example.text,
                    "intent": example.intent,
                    "predicted": guess,
                    "confidence": confidence,
                }
            )
    per_intent = {}
    f1s = []
    for i, label in enumerate(labels):
        tp = confusion[i][i]
        predicted = sum(row[i] for row in confusion)
        actual = sum(confusion[i])
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_intent[label] = {"precision": precision, "recall": recall, "f1": f1, "support": actual}
        if actual:
            f1s.append(f1)
    total = len(examples)
    right = sum(confusion[i][i] for i in range(len(labels)))
    return Evaluation(
        total=total,
        accuracy=right / total if total else 0.0,
        macro_f1=sum(f1s) / len(f1s) if f1s else 0.0,
        per_intent=per_intent,
        confusion=confusion,
        labels=labels,
        per_language={lang: right_by_lang[lang] / n for lang, n in sorted(by_lang.items())},
        errors=errors,
    )


def train_and_save(
    directory: Path, *, corrections: bool = True
) -> tuple[intent_model.IntentModel, Evaluation | None]:
    examples = training_examples()
    data_sha = fingerprint(examples)
    if corrections:
        with contextlib.suppress(Exception):
            examples += correction_examples()
    if not examples:
        raise RuntimeError("no training data in anxin/assistant/data")
    model = intent_model.train(
        [normalise(e.text) for e in examples],
        [e.intent for e in examples],
        data_hash=fingerprint(examples),
    )
    heldout = heldout_examples()
    report = evaluate(model, heldout) if heldout else None
    meta: dict[str, Any] = {
        "examples": len(examples),
        "intents": len({e.intent for e in examples}),
        "data_sha": data_sha,
        "trained_at": model.version.split("-")[0],
    }
    if report is not None:
        meta["heldout"] = report.summary()
    intent_model.save(model, directory, meta)
    return model, report
