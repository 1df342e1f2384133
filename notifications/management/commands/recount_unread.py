from typing import Any

from django.core.management.base import BaseCommand

from notifications.services import unread_recount


class Command(BaseCommand):
    help = "Count every person's unread notifications again from the notifications and store the counts."

    def handle(self, *args: Any, **options: Any) -> None:
        wrong = unread_recount()
        self.stdout.write(f"{wrong} antal var fel och är rättade." if wrong else "Alla antal stämde.")
