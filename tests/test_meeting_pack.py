"""The steering group's meeting pack: the items compared side by side (figures, totals, the calls'
budget), who may read it, its fixed number of queries, and the pack as one PDF."""

import datetime
import io
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications import services as application_services
from applications.models import Status
from decisions import services as decision_services
from reviews import services as meeting_services
from simportal import meeting_pack
from simportal.meeting_pack import kronor_per_child
from tests.factories import (
    applications_through_services,
    complete_application,
    group_leader,
    other_partnership,
    published_agenda,
)

pytestmark = pytest.mark.django_db


def accepted(demo, municipality: str, title: str, **overrides):
    """Written, submitted by the group's leader and accepted as complete by the project leader."""
    group = demo.working_group(municipality)
    leader = group_leader(group)
    draft = complete_application(demo.call(), group, title=title, by=leader, **overrides)
    submitted = application_services.application_submit(application=draft, by=leader)
    return application_services.application_accept(application=submitted, by=demo.person("project_leader"))


@pytest.fixture
def two_items(demo):
    """Uddevalla's application (120 children, 90 families) and Munkedal's (no children given: 0)."""
    first = accepted(demo, "Uddevalla", "Språkstöd i förskolan")
    second = accepted(demo, "Munkedal", "Familjecentral Munkedal", expected_children=0, expected_families=40)
    application_services.message_post(
        application=first, by=demo.person("koncernkontoret"), body="Första kommentaren: fråga om budgeten."
    )
    application_services.message_post(
        application=first, by=demo.person("koncernkontoret"), body="Senaste kommentaren: budgeten är rimlig."
    )
    return published_agenda(demo, [first, second])


# -- the figures ---------------------------------------------------------------------------


def test_it_counts_kronor_per_child_in_whole_kronor_half_up():
    assert kronor_per_child(900_000, 120) == 7_500
    assert kronor_per_child(1_000, 3) == 333
    assert kronor_per_child(1_001, 2) == 501
    assert kronor_per_child(900_000, None) is None
    assert kronor_per_child(900_000, 0) is None


def test_it_gives_each_item_its_figures_in_agenda_order(two_items):
    compared = meeting_pack.comparison(two_items)
    first, second = compared.rows
    assert [row.item.position for row in compared.rows] == [1, 2]
    assert first.application.title == "Språkstöd i förskolan"
    years = compared.years
    assert len(years) == 3  # two years from the middle of a year cover three calendar years
    assert first.year_amounts == [(year, 300_000) for year in years]
    assert first.requested_total == 900_000
    assert first.co_financing_total == 600_000
    assert (first.children, first.families) == (120, 90)
    assert first.kronor_per_child == 7_500
    assert second.children == 0
    assert second.kronor_per_child is None
    assert [c.label for c in first.criteria] == compared.criteria_labels
    assert len(first.criteria) == 9
    assert {(c.fulfilment, c.justification) for c in first.criteria} == {("Ja", "Se ansökan.")}
    assert first.latest_comment.body == "Senaste kommentaren: budgeten är rimlig."
    assert second.latest_comment is None
    # Both were sent signed by both principals.
    assert compared.has_signatures


def test_it_adds_up_the_totals(two_items):
    totals = meeting_pack.comparison(two_items).totals
    assert [amount for _year, amount in totals.year_amounts] == [600_000, 600_000, 600_000]
    assert totals.requested_total == 1_800_000
    assert totals.co_financing_total == 1_200_000
    assert (totals.children, totals.families) == (120, 130)
    # Only items that give their number of children count per child.
    assert totals.kronor_per_child == 7_500


def test_it_shows_what_remains_now_and_if_every_item_were_recommended(two_items, demo):
    (budget,) = meeting_pack.comparison(two_items).budgets
    assert budget.call == demo.call()
    assert budget.remaining_now == 9_000_000
    assert budget.requested_here == 1_800_000
    assert budget.item_count == 2
    assert budget.remaining_if_recommended == 7_200_000
    assert not budget.goes_over


