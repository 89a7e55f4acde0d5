"""Print a registered workflow's transition table as a Mermaid state diagram."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anxin.core.workflow import registered_workflows


class Command(BaseCommand):
    help = "Print the Mermaid diagram of a workflow (e.g. catalog.merchant)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("model_label", nargs="?")

    def handle(self, *args: Any, **options: Any) -> None:
        workflows = registered_workflows()
        label = options["model_label"]
        if label is None:
            for name in sorted(workflows):
                self.stdout.write(name)
            return
        if label.lower() not in workflows:
            raise CommandError(f"no workflow '{label}'; known: {', '.join(sorted(workflows))}")
        self.stdout.write(workflows[label.lower()].mermaid())
