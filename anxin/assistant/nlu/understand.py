"""``understand(text)``: one message → language, intent, confidence and slots."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from . import model as intent_model
from .language import detect_language, normalise
from .slots import extract_slots

log = logging.getLogger(__name__)
_lock = threading.Lock()
_current: intent_model.IntentModel | None = None


@dataclass(frozen=True)
class Understanding:
    text: str
    normalised: str
    lang: str
    intent: str
    confidence: float
    slots: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "intent": self.intent,
            "confidence": self.confidence,
            "lang": self.lang,
            "slots": self.slots,
        }


def model_dir() -> Path:
    return Path(settings.ANXIN_ASSISTANT_MODEL_DIR)


def current_model() -> intent_model.IntentModel:
    """The loaded model; the first call loads it (or trains one when none was trained yet)."""
    global _current
    if _current is not None:
        return _current
    with _lock:
        if _current is None:
            loaded = intent_model.load(model_dir())
            if loaded is None:
                from .training import train_and_save

                log.warning("no assistant model in %s: training one now", model_dir())
                loaded, _report = train_and_save(model_dir())
            _current = loaded
    return _current


def model_reset(model: intent_model.IntentModel | None = None) -> None:
    """Use ``model`` from now on (None: load the current artifact again at the next message)."""
    global _current
    with _lock:
        _current = model


def understand(text: str, *, default_lang: str = "zh-Hans") -> Understanding:
    normalised = normalise(text)
    lang = detect_language(normalised, default=default_lang)
    slots = extract_slots(normalised)
    if not normalised:
        return Understanding(text, normalised, lang, intent_model.OUT_OF_SCOPE, 0.0, slots)
    intent, confidence = current_model().predict(normalised)
    return Understanding(text, normalised, lang, intent, confidence, slots)
