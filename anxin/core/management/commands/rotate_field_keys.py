"""Re-encrypt every encrypted field with the first key of ANXIN_FIELD_KEYS."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anxin.core.keys import field_keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt personal data with the newest field key. Prepend the new key to "
        "ANXIN_FIELD_KEYS, run this, then remove the old key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        for label, count in field_keys_rotate(batch_size=options["batch_size"]).items():
            self.stdout.write(f"{label}: {count} rows re-encrypted")
        self.stdout.write(self.style.SUCCESS("rotation complete"))
