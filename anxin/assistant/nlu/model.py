"""The intent classifier: TF-IDF over character n-grams (1–3, robust to typos) and words (jieba
for Chinese, uni- and bigrams), a linear SVM, and sigmoid calibration so the confidence
can be compared with the out-of-scope threshold. Trained in seconds, loaded in well under one.

The artifact is a joblib file named by version next to ``current.json`` (its name, checksum and
figures); loading checks the checksum, so a truncated or foreign file is refused.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jieba
import joblib
import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from .intents import OUT_OF_SCOPE
from .slots import CASE, ORDER

FORMAT = 2  # bump when the pipeline's code changes: older artifacts are then not loaded
jieba.setLogLevel(logging.WARNING)
DIGITS = re.compile(r"\d+")
STARS = re.compile(r"\*+")
# Below this calibrated confidence a message counts as not understood (out of scope).
THRESHOLD = 0.25


def model_text(normalised: str) -> str:
    """What the model reads: numbers reduced to their kind, so it learns words, not digits."""
    text = ORDER.sub(" 订单号 ordernumber ", normalised)
    text = CASE.sub(" 售后单号 casenumber ", text)
    text = STARS.sub("*", text)
    return DIGITS.sub("0", text)


def words(text: str) -> list[str]:
    """The words of a model text: jieba cuts Chinese into words and keeps English words whole."""
    return [word for word in jieba.lcut(text) if word.strip()]


def _pipeline() -> Pipeline:
    features = FeatureUnion(
        [
            (
                "chars",
                TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True),
            ),
            (
                "words",
                TfidfVectorizer(
                    tokenizer=words,
                    token_pattern=None,
                    lowercase=False,
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                ),
            ),
        ]
    )
    classifier = CalibratedClassifierCV(
        LinearSVC(C=1.0, random_state=0), method="sigmoid", cv=3, ensemble=False
    )
    return Pipeline([("features", features), ("classifier", classifier)])


@dataclass
class IntentModel:
    pipeline: Pipeline
    version: str
    threshold: float = THRESHOLD
    meta: dict[str, Any] | None = None

    @property
    def intents(self) -> list[str]:
        return [str(c) for c in self.pipeline.classes_]

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        return self.pipeline.predict_proba([model_text(t) for t in texts])

    def predict(self, normalised: str) -> tuple[str, float]:
        """The intent of one normalised message and its confidence; out of scope when unsure."""
        return self.predict_many([normalised])[0]

    def predict_many(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        out = []
        classes = self.intents
        for row in self.scores(texts):
            best = int(row.argmax())
            confidence = float(row[best])
            intent = classes[best] if confidence >= self.threshold else OUT_OF_SCOPE
            out.append((intent, round(confidence, 4)))
        return out


def train(texts: Sequence[str], intents: Sequence[str], *, data_hash: str) -> IntentModel:
    pipeline = _pipeline()
    pipeline.fit([model_text(t) for t in texts], list(intents))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return IntentModel(pipeline=pipeline, version=f"{stamp}-{data_hash[:8]}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save(model: IntentModel, directory: Path, meta: dict[str, Any]) -> Path:
    """Write ``intent-<version>.joblib`` and point ``current.json`` at it (both atomically)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"intent-{model.version}.joblib"
    with tempfile.NamedTemporaryFile(dir=directory, delete=False, suffix=".tmp") as tmp:
        joblib.dump(
            {
                "format": FORMAT,
                "version": model.version,
                "threshold": model.threshold,
                "pipeline": model.pipeline,
            },
            tmp,
        )
    os.replace(tmp.name, path)
    pointer = {
        **meta,
        "version": model.version,
        "file": path.name,
        "sha256": _sha256(path),
        "format": FORMAT,
    }
    with tempfile.NamedTemporaryFile(
        "w", dir=directory, delete=False, suffix=".tmp", encoding="utf-8"
    ) as text:
        json.dump(pointer, text, ensure_ascii=False, indent=2)
    os.replace(text.name, directory / "current.json")
    model.meta = pointer
    return path


def load(directory: Path) -> IntentModel | None:
    """The current model of ``directory``, or None when there is none (or it does not check out)."""
    try:
        pointer = json.loads((directory / "current.json").read_text(encoding="utf-8"))
        path = directory / Path(pointer["file"]).name
        if pointer.get("format") != FORMAT or _sha256(path) != pointer["sha256"]:
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        blob = joblib.load(path)
    except (AttributeError, ImportError, EOFError, ValueError, pickle.UnpicklingError):
        return None  # made by other code (a renamed function, another scikit-learn)
    return IntentModel(
        pipeline=blob["pipeline"],
        version=blob["version"],
        threshold=blob["threshold"],
        meta=pointer,
    )
