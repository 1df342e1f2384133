"""The inbox as a file: the filtered list as CSV (for Swedish Excel) and as XLSX."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import Status
from tests.applications.test_inbox import bulk_registered, registered

pytestmark = pytest.mark.django_db

HEADER = [
    "Diarienummer",
    "Insats",
    "Arbetsgrupp",
    "Kommun",
    "Utlysning",
    "Status",
    "Sökt belopp (kr)",
    "Inskickad",
    "Prioriterade områden",
]


@pytest.fixture
def applications(demo):
    registered(
        demo,
        "Färgelanda",
        title="Språkstöd för små barn i Färgelanda – åäö ÅÄÖ",
        requested=(1_000_000, 234_567),
    )
    registered(demo, "Munkedal", title="Munkedals föräldraskapsstöd")
    registered(demo, "Färgelanda", title="Återtagen i Färgelanda", state="withdrawn")


def export(client, **query):
    """The export, read to its end (inside the caller's query count)."""
    response = client.get(reverse("inbox:export"), query)
    assert response.status_code == 200
    assert response.streaming, "an export is streamed, not built in memory first"
    response.body = b"".join(response.streaming_content)
    return response


def read_csv(response) -> list[list[str]]:
    content = response.body
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, so that Excel reads å, ä and ö"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(response.body))
    return list(workbook.active.iter_rows(values_only=True))


def test_it_exports_the_filtered_list_as_csv_for_swedish_excel(as_persona, demo, applications):
    farglanda = demo.working_group("Färgelanda").municipality_id

    response = export(as_persona("project_leader"), municipality=farglanda, format="csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="inkorg-')
    assert response["Content-Disposition"].endswith('.csv"')
    rows = read_csv(response)
    assert rows == [
        HEADER,
        [
            "SIM 2026/0001",
            "Språkstöd för små barn i Färgelanda – åäö ÅÄÖ",
            "Lokal SIM-arbetsgrupp Färgelanda",
            "Färgelanda",
            demo.call().name,
            "Inskickad",
            "1234567",
            "2026-11-23",
            "Läsning och språk",
        ],
    ]


def test_it_exports_csv_when_no_format_is_given(as_persona, applications):
    rows = read_csv(export(as_persona("project_leader")))
    assert [row[0] for row in rows[1:]] == ["SIM 2026/0002", "SIM 2026/0001"]  # newest first, no withdrawn


def test_it_exports_the_filtered_list_as_xlsx_with_numbers_and_dates(as_persona, demo, applications):
    farglanda = demo.working_group("Färgelanda").municipality_id

    response = export(as_persona("project_leader"), municipality=farglanda, format="xlsx")

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith('.xlsx"')
    header, *rows = read_xlsx(response)
    assert list(header) == HEADER
    assert rows == [
        (
            "SIM 2026/0001",
            "Språkstöd för små barn i Färgelanda – åäö ÅÄÖ",
            "Lokal SIM-arbetsgrupp Färgelanda",
            "Färgelanda",
            demo.call().name,
            "Inskickad",
            1_234_567,
            datetime.datetime(2026, 11, 23),  # noqa: DTZ001 - openpyxl reads a date cell back as a naive midnight
            "Läsning och språk",
        )
    ]
    sheet = load_workbook(io.BytesIO(response.body)).active
    assert sheet["A1"].font.b
    assert sheet["G2"].data_type == "n"
    assert sheet["H2"].is_date


def test_it_exports_every_page_in_the_chosen_order(as_persona, demo):
    bulk_registered(demo, 30)
    client = as_persona("project_leader")

    csv_rows = read_csv(export(client, sort="reference", format="csv"))[1:]
    xlsx_rows = read_xlsx(export(client, sort="-reference", format="xlsx"))[1:]

    assert [row[0] for row in csv_rows] == [f"SIM 2026/{n:04d}" for n in range(1, 31)]
    assert [row[0] for row in xlsx_rows] == [f"SIM 2026/{n:04d}" for n in range(30, 0, -1)]


def test_it_exports_withdrawn_applications_when_asked_for(as_persona, applications):
    rows = read_csv(export(as_persona("project_leader"), status=Status.WITHDRAWN, format="csv"))
    assert [row[1] for row in rows[1:]] == ["Återtagen i Färgelanda"]


def test_it_never_lets_a_title_become_a_formula(as_persona, demo):
    registered(demo, title='=HYPERLINK("http://example.com","Klicka")')
    client = as_persona("project_leader")

    assert read_csv(export(client, format="csv"))[1][1] == '\'=HYPERLINK("http://example.com","Klicka")'
    sheet = load_workbook(io.BytesIO(export(client, format="xlsx").body)).active
    assert sheet["B2"].data_type == "s"
    assert sheet["B2"].value == '=HYPERLINK("http://example.com","Klicka")'


def test_it_gives_404_for_an_unknown_format(as_persona, applications):
    assert as_persona("project_leader").get(reverse("inbox:export"), {"format": "pdf"}).status_code == 404


@pytest.mark.parametrize("persona", ["leader", "outsider", "steering_member", "koncernkontoret", "secretariat"])
def test_it_refuses_everyone_but_the_project_leader(as_persona, applications, persona):
    assert as_persona(persona).get(reverse("inbox:export"), {"format": "xlsx"}).status_code == 403


def test_it_sends_anonymous_visitors_to_the_login_page(client, applications):
    response = client.get(reverse("inbox:export"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_it_uses_the_same_number_of_queries_for_5_and_200_applications(as_persona, demo, export_format):
    client = as_persona("project_leader")
    bulk_registered(demo, 5)
    with CaptureQueriesContext(connection) as small:
        export(client, format=export_format)
    bulk_registered(demo, 195, first=6)
    with CaptureQueriesContext(connection) as large:
        response = export(client, format=export_format)
    # session, user, the person's roles, the applications, their priority areas (one chunk)
    assert len(small) == len(large) == 5
    rows = read_csv(response) if export_format == "csv" else read_xlsx(response)
    assert len(rows) == 201


def test_the_csv_starts_before_the_last_row_is_read():
    from applications import inbox

    read = []

    def rows():
        for number in range(1, 5001):
            read.append(number)
            yield [f"SIM 2026/{number:04d}", "Insats", "Grupp", "Kommun", "Utlysning", "Inskickad", 1000, None]

    chunks = inbox.export_csv(rows())
    first = next(chunks)
    assert first.startswith(b"\xef\xbb\xbfDiarienummer;")
    assert read == [], "the header goes out before any row is read"
    second = next(chunks)
    assert len(read) < 5000, "rows go out in chunks while later rows are still unread"
    assert second.count(b"\r\n") == inbox.EXPORT_CHUNK
    rest = b"".join(chunks)
    assert len(read) == 5000
    assert (first + second + rest).count(b"\r\n") == 5001


def test_the_workbook_has_a_filter_over_every_row_and_a_frozen_header(as_persona, demo, applications):
    sheet = load_workbook(io.BytesIO(export(as_persona("project_leader"), format="xlsx").body)).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:I3"
    assert sheet.column_dimensions["B"].width == 48
