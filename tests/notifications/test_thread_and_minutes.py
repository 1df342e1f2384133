"""Nobody left uninformed (issue 11 §8): a message in an application's thread tells the other
side, approved minutes tell the steering group and Koncernkontoret, and Koncernkontoret's e-mail
about a new application asks it to read and comment, not to approve or request completion."""

import pytest
from django.core import mail

from applications import services
from notifications.models import Notification
from reviews import services as review_services
from reviews.models import Minutes
from tests.factories import complete_application, minuted_meeting, submitted_application

pytestmark = pytest.mark.django_db


def told(event: str) -> set[str]:
    return set(Notification.objects.filter(event=event).values_list("recipient__username", flat=True))


def mailed_to(person) -> list:
    return [message for message in mail.outbox if person.email in message.to]


@pytest.fixture
def application(demo, committed):
    return committed(submitted_application, call=demo.call(), working_group=demo.working_group("Uddevalla"))


def test_it_tells_the_project_leader_when_the_group_writes_in_the_thread(demo, application, committed):
    mail.outbox = []
    committed(services.message_post, application=application, by=demo.person("member"), body="Vi har en fråga.")

    assert told("message_posted") == {"projektledare"}
    notification = Notification.objects.get(event="message_posted")
    assert "Vi har en fråga." in notification.body
    assert notification.url.endswith("#meddelanden")
    assert "svara i tråden" in mailed_to(demo.person("project_leader"))[0].body


def test_it_tells_the_whole_group_when_the_project_leader_writes(demo, application, committed):
    committed(services.message_post, application=application, by=demo.person("project_leader"), body="Tack!")

    assert told("message_posted") == {"gruppledare-uddevalla", "gruppmedlem-uddevalla"}


def test_it_tells_the_project_leader_of_a_comment_from_koncernkontoret(demo, application, committed):
    committed(services.message_post, application=application, by=demo.person("koncernkontoret"), body="Bra.")

    assert told("message_posted") == {"projektledare"}
    assert Notification.objects.get(event="message_posted").title.startswith("Kommentar från Koncernkontoret")


def test_it_tells_no_project_leader_of_the_groups_messages_in_a_draft(demo, committed):
    """A draft is the group's own: the project leader sees it only once it is submitted."""
    leader = demo.person("leader")
    draft = complete_application(demo.call(), demo.working_group("Uddevalla"), by=leader)
    committed(services.message_post, application=draft, by=leader, body="Jag skriver budgeten.")

    assert told("message_posted") == set()


def test_it_tells_the_members_and_koncernkontoret_when_the_minutes_are_approved(demo, committed):
    meeting = minuted_meeting(
        call=demo.call(), working_group=demo.working_group("Uddevalla"), adjuster=demo.person("steering_member")
    )
    minutes = Minutes.objects.get(meeting=meeting)
    review_services.minutes_approve(minutes=minutes, by=demo.person("steering_chair"))
    assert told("minutes_approved") == set()
    mail.outbox = []
    committed(review_services.minutes_approve, minutes=minutes, by=demo.person("steering_member"))

    recipients = told("minutes_approved")
    assert {"styrgrupp-ordf", "styrgrupp-narhalsan", "projektledare", "koncernkontoret"} <= recipients
    assert "styrgrupp" not in recipients  # the adjuster who approved last is not told of their own act
    assert not {"gruppledare-uddevalla", "sekretariat"} & recipients
    to_koncernkontoret = mailed_to(demo.person("koncernkontoret"))
    assert len(to_koncernkontoret) == 1
    assert "Läs protokollet" in to_koncernkontoret[0].body


def test_it_asks_koncernkontoret_to_read_and_comment_not_to_triage(demo, application):
    for_koncernkontoret = Notification.objects.get(event="submitted", recipient=demo.person("koncernkontoret"))
    assert "kommentera" in for_koncernkontoret.action
    assert "godkänn" not in for_koncernkontoret.action.lower()
    assert "begär komplettering" not in for_koncernkontoret.action.lower()
    email = mailed_to(demo.person("koncernkontoret"))[0]
    assert "Läs ansökan och kommentera den" in email.body
    assert "Granska ansökan" not in email.body
    for_project_leader = Notification.objects.get(event="submitted", recipient=demo.person("project_leader"))
    assert "godkänn den som komplett eller återförvisa den för komplettering" in for_project_leader.action
