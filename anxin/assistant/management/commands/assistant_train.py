"""manage.py assistant_train: train the intent model from anxin/assistant/data and the agents'
corrections; write a versioned artifact and make it the current one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anxin.assistant.nlu import model as intent_model
from anxin.assistant.nlu.training import train_and_save
from anxin.assistant.nlu.understand import model_dir, model_reset


class Command(BaseCommand):
    help = "Train the assistant's intent model (data folder + agents' corrections)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, default=None, help="artifact folder (default: settings)"
        )
        parser.add_argument(
            "--no-corrections", action="store_true", help="train on the data folder only"
        )
        parser.add_argument(
            "--if-missing", action="store_true", help="do nothing when a model exists"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = options["output"] or model_dir()
        if options["if_missing"] and intent_model.load(directory) is not None:
            self.stdout.write(f"model present in {directory}")
            return
        model, report = train_and_save(directory, corrections=not options["no_corrections"])
        model_reset()
        assert model.meta is not None
        self.stdout.write(
            f"trained {model.version} on {model.meta['examples']} examples → {directory / model.meta['file']}"
        )
        if report is not None:
            per_language = ", ".join(f"{k} {v:.2%}" for k, v in report.per_language.items())
            self.stdout.write(
                f"held-out: accuracy {report.accuracy:.2%} ({per_language}), macro-F1 {report.macro_f1:.3f}"
            )
