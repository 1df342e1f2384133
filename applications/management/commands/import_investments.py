"""``manage.py import_investments [file]``: the published list of social investments
into the portal, as decided applications. See ``applications.importers``. Without a file it
reads the list that comes with the project (``applications/data/``)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from applications.importers import PUBLISHED_INVESTMENTS, investments_import


class Command(BaseCommand):
    help = (
        "Läser in den publicerade förteckningen över sociala investeringar (text kopierad från webbsidan) "
        "som beviljade ansökningar: pågående och avslutade efter den del av sidan de står i. "
        "Kan köras om: en investering känns igen på sitt namn och uppdateras, och en andra körning ändrar "
        "ingenting. Det som inte går att läsa skrivs ut med radnummer och stoppar inte inläsningen: "
        "en investering vars tidsperiod inte går att läsa importeras utan datum (datum som redan finns "
        "behålls), och ett block utan rubrik hoppas över. En investering som inte längre står i förteckningen "
        "tas inte bort."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            default=str(PUBLISHED_INVESTMENTS),
            help="Textfilen med förteckningen (UTF-8). Utan fil läses förteckningen som följer med portalen.",
        )

    def handle(self, *args, path: str, **options):
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except OSError as error:
            raise CommandError(f"Filen {path} går inte att läsa: {error.strerror}.") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"Filen {path} är inte UTF-8-text.") from error
        report = investments_import(text=text)
        for problem in report.problems:
            self.stderr.write(str(problem))
        self.stdout.write(
            self.style.SUCCESS(
                f"Klart: {report.created} nya, {report.updated} uppdaterade, {report.unchanged} oförändrade; "
                f"{report.ongoing} pågående, {report.completed} avslutade; {len(report.problems)} problem."
            )
        )