def test_it_says_clearly_when_the_items_would_go_over_budget(two_items, demo, as_persona):
    decision_services.budget_adjust(
        call=demo.call(),
        amount=-8_000_000,
        reason="Medel flyttade till nästa omgång.",
        decided_on=timezone.localdate(),
        by=demo.person("secretariat"),
    )
    (budget,) = meeting_pack.comparison(two_items).budgets
    assert budget.remaining_now == 1_000_000
    assert budget.remaining_if_recommended == -800_000
    assert budget.goes_over
    assert budget.over_by == 800_000
    html = as_persona("steering_member").get(reverse("meeting_compare", args=[two_items.pk])).content.decode()
    assert "Budgeten räcker inte: om alla punkter tillstyrks som sökt överskrids budgeten med" in html
    assert "800 000 kr" in html


def test_it_leaves_an_item_taken_off_the_agenda_out_of_the_budget(demo):
    staying = accepted(demo, "Uddevalla", "Språkstöd i förskolan")
    leaving = accepted(demo, "Munkedal", "Läslyftet")
    meeting = published_agenda(demo, [staying, leaving])
    application_services.application_withdraw(
        application=leaving, by=group_leader(demo.working_group("Munkedal")), message="Vi söker i nästa omgång."
    )
    compared = meeting_pack.comparison(meeting)
    assert len(compared.rows) == 2
    assert compared.budgets[0].requested_here == 900_000
    assert compared.budgets[0].item_count == 1


# -- the page ------------------------------------------------------------------------------


