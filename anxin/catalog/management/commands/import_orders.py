"""Bulk-load orders from a CSV or JSONL file (formats in ``anxin.catalog.importing``)."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anxin.catalog.importing import ImportFileError, import_file, rejects_write, report_lines


class Command(BaseCommand):
    help = (
        "Import orders from FILE.csv (one order line per row, rows of an order consecutive) or "
        "FILE.jsonl (one OrderIn body per line). Upserts by order id, each order in its own "
        "transaction; exits non-zero when some orders were rejected (the others stay imported)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a .csv or .jsonl file, UTF-8 (BOM allowed)")
        parser.add_argument("--merchant", help="merchant code for rows that do not name one")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate everything, then roll it all back"
        )
        parser.add_argument(
            "--rejects", type=Path, metavar="OUT.jsonl", help="write the rejected orders here"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rejects = options["rejects"]
        if rejects is not None and not rejects.parent.is_dir():
            raise CommandError(f"No such directory for --rejects: {rejects.parent}")
        try:
            report = import_file(
                options["file"],
                merchant=options["merchant"],
                dry_run=options["dry_run"],
                # the raw stream (call_command's, or the console): the command's wrapper would end
                # every progress update with a newline
                progress=options.get("stderr") or sys.stderr,
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        for line in report_lines(report):
            self.stdout.write(line)
        if rejects is not None:
            rejects_write(report.rejects, rejects)
        if report.rejects:
            raise CommandError(
                f"{len(report.rejects)} order(s) rejected; the others were "
                + ("validated (dry run)." if report.dry_run else "imported.")
            )
        done = "all orders are valid (dry run)" if report.dry_run else "all orders imported"
        self.stdout.write(self.style.SUCCESS(done))
