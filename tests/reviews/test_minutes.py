"""The minutes of a steering-group meeting: their content, the adjuster, approval, locking and the PDF."""

import datetime
import hashlib
import subprocess

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from applications import services
from outbox.models import OutboxMessage
from outbox.tasks import outbox_process
from partnership.models import User
from reviews import minutes as service
from reviews import services as meetings
from reviews import services as review_services
from reviews.models import (
    Meeting,
    Minutes,
    VoteChoice,
)
from tests.factories import accepted_application, complete_application, signed_again
from tests.reviews.test_meetings import VOTERS, mark_present, meeting_with

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    return subprocess.run(  # noqa: S603 - poppler's pdftotext on our own file
        ["/usr/bin/pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def build_meeting(demo, *, close_items: bool = True) -> Meeting:
    """A meeting of the steering group held yesterday, built through the services, with three
    items: recommended with amounts for its two years and a recusal, not recommended on the
    chair's casting vote, and returned with questions (``close_items``: or all three left open)."""
    chair = User.objects.get(username="styrgrupp-ordf")
    karin = User.objects.get(username="styrgrupp")
    per = User.objects.get(username="styrgrupp-narhalsan")

    first = complete_application(
        demo.call(), demo.working_group("Uddevalla"), title="Språkförskola på Dalaberg", by=leader("Uddevalla")
    )
    # Two budget years, 1 234 567 kr requested in all (the partners give 200 000 kr a year).
    first.ends_on = datetime.date(first.starts_on.year + 1, 12, 31)
    first.save()
    first.budget_years.filter(year__gt=first.starts_on.year + 1).delete()
    year_1, year_2 = first.budget_years.order_by("year")
    first.budget_years.filter(pk=year_1.pk).update(requested=600_000, cost=800_000)
    first.budget_years.filter(pk=year_2.pk).update(requested=634_567, cost=834_567)
    first = signed_again(first)  # both principals sign the application as it now reads
    services.application_submit(application=first, by=leader("Uddevalla"))
    services.application_accept(application=first, by=demo.person("project_leader"))
    second = accepted_application(demo, "Munkedal", title="Läsfrämjande i årskurs 1–3")
    third = accepted_application(demo, "Färgelanda", title="Familjestöd på vårdcentralen")
    meeting = meeting_with(demo, first, second, third, starts_at=timezone.now() - datetime.timedelta(days=1))
    # Lena Berg, Mats Dahl and the project leader are absent.
    mark_present(meeting, "styrgrupp-ordf", "styrgrupp", "styrgrupp-narhalsan", "koncernkontoret", *VOTERS[4:6])
    item_1, item_2, item_3 = meeting.items.select_related("application", "meeting").order_by("position")

    meetings.recusal_declare(item=item_1, member=per, reason="Leder den sökande enheten (BVC Dalaberg).")
    meetings.vote_cast(item=item_1, member=chair, choice=VoteChoice.RECOMMEND)
    meetings.vote_cast(item=item_1, member=karin, choice=VoteChoice.RECOMMEND, comment="Väl underbyggd kartläggning.")
    meetings.vote_cast(item=item_2, member=chair, choice=VoteChoice.NOT_RECOMMEND, comment="Saknar evidens.")
    meetings.vote_cast(item=item_2, member=karin, choice=VoteChoice.RECOMMEND)
    meetings.vote_cast(item=item_2, member=per, choice=VoteChoice.ABSTAIN)
    if close_items:
        meetings.agenda_item_close(
            item=item_1,
            by=chair,
            recommended_years={year_1.year: 600_000, year_2.year: 634_567},
            conditions="Återrapportering efter första året.",
        )
        meetings.agenda_item_close(item=item_2, by=chair, casting_vote=VoteChoice.NOT_RECOMMEND)
        meetings.agenda_item_return(
            item=item_3, by=chair, questions="Hur når ni familjerna som inte söker stöd själva?"
        )
    meeting.refresh_from_db()
    return meeting


def leader(municipality: str) -> User:
    return User.objects.get(
        memberships__body__kind="local_wg",
        memberships__body__municipality__name=municipality,
        memberships__role="leader",
    )


@pytest.fixture
def meeting(demo):
    return build_meeting(demo)


def appointed(meeting, demo) -> Minutes:
    return review_services.minutes_prepare(
        meeting=meeting, adjuster=demo.person("steering_member"), by=demo.person("project_leader")
    )


def approved_by_both(meeting, demo, django_capture_on_commit_callbacks) -> Minutes:
    minutes = appointed(meeting, demo)
    review_services.minutes_approve(minutes=minutes, by=demo.person("steering_chair"))
    with django_capture_on_commit_callbacks(execute=True):
        review_services.minutes_approve(minutes=minutes, by=demo.person("steering_member"))
    minutes.refresh_from_db()
    return minutes


# --- content ---------------------------------------------------------------------


def test_it_numbers_the_items_by_paragraph_with_attendance_votes_and_outcomes(meeting):
    data = service.meeting_minutes(meeting)

    assert [line.paragraph for line in data.items] == [1, 2, 3]
    assert [p.name for p in data.present] == [
        "Karin Ek",
        "Anders Holm",
        "Maria Johansson",
        "Johan Nyberg",
        "Per Sandberg",
        "Eva Strand",
    ]
    assert [(p.name, p.role) for p in data.absent][:2] == [("Lena Berg", "Ledamot"), ("Mats Dahl", "Ledamot")]
    assert [p.name for p in data.absent][2:] == ["Sara Lindqvist"]
    assert data.chair.name == "Anders Holm"
    first, second, third = data.items
    assert first.outcome_label == "Tillstyrks"
    assert [(r.member.name, r.reason) for r in first.recusals] == [
        ("Per Sandberg", "Leder den sökande enheten (BVC Dalaberg).")
    ]
    assert [(v.member.name, v.choice_label, v.comment) for v in first.votes] == [
        ("Anders Holm", "Tillstyrker", ""),
        ("Karin Ek", "Tillstyrker", "Väl underbyggd kartläggning."),
    ]
    assert first.recommended_amount == 1_234_567
    year = first.item.application.starts_on.year
    assert first.recommended_years == [(year, 600_000), (year + 1, 634_567)]
    assert second.casting_vote_used
    assert second.outcome_label == "Avstyrks"
    assert second.tally == [("Tillstyrker", 1), ("Avstyrker", 1), ("Avstår", 1)]
    assert second.recommended_amount is None
    assert third.is_returned
    assert third.questions.startswith("Hur når ni")
    assert data.recommended_total == 1_234_567
    assert data.recommended_per_year == [(year, 600_000), (year + 1, 634_567)]
    assert data.all_items_closed


def test_it_reads_the_minutes_in_a_fixed_number_of_queries(meeting, demo, django_assert_max_num_queries):
    # One of them reads the meeting's frozen list of voting members, for the quorum statement.
    with django_assert_max_num_queries(10):
        service.meeting_minutes(meeting)


def test_it_shows_each_paragraph_on_the_page(meeting, as_persona):
    response = as_persona("steering_member").get(reverse("minutes:detail", args=[meeting.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    for heading in ["§ 1.", "§ 2.", "§ 3."]:
        assert heading in page
    assert "Per Sandberg anmälde jäv och deltog inte i ärendet." in page
    assert "Leder den sökande enheten (BVC Dalaberg)." in page
    assert "1 234 567 kr" in page
    assert "634 567 kr" in page
    assert "ordföranden använde sin utslagsröst" in page
    assert "Återrapportering efter första året." in page
    assert "Hur når ni familjerna som inte söker stöd själva?" in page
    assert "Utkast" in page
    assert "<caption>" in page


def test_it_gives_404_to_the_group_leader_and_sends_anonymous_to_log_in(meeting, client, as_persona):
    assert as_persona("leader").get(reverse("minutes:detail", args=[meeting.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("minutes:detail", args=[meeting.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_renders_a_draft_pdf_with_the_content(meeting, as_persona, tmp_path):
    response = as_persona("project_leader").get(reverse("minutes:pdf", args=[meeting.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "Utkast – protokollet är inte justerat." in text
    assert "§ 1. Språkförskola på Dalaberg" in text
    assert "1 234 567 kr" in text
    assert "Per Sandberg anmälde jäv" in text
    assert not Minutes.objects.filter(meeting=meeting).exclude(pdf="").exists()


# --- appointing the adjuster ---------------------------------------------------------


def test_it_lets_the_project_leader_appoint_a_present_voting_member(meeting, demo):
    minutes = appointed(meeting, demo)

    assert minutes.adjuster == demo.person("steering_member")


def test_it_lets_the_chair_appoint_the_adjuster_through_the_form(meeting, demo, as_persona):
    karin = demo.person("steering_member")
    response = as_persona("steering_chair").post(reverse("minutes:appoint", args=[meeting.pk]), {"adjuster": karin.pk})

    assert response.status_code == 302
    assert Minutes.objects.get(meeting=meeting).adjuster == karin


@pytest.mark.parametrize("username", ["styrgrupp-capio", "styrgrupp-ordf", "koncernkontoret", "projektledare"])
def test_it_refuses_an_absent_member_the_chair_an_adjunct_or_a_non_member_as_adjuster(meeting, demo, username):
    with pytest.raises(service.MinutesError):
        review_services.minutes_prepare(
            meeting=meeting, adjuster=User.objects.get(username=username), by=demo.person("project_leader")
        )


def test_it_refuses_appointment_by_an_ordinary_member(meeting, demo):
    with pytest.raises(PermissionDenied):
        review_services.minutes_prepare(
            meeting=meeting, adjuster=demo.person("steering_member"), by=demo.person("steering_member")
        )


# --- approving -----------------------------------------------------------------------


def test_it_locks_the_minutes_when_the_chair_and_the_adjuster_have_approved(
    meeting, demo, django_capture_on_commit_callbacks
):
    minutes = appointed(meeting, demo)
    first = review_services.minutes_approve(minutes=minutes, by=demo.person("steering_chair"))
    assert first.as_chair
    assert not first.locked
    minutes.refresh_from_db()
    assert minutes.chair_approved_by == demo.person("steering_chair")
    assert not minutes.is_locked

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = review_services.minutes_approve(minutes=minutes, by=demo.person("steering_member"))

    # After the commit: the PDF is rendered once, and the members are told (e-mails of their own).
    assert second.locked
    assert callbacks
    assert OutboxMessage.objects.filter(key=f"minutes:{minutes.pk}").count() == 1
    assert OutboxMessage.objects.filter(key=f"event:minutes_approved:{minutes.pk}").count() == 1
    minutes.refresh_from_db()
    assert minutes.is_locked
    assert minutes.adjuster_approved_at is not None
    assert minutes.pdf
    assert len(minutes.pdf_sha256) == 64


def test_it_queues_the_pdf_only_when_the_approval_commits(meeting, demo, django_capture_on_commit_callbacks):
    minutes = appointed(meeting, demo)
    review_services.minutes_approve(minutes=minutes, by=demo.person("steering_member"))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        review_services.minutes_approve(minutes=minutes, by=demo.person("steering_chair"))

    assert len(callbacks) == 2  # the PDF, and telling the members and Koncernkontoret
    minutes.refresh_from_db()
    assert minutes.is_locked
    assert not minutes.pdf


def test_it_refuses_approval_while_an_item_is_open(demo):
    meeting = build_meeting(demo, close_items=False)
    minutes = appointed(meeting, demo)

    with pytest.raises(service.MinutesError, match="§ 2"):
        review_services.minutes_approve(minutes=minutes, by=demo.person("steering_chair"))
    minutes.refresh_from_db()
    assert minutes.chair_approved_at is None


def test_it_refuses_approval_before_an_adjuster_is_appointed(meeting, demo):
    minutes = Minutes.objects.create(meeting=meeting)

    with pytest.raises(service.MinutesError, match="justerare"):
        review_services.minutes_approve(minutes=minutes, by=demo.person("steering_chair"))


@pytest.mark.parametrize("persona", ["project_leader", "koncernkontoret", "leader", "secretariat"])
def test_it_refuses_approval_by_anyone_but_the_chair_and_the_adjuster(meeting, demo, persona):
    minutes = appointed(meeting, demo)

    with pytest.raises(PermissionDenied):
        review_services.minutes_approve(minutes=minutes, by=demo.person(persona))


def test_it_refuses_approval_by_a_member_who_is_not_the_adjuster(meeting, demo):
    minutes = appointed(meeting, demo)

    with pytest.raises(PermissionDenied):
        review_services.minutes_approve(minutes=minutes, by=User.objects.get(username="styrgrupp-narhalsan"))


def test_it_refuses_a_second_approval_by_the_same_person(meeting, demo):
    minutes = appointed(meeting, demo)
    review_services.minutes_approve(minutes=minutes, by=demo.person("steering_chair"))

    with pytest.raises(service.MinutesError, match="redan"):
        review_services.minutes_approve(minutes=minutes, by=demo.person("steering_chair"))


def test_it_refuses_to_approve_or_reappoint_locked_minutes(meeting, demo, django_capture_on_commit_callbacks):
    minutes = approved_by_both(meeting, demo, django_capture_on_commit_callbacks)

    with pytest.raises(service.MinutesLocked):
        review_services.minutes_approve(minutes=minutes, by=demo.person("steering_chair"))
    with pytest.raises(service.MinutesLocked):
        review_services.minutes_prepare(
            meeting=meeting, adjuster=User.objects.get(username="styrgrupp-narhalsan"), by=demo.person("project_leader")
        )


def test_it_approves_through_the_pages_and_shows_justerat(meeting, demo, client, django_capture_on_commit_callbacks):
    appointed(meeting, demo)
    url = reverse("minutes:approve", args=[meeting.pk])
    client.force_login(demo.person("steering_chair"))
    assert client.post(url, {}).status_code == 200  # the confirmation box is required
    assert client.post(url, {"confirm": "on"}).status_code == 302
    client.force_login(demo.person("steering_member"))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"confirm": "on"}).status_code == 302

    page = client.get(reverse("minutes:detail", args=[meeting.pk])).content.decode()
    assert "Justerat" in page
    assert "Justera protokollet" not in page
    download = client.get(reverse("minutes:pdf", args=[meeting.pk]))
    assert download.status_code == 200
    stored = Minutes.objects.get(meeting=meeting)
    assert download["X-Content-SHA256"] == stored.pdf_sha256
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_it_says_the_pdf_is_on_its_way_when_locked_but_not_yet_stored(meeting, demo, as_persona):
    minutes = appointed(meeting, demo)
    review_services.minutes_approve(minutes=minutes, by=demo.person("steering_chair"))
    review_services.minutes_approve(minutes=minutes, by=demo.person("steering_member"))  # on_commit never runs here

    response = as_persona("project_leader").get(reverse("minutes:pdf", args=[meeting.pk]))

    assert response.status_code == 503
    assert "PDF:en skapas" in response.content.decode()


def test_it_shows_why_approval_is_not_possible_yet(demo, as_persona):
    meeting = build_meeting(demo, close_items=False)
    appointed(meeting, demo)

    response = as_persona("steering_chair").get(reverse("minutes:approve", args=[meeting.pk]))

    assert response.status_code == 200
    assert "Öppna punkter:" in response.content.decode()
    assert 'name="confirm"' not in response.content.decode()


def test_it_gives_403_to_a_member_who_may_see_but_not_approve(meeting, demo, as_persona):
    appointed(meeting, demo)
    client = as_persona("koncernkontoret")

    assert client.get(reverse("minutes:approve", args=[meeting.pk])).status_code == 403
    assert client.get(reverse("minutes:appoint", args=[meeting.pk])).status_code == 403


# --- the guard -------------------------------------------------------------------------


def test_the_guard_lets_an_open_meeting_change(meeting, demo):
    service.ensure_minutes_open(meeting)
    appointed(meeting, demo)
    service.ensure_minutes_open(meeting)
    service.ensure_minutes_open(meeting.pk)


def test_the_guard_refuses_changes_after_locking(meeting, demo, django_capture_on_commit_callbacks):
    approved_by_both(meeting, demo, django_capture_on_commit_callbacks)

    with pytest.raises(service.MinutesLocked, match="justerat och låst"):
        service.ensure_minutes_open(meeting)
    with pytest.raises(service.MinutesError):
        service.ensure_minutes_open(meeting.pk)


# --- the task ------------------------------------------------------------------------------


def test_the_task_stores_the_pdf_once(meeting, demo, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    minutes = approved_by_both(meeting, demo, django_capture_on_commit_callbacks)
    name, sha256 = minutes.pdf.name, minutes.pdf_sha256

    message = OutboxMessage.objects.get(key=f"minutes:{minutes.pk}")
    assert message.done_at is not None
    assert outbox_process.delay(message.pk).get() == "already"  # a redelivered message does nothing
    OutboxMessage.objects.filter(pk=message.pk).update(done_at=None)
    assert outbox_process(message.pk) == "done"  # even run again, the stored PDF is kept

    minutes.refresh_from_db()
    assert (minutes.pdf.name, minutes.pdf_sha256) == (name, sha256)
    stored = list((settings.MEDIA_ROOT / "minutes").iterdir())
    assert [path.name for path in stored] == [name.removeprefix("minutes/")]
    content = minutes.pdf.read()
    assert hashlib.sha256(content).hexdigest() == sha256
    text = pdf_text(content, tmp_path)
    assert "Justerat" in text
    assert "Utkast" not in text
    assert "§ 3. Familjestöd på vårdcentralen" in text
    assert "Karin Ek" in text
    assert "Anders Holm" in text


def test_the_task_refuses_minutes_that_are_not_locked(meeting, demo):
    minutes = appointed(meeting, demo)

    with pytest.raises(service.MinutesError):
        service.minutes_store_pdf(minutes_id=minutes.pk)
    minutes.refresh_from_db()
    assert not minutes.pdf


def test_it_stops_offering_approval_to_who_has_already_approved(meeting, demo, as_persona):
    minutes = appointed(meeting, demo)
    review_services.minutes_approve(minutes=minutes, by=demo.person("steering_chair"))
    client = as_persona("steering_chair")

    assert "Justera protokollet</a>" not in client.get(reverse("minutes:detail", args=[meeting.pk])).content.decode()
    page = client.get(reverse("minutes:approve", args=[meeting.pk])).content.decode()
    assert "Du har redan justerat protokollet." in page
    assert 'name="confirm"' not in page
    client.force_login(demo.person("steering_member"))
    assert "Justera protokollet</a>" in client.get(reverse("minutes:detail", args=[meeting.pk])).content.decode()