def test_it_shows_the_comparison_to_a_steering_group_member(two_items, as_persona):
    response = as_persona("steering_member").get(reverse("meeting_compare", args=[two_items.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption>" in html
    assert 'scope="row"' in html
    assert 'data-label="Kronor per barn"' in html
    assert "7 500 kr" in html
    assert "1 800 000 kr" in html
    # Each criterion's answer in short, its justification to be read in full by opening it.
    assert html.count("<details>") == 18
    assert "<summary>Evidens: <strong>Ja</strong>" in html
    assert '<div class="user-text small">Se ansökan.</div>' in html
    assert "Senaste kommentaren: budgeten är rimlig." in html
    assert "Första kommentaren" not in html
    assert "Kvar om alla punkter tillstyrks som sökt" in html
    assert "7 200 000 kr" in html


def test_it_is_linked_from_the_meeting_page(two_items, as_persona):
    html = as_persona("steering_member").get(reverse("reviews:meeting_detail", args=[two_items.pk])).content.decode()
    assert reverse("meeting_compare", args=[two_items.pk]) in html
    assert reverse("meeting_pack_pdf", args=[two_items.pk]) in html


# -- who may read it ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["project_leader", "steering_member", "steering_chair", "koncernkontoret"])
def test_it_lets_the_project_leader_the_members_and_koncernkontoret_read_it(two_items, as_persona, persona):
    assert as_persona(persona).get(reverse("meeting_compare", args=[two_items.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["leader", "member", "outsider", "secretariat", "nsv_chair"])
def test_it_refuses_everyone_else(two_items, as_persona, persona):
    assert as_persona(persona).get(reverse("meeting_compare", args=[two_items.pk])).status_code == 404
    assert as_persona(persona).get(reverse("meeting_pack_pdf", args=[two_items.pk])).status_code == 404


def test_it_shows_the_project_leader_the_pack_before_publishing_and_the_members_only_after(demo, as_persona):
    meeting = meeting_services.meeting_schedule(
        steering_group=demo.steering_group(),
        starts_at=timezone.now() + datetime.timedelta(days=7),
        place="Stadshuset",
        by=demo.person("project_leader"),
    )
    meeting_services.agenda_add(
        meeting=meeting,
        application=accepted(demo, "Uddevalla", "Språkstöd i förskolan"),
        by=demo.person("project_leader"),
    )
    assert as_persona("project_leader").get(reverse("meeting_compare", args=[meeting.pk])).status_code == 200
    assert as_persona("steering_member").get(reverse("meeting_compare", args=[meeting.pk])).status_code == 404
    assert as_persona("koncernkontoret").get(reverse("meeting_compare", args=[meeting.pk])).status_code == 404


def test_it_answers_404_to_another_partnership(two_items, client):
    skaraborg = other_partnership()
    for key in ("project_leader", "steering_chair", "steering_member"):
        client.force_login(skaraborg.person(key))
        assert client.get(reverse("meeting_compare", args=[two_items.pk])).status_code == 404
        assert client.get(reverse("meeting_pack_pdf", args=[two_items.pk])).status_code == 404


def test_it_refuses_anonymous_visitors(two_items, client):
    response = client.get(reverse("meeting_compare", args=[two_items.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# -- a fixed number of queries -------------------------------------------------------------


def _queries(client, meeting, name: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name, args=[meeting.pk]))
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_it_reads_two_and_eight_items_in_the_same_number_of_queries(demo, as_persona):
    applications = applications_through_services(demo, 10, states=(Status.COMPLETE,))
    small = published_agenda(demo, applications[:2])
    large = published_agenda(demo, applications[2:], place="Kommunhuset")
    assert large.items.count() == 8
    client = as_persona("steering_member")
    _queries(client, small, "meeting_compare")  # the session and the roles are read once
    assert _queries(client, small, "meeting_compare") == _queries(client, large, "meeting_compare")


def test_it_gathers_the_pack_of_two_and_eight_items_in_the_same_number_of_queries(demo, django_assert_num_queries):
    applications = applications_through_services(demo, 10, states=(Status.COMPLETE,))
    small = published_agenda(demo, applications[:2])
    large = published_agenda(demo, applications[2:], place="Kommunhuset")
    with CaptureQueriesContext(connection) as captured:
        meeting_pack.pack_context(small)
    with django_assert_num_queries(len(captured.captured_queries)):
        context = meeting_pack.pack_context(large)
    assert len(context["applications"]) == 8


# -- the PDF --------------------------------------------------------------------------------


def test_it_gives_the_pack_as_one_pdf_with_every_item(two_items, as_persona, tmp_path):
    response = as_persona("steering_member").get(reverse("meeting_pack_pdf", args=[two_items.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="motespaket-')
    path = tmp_path / "pack.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(  # noqa: S603 - poppler's pdftotext on our own file
        ["/usr/bin/pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "Mötespaket" in text
    assert "Dagordning" in text
    assert "Stadshuset" in text
    for title in ("Språkstöd i förskolan", "Familjecentral Munkedal"):
        assert text.count(title) >= 3  # the agenda, the application as sent, the comparison
    assert "Ansökan som den skickades in" in text
    # Each application reads in the form's order, section by section and field by field.
    assert text.index("Grunduppgifter") < text.index("Samverkansparter") < text.index("Budget")
    assert text.index("Insatsens namn") < text.index("Kommuner") < text.index("Projektägare")
    assert "Punkterna sida vid sida" in text
    assert "7 500 kr" in text


def test_it_renders_the_pack_as_tagged_pdf_a_from_static_files_only(two_items):
    rendered = meeting_pack.render_pack(two_items)
    assert rendered.variant == "pdf/a-3b"
    assert rendered.tagged
    assert rendered.refused_urls == ()
    reader = PdfReader(io.BytesIO(rendered.content))
    # The agenda, a page of its own for each application, and the comparison.
    assert len(reader.pages) >= 4
    bookmarks = [entry.title for entry in _flat(reader.outline)]
    assert "§ 1. Språkstöd i förskolan" in bookmarks
    assert "§ 2. Familjecentral Munkedal" in bookmarks
    assert "Punkterna sida vid sida" in bookmarks


def _flat(outline):
    for entry in outline:
        if isinstance(entry, list):
            yield from _flat(entry)
        else:
            yield entry


def test_it_lists_the_principals_signatures_each_application_was_sent_with(two_items, as_persona):
    compared = meeting_pack.comparison(two_items)
    assert compared.has_signatures
    first = compared.rows[0]
    assert len(first.principal_signatures) == 2
    assert any("Kommundirektör, Uddevalla kommun (Kommunen)" in text for text in first.principal_signatures)
    assert any("(Regionen)" in text for text in first.principal_signatures)
    html = as_persona("steering_member").get(reverse("meeting_compare", args=[two_items.pk])).content.decode()
    assert 'data-label="Huvudmännens underskrifter"' in html
    assert "Helena Åberg" in html
