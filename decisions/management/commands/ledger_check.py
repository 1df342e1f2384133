"""The operator's consistency check of the budget ledger: the running totals the services keep,
compared with the same figures summed from the records. Exits with status 1 when they differ;
``--repair`` then rewrites the totals from the records."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from decisions import ledger, totals

COLUMNS = ("requested", "recommended", "granted")


class Command(BaseCommand):
    help = (
        "Compare the budget ledger's running totals (per call and year) with a recomputation from the "
        "applications, recommendations and decisions; --repair rewrites them from the records."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--repair", action="store_true", help="Rewrite every running total from the records (after a difference)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["repair"]:
            rows = totals.rebuild()
            self.stdout.write(f"Rewrote the running totals: {rows} rows (call and year).")
            return
        expected = ledger.recomputed()
        kept = totals.stored()
        differences = []
        for call_id, year in sorted(set(expected) | set(kept)):
            want = expected.get((call_id, year), (0, 0, 0))
            have = kept.get((call_id, year), (0, 0, 0))
            for column, wanted, held in zip(COLUMNS, want, have, strict=True):
                if wanted != held:
                    differences.append(f"call {call_id}, {year}, {column}: stored {held}, recomputed {wanted}")
        if differences:
            for line in differences:
                self.stderr.write(line)
            raise CommandError(f"{len(differences)} running totals differ from the records; run ledger_check --repair.")
        self.stdout.write(f"The running totals agree with the records: {len(expected)} rows (call and year).")
