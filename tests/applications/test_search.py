"""The free-text search of the inbox and the portfolio (``applications.search``): on PostgreSQL
Swedish full-text search or a part of a field, through indexes; on SQLite the plain filter."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse

from applications import search
from applications.models import Application
from tests.factories import imported_investments, submitted_application

pytestmark = pytest.mark.django_db

# Words a person types: whole words, inflected forms, parts of words, places, abbreviations,
# diarienummer, stop words, several words, and words found nowhere.
TERMS = [
    "förskola",
    "förskolor",
    "förskolan",
    "Förskol",
    "skolfrånvaro",
    "frånvaro",
    "barn",
    "barnen",
    "föräldrar",
    "föräldraskapsstöd",
    "psykisk hälsa",
    "Uddevalla",
    "Trollhättan",
    "BVC",
    "elevhälsa",
    "språk",
    "läs",
    "PALS",
    "SIM",
    "SIM 20",
    "/000",
    "och",
    "i",
    "tidiga insatser",
    "samverkan",
    "ab",
    "xyzzy",
    "barn xyzzy",
]


@pytest.fixture
def demo_data(demo_region):
    """The demo as ``make run`` builds it: both partnerships, their applications and the
    published investments."""
    call_command("seed_demo_applications", stdout=io.StringIO())
    call_command("import_investments", stdout=io.StringIO())
    return demo_region


def inbox_phrase_filter(queryset, text):
    """The inbox's filter before it searched word by word: the whole text in one field."""
    text = text.strip()
    return queryset.filter(Q(title__icontains=text) | Q(reference_number__icontains=text) | Q(purpose__icontains=text))


def pks(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


@pytest.mark.postgres
@pytest.mark.parametrize("searched", [search.INBOX, search.PORTFOLIO], ids=["inbox", "portfolio"])
def test_it_finds_on_postgresql_every_application_the_plain_filter_finds(demo_data, searched):
    everything = Application.objects.all()
    assert everything.count() > 20  # the published investments are there

    for term in TERMS:
        found = pks(search.applications_matching(everything, term, searched))
        assert pks(search.plain_filter(everything, term, searched)) <= found, term
        if searched is search.INBOX:
            assert pks(inbox_phrase_filter(everything, term)) <= found, term


@pytest.mark.postgres
def test_it_finds_the_inflected_forms_the_plain_filter_misses(demo_data):
    everything = Application.objects.all()

    plain = pks(search.plain_filter(everything, "förskolor", search.PORTFOLIO))
    stemmed = pks(search.applications_matching(everything, "förskolor", search.PORTFOLIO))

    extra = Application.objects.filter(pk__in=stemmed - plain)
    assert extra.exists()
    for application in extra:
        text = f"{application.title} {application.purpose} {application.content}".lower()
        assert "förskola" in text
        assert "förskolor" not in text
    assert not search.applications_matching(everything, "xyzzy", search.PORTFOLIO).exists()


def test_it_needs_every_word_in_one_of_the_fields(demo):
    uddevalla, munkedal = demo.working_group("Uddevalla"), demo.working_group("Munkedal")
    submitted_application(call=demo.call(), working_group=uddevalla, title="Läsfrämjande", purpose="Stärka föräldrar")
    submitted_application(call=demo.call(), working_group=munkedal, title="Läsfrämjande")
    applications = Application.objects.all()

    def titles(text):
        found = search.applications_matching(applications, text, search.INBOX)
        return sorted(found.values_list("working_group__municipality__name", flat=True))

    assert titles("läsfrämjande föräldrar") == ["Uddevalla"]
    assert titles("Föräldrar LäsFrämjande") == ["Uddevalla"]
    assert titles("läsfrämjande") == ["Munkedal", "Uddevalla"]
    assert titles("  ") == ["Munkedal", "Uddevalla"]
    assert titles("läsfrämjande xyzzy") == []


@pytest.mark.postgres
def test_it_finds_an_inflected_form_in_the_inbox(as_persona, demo):
    submitted_application(call=demo.call(), working_group=demo.working_group("Uddevalla"), title="Språkstöd i förskola")
    submitted_application(call=demo.call(), working_group=demo.working_group("Munkedal"), title="Läxhjälp")

    html = as_persona("project_leader").get(reverse("inbox:list"), {"q": "förskolor"}).content.decode()

    assert "Språkstöd i förskola" in html
    assert "Läxhjälp" not in html


@pytest.mark.postgres
def test_it_finds_an_inflected_form_in_the_portfolio(client, db):
    imported_investments(
        {"title": "Familjecentral", "purpose": "Föräldrastöd för familjer med barn i förskola."},
        {"title": "Närvaroteam", "content": "Ett team för elever med hög frånvaro."},
    )

    html = client.get(reverse("portfolio:list"), {"q": "förskolor familjerna"}).content.decode()

    assert "Familjecentral" in html
    assert "Närvaroteam" not in html


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("searched", "indexes"),
    [
        (search.INBOX, {"application_inbox_text", "application_title_trgm", "application_reference_trgm"}),
        (search.PORTFOLIO, {"application_portfolio_text", "application_purpose_trgm", "application_content_trgm"}),
    ],
    ids=["inbox", "portfolio"],
)
def test_it_searches_through_the_indexes(db, searched, indexes):
    """The text vectors and ``icontains`` match the migration's index expressions (the planner
    is told not to read the table from end to end, which it would do for a handful of rows)."""
    queryset = search.applications_matching(Application.objects.all(), "förskolor", searched)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()

    assert "Seq Scan" not in plan
    for index in indexes:
        assert index in plan
