"""manage.py assistant_eval FILE.jsonl: accuracy, macro-F1, per-intent precision/recall and the
confusion matrix of the current model on labelled lines {"text", "intent"[, "lang"]}."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anxin.assistant.nlu.data import read_jsonl
from anxin.assistant.nlu.training import evaluate
from anxin.assistant.nlu.understand import current_model


class Command(BaseCommand):
    help = "Evaluate the assistant's intent model on a JSON-lines file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--json", action="store_true", help="print one JSON report instead")
        parser.add_argument("--errors", type=int, default=20, help="misclassified lines to list")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            examples = list(read_jsonl(options["file"]))
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if not examples:
            raise CommandError("no labelled lines in the file")
        report = evaluate(current_model(), examples)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        **report.summary(),
                        "per_intent": report.per_intent,
                        "labels": report.labels,
                        "confusion": report.confusion,
                    },
                    ensure_ascii=False,
                )
            )
            return
        out = self.stdout.write
        out(
            f"examples {report.total}  accuracy {report.accuracy:.2%}  macro-F1 {report.macro_f1:.3f}"
        )
        for lang, accuracy in report.per_language.items():
            out(f"  {lang}: accuracy {accuracy:.2%}")
        out(f"\n{'intent':<18} {'precision':>9} {'recall':>7} {'f1':>6} {'n':>5}")
        for label, row in report.per_intent.items():
            if row["support"] or row["precision"]:
                out(
                    f"{label:<18} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>6.3f} {int(row['support']):>5}"
                )
        short = [label[:6] for label in report.labels]
        out("\nconfusion (rows: true, columns: predicted)")
        out(" " * 18 + " ".join(f"{s:>6}" for s in short))
        for label, counts in zip(report.labels, report.confusion, strict=True):
            if any(counts):
                out(f"{label:<18}" + " ".join(f"{n:>6}" for n in counts))
        if report.errors and options["errors"]:
            out("\nmisclassified:")
            for error in report.errors[: options["errors"]]:
                out(
                    f"  [{error['intent']} → {error['predicted']} {error['confidence']:.2f}] {error['text']}"
                )
