"""Build the page benchmark's large data set (``benchmarks.pages_data``) on an empty database:
both demo partnerships, applications in every state through the services, copied in bulk into
calls over ten years, and one very large upcoming steering-group meeting.

    manage.py bench_data [--applications N]

Refuses a database that already holds applications. Meant for a database of its own
(``scripts/bench-pages`` makes one); the demo logins it makes have the demo's known password.
"""

from django.core.management.base import BaseCommand, CommandError

from benchmarks import pages_data


class Command(BaseCommand):
    help = "Bygger jämförelsedata för sidmätningen (N ansökningar i alla lägen) på en tom databas."

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=10_000, help="ungefärligt antal ansökningar")

    def handle(self, *args, applications: int, **options):
        if applications < 1:
            raise CommandError("Ange minst en ansökan med --applications.")
        try:
            pages_data.build(applications)
        except pages_data.BenchDataRefused as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(self.style.SUCCESS(f"Jämförelsedata byggd: omkring {applications} ansökningar."))
