"""The portfolio's data file: the published list of social investments comes with the project
(``applications/data/``), ``import_investments`` and ``make run`` read it by default, and the
importer's archive call is never an open call, a call to apply to or a line in the budget."""

import io
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse

from applications.importers import CALL_NAME, PUBLISHED_INVESTMENTS, parse_investments
from applications.models import Application, RunStatus, Source
from decisions import ledger as budget_ledger
from partnership import selectors
from partnership.models import Call
from partnership.rules import calls_in_view, roles_of

PROJECT = Path(__file__).resolve().parents[2]


def imported() -> str:
    out = io.StringIO()
    call_command("import_investments", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_it_keeps_the_published_list_inside_the_project_with_its_source():
    assert PUBLISHED_INVESTMENTS.is_relative_to(PROJECT / "applications" / "data")
    readme = (PUBLISHED_INVESTMENTS.parent / "README.md").read_text(encoding="utf-8")
    assert PUBLISHED_INVESTMENTS.name in readme
    assert "Source:" in readme


def test_it_reads_23_investments_from_the_data_file_without_problems():
    parsed = parse_investments(PUBLISHED_INVESTMENTS.read_text(encoding="utf-8-sig"))
    assert parsed.problems == []
    assert len(parsed.investments) == 23
    ongoing = [i for i in parsed.investments if i.run_status == RunStatus.ONGOING]
    assert len(ongoing) == 14


def test_it_imports_the_data_file_when_no_file_is_named(demo):
    assert "23 nya" in imported()
    assert Application.objects.filter(source=Source.IMPORT).count() == 23
    assert "0 uppdaterade, 23 oförändrade" in imported()


def test_make_run_imports_the_published_list_and_readme_points_inside_the_project():
    run = (PROJECT / "scripts" / "run").read_text(encoding="utf-8")
    assert "manage.py import_investments\n" in run
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme
    assert "applications/data/sociala_investeringar.txt" in readme


def test_it_never_offers_the_archive_call_as_an_open_call(demo):
    imported()
    archive = Call.with_archives.get(name=CALL_NAME)
    assert archive.is_archive
    assert archive not in selectors.open_calls()
    assert archive not in selectors.calls_overview()
    assert archive not in Call.objects.all()
    for persona in ("project_leader", "secretariat"):
        assert archive not in calls_in_view(demo.person(persona))


def test_it_leaves_the_archive_call_out_of_the_budget(demo, as_persona):
    imported()
    for persona in ("secretariat", "koncernkontoret", "project_leader"):
        calls = budget_ledger.ledger_calls(roles_of(demo.person(persona)))
        assert CALL_NAME not in {entry.call.name for entry in budget_ledger.ledger(calls)}
        html = as_persona(persona).get(reverse("run:ledger")).content.decode()
        assert CALL_NAME not in html


def test_it_leaves_the_archive_call_out_of_the_call_list(demo, as_persona):
    imported()
    html = as_persona("leader").get(reverse("partnership:call_list")).content.decode()
    assert CALL_NAME not in html
    assert demo.call().name in html


def test_it_still_shows_the_imported_investments_in_the_portfolio(demo, client):
    imported()
    html = client.get(reverse("portfolio:list")).content.decode()
    assert "Med gemensamma krafter, Bengtsfors" in html


def test_the_migration_makes_an_earlier_import_call_an_archive(demo):
    import importlib

    from django.apps import apps

    imported()
    Call.with_archives.filter(name=CALL_NAME).update(is_archive=False)  # as before the migration
    migration = importlib.import_module("partnership.migrations.0006_partnership_texts_and_archive_calls")
    migration.mark_import_call_as_archive(apps, None)

    assert Call.with_archives.get(name=CALL_NAME).is_archive
    assert not Call.with_archives.filter(is_archive=True).exclude(name=CALL_NAME).exists()
