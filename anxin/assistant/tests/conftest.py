"""The assistant's tests share one model, trained on the data folder (not on corrections) into
var/assistant-test and retrained only when the data changed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from anxin.assistant.nlu import model as intent_model
from anxin.assistant.nlu.data import fingerprint, training_examples
from anxin.assistant.nlu.training import train_and_save
from anxin.assistant.nlu.understand import model_reset

MODEL_DIR = Path(settings.BASE_DIR) / "var" / "assistant-test"


def trained_model() -> intent_model.IntentModel:
    current = intent_model.load(MODEL_DIR)
    if current is not None and (current.meta or {}).get("data_sha") == fingerprint(
        training_examples()
    ):
        return current
    model, _report = train_and_save(MODEL_DIR, corrections=False)
    return model


@pytest.fixture(scope="session")
def intent_model_for_tests() -> intent_model.IntentModel:
    return trained_model()


@pytest.fixture(autouse=True)
def _assistant_model(
    intent_model_for_tests: intent_model.IntentModel, settings: Any
) -> Iterator[None]:
    settings.ANXIN_ASSISTANT_MODEL_DIR = MODEL_DIR
    model_reset(intent_model_for_tests)
    yield
    model_reset()
