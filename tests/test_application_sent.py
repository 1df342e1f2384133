"""The confirmation after sending: the diarienummer, what happens next with dates, the PDF."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from decisions.models import RunMeeting
from partnership.models import Body, BodyKind
from reviews import services as meetings
from simportal.next_steps import next_steps
from tests.factories import accepted_application, complete_application, other_partnership, published_agenda

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(demo):
    leader = demo.person("leader")
    draft = complete_application(demo.call(), demo.working_group("Uddevalla"), by=leader)
    return services.application_submit(application=draft, by=leader)


def url(application):
    return reverse("application_sent", args=[application.pk])


def schedule(demo, days: int, steering_group=None):
    return meetings.meeting_schedule(
        steering_group=steering_group or demo.steering_group(),
        starts_at=timezone.now() + datetime.timedelta(days=days),
        place="Stadshuset",
        by=demo.person("project_leader"),
    )


def test_it_shows_the_reference_number_and_the_pdf(client, demo, sent):
    client.force_login(demo.person("leader"))
    html = client.get(url(sent)).content.decode()
    assert "Ansökan är inskickad" in html
    assert sent.reference_number in html
    assert reverse("applications:pdf", args=[sent.pk]) in html


def test_it_says_datum_meddelas_when_nothing_is_scheduled(client, demo, sent):
    RunMeeting.objects.all().delete()
    client.force_login(demo.person("leader"))
    html = client.get(url(sent)).content.decode()
    assert html.count("datum meddelas") == 2


def test_it_names_the_next_meetings_of_the_partnership(client, demo, sent):
    meeting = schedule(demo, days=20)
    run_day = timezone.localdate() + datetime.timedelta(days=40)
    RunMeeting.objects.create(board=Body.objects.filter(kind=BodyKind.RUN).first(), held_on=run_day)
    steps = next_steps(sent)
    assert steps.steering_meeting == meeting.starts_at
    assert steps.run_meeting is not None
    assert steps.run_meeting > timezone.localdate(meeting.starts_at)
    client.force_login(demo.person("leader"))
    html = client.get(url(sent)).content.decode()
    assert timezone.localtime(meeting.starts_at).date().isoformat() in html
    assert steps.run_meeting.isoformat() in html


def test_it_skips_a_published_or_cancelled_meeting_and_other_partnerships(demo, sent):
    published_agenda(
        demo, [accepted_application(demo, "Munkedal")], starts_at=timezone.now() + datetime.timedelta(days=5)
    )
    cancelled = schedule(demo, days=6)
    meetings.meeting_cancel(meeting=cancelled, reason="Sjukdom.", by=demo.person("project_leader"))
    skaraborg = other_partnership()
    meetings.meeting_schedule(
        steering_group=skaraborg.steering_group,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        place="Skövde",
        by=skaraborg.person("project_leader"),
    )
    assert next_steps(sent).steering_meeting is None


def test_it_gives_404_for_a_draft_and_to_another_group(client, demo, sent):
    draft = complete_application(demo.call(), demo.working_group("Uddevalla"), by=demo.person("leader"))
    client.force_login(demo.person("leader"))
    assert client.get(url(draft)).status_code == 404
    client.force_login(demo.person("outsider"))
    assert client.get(url(sent)).status_code == 404
