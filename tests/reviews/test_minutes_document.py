"""The minutes as an official document: the region's letterhead, attendance with the quorum
statement (both ways), the adjuster and the day of approval, which is never before the meeting,
and the portal's signature on the approved PDF."""

import datetime

import pytest
from django.utils import timezone

from reviews import minutes
from reviews import services as review_services
from tests.factories import accepted_application, at
from tests.reviews.test_meetings import mark_present, meeting_with
from tests.reviews.test_minutes import appointed, approved_by_both, build_meeting, pdf_text
from tests.test_signing import signature_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(demo):
    return build_meeting(demo)


@pytest.fixture
def approved(meeting, demo, django_capture_on_commit_callbacks):
    return approved_by_both(meeting, demo, django_capture_on_commit_callbacks)


def test_it_prints_the_letterhead_on_the_approved_minutes(approved, tmp_path):
    text = pdf_text(approved.pdf.read(), tmp_path)

    assert "Regionens Hus" in text
    assert "462 80 Vänersborg" in text
    assert "Organisationsnummer 232100-0131" in text
    assert approved.meeting.steering_group.name in text


def test_it_says_the_steering_group_is_quorate_when_more_than_half_of_its_voting_members_attend(meeting, tmp_path):
    data = minutes.meeting_minutes(meeting)

    assert (data.voting_present, data.voting_members) == (5, 7)
    assert data.is_quorate
    text = " ".join(pdf_text(_draft_pdf(meeting), tmp_path).split())
    assert "Styrgruppen är beslutför" in text
    assert "5 av 7 ledamöter med rösträtt närvarade" in text


def test_it_says_the_steering_group_is_not_quorate_when_half_or_fewer_attend(demo, tmp_path):
    application = accepted_application(demo, "Munkedal", title="Läsfrämjande i årskurs 1–3")
    meeting = meeting_with(demo, application, starts_at=timezone.now() - datetime.timedelta(days=1))
    mark_present(meeting, "styrgrupp-ordf", "styrgrupp", "styrgrupp-narhalsan")

    data = minutes.meeting_minutes(meeting)

    assert (data.voting_present, data.voting_members) == (3, 7)
    assert not data.is_quorate
    text = " ".join(pdf_text(_draft_pdf(meeting), tmp_path).split())
    assert "Styrgruppen är inte beslutför" in text
    assert "3 av 7 ledamöter med rösträtt närvarade" in text


def test_it_names_the_adjuster_and_the_day_of_approval(approved, demo, tmp_path):
    text = " ".join(pdf_text(approved.pdf.read(), tmp_path).split())
    approved_on = timezone.localtime(approved.locked_at).date()

    assert f"Justerare {demo.person('steering_member')}" in text
    assert f"Protokollet justerades {approved_on.isoformat()}." in text
    assert f"Justerat {approved_on.isoformat()}" in text
    assert approved_on >= timezone.localtime(approved.meeting.starts_at).date()


def test_it_refuses_to_approve_before_the_meeting_was_held(meeting, demo):
    prepared = appointed(meeting, demo)

    with at(meeting.starts_at - datetime.timedelta(hours=2)), pytest.raises(minutes.MinutesError) as refused:
        review_services.minutes_approve(minutes=prepared, by=demo.person("steering_chair"))

    assert "Protokollet justeras efter mötet" in refused.value.message
    prepared.refresh_from_db()
    assert prepared.chair_approved_at is None
    assert not prepared.is_locked


def test_the_draft_never_reads_justerat(meeting, tmp_path):
    text = " ".join(pdf_text(_draft_pdf(meeting), tmp_path).split())

    assert "Utkast – protokollet är inte justerat." in text
    assert "Protokollet justerades" not in text


def test_the_approved_minutes_carry_a_valid_signature_and_a_changed_byte_is_detected(approved):
    content = approved.pdf.read()

    assert signature_status(content).bottom_line

    tampered = bytearray(content)
    tampered[content.index(b"%PDF-") + 10] ^= 0x01
    assert not signature_status(bytes(tampered)).intact


def _draft_pdf(meeting) -> bytes:
    from simportal.pdf import render_pdf

    return render_pdf("pdf/minutes.html", minutes.minutes_pdf_context(meeting)).content
