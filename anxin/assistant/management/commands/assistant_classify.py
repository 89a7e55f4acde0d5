"""manage.py assistant_classify: UTF-8 lines on stdin → one JSON object per line on stdout:
{"text", "intent", "confidence", "lang", "slots"}."""

from __future__ import annotations

import io
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand

from anxin.assistant.nlu.understand import understand


class Command(BaseCommand):
    help = "Classify messages read from standard input, one per line."

    def handle(self, *args: Any, **options: Any) -> None:
        stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        for line in stream:
            text = line.rstrip("\r\n")
            result = understand(text).as_dict()
            self.stdout.write(json.dumps(result, ensure_ascii=False))
