from typing import Any

from django.core.management.base import BaseCommand

from notifications.catalogue import table_markdown


class Command(BaseCommand):
    help = "Print the table of events and who is told about them (as README shows it)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(table_markdown())
