"""Each workflow event tells the people the table names, in the portal and by e-mail, once."""

from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from applications import services, workflow
from decisions import selectors as decision_selectors
from decisions import services as decision_services
from notifications.catalogue import EVENTS, table_markdown
from notifications.models import Email, Notification
from outbox.models import OutboxMessage
from reviews import services as meetings
from tests.decisions.test_run import forwarded_case
from tests.factories import a_notification, accepted_application, complete_application

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"


def told(event: str) -> set[str]:
    return set(Notification.objects.filter(event=event).values_list("recipient__username", flat=True))


def mailed_to(username_email: str) -> list:
    return [message for message in mail.outbox if username_email in message.to]


def test_readme_shows_the_table_of_events_and_recipients():
    assert table_markdown() in README.read_text()


def test_the_table_command_prints_it(capsys):
    call_command("notification_table")
    assert "| Beslut från RUN (`decided`)" in capsys.readouterr().out


def test_every_transition_that_tells_people_names_an_event_of_the_table():
    assert set(workflow.TRANSITION_EVENTS) <= set(workflow.TRANSITIONS)
    assert set(workflow.TRANSITION_EVENTS.values()) <= set(EVENTS)


def test_a_submission_tells_the_project_leader_and_koncernkontoret(demo, committed):
    leader = demo.person("leader")
    draft = complete_application(demo.call(), demo.working_group("Uddevalla"), title="Språkstöd i förskolan", by=leader)

    application = committed(services.application_submit, application=draft, by=leader)

    assert told("submitted") == {"projektledare", "koncernkontoret"}
    to_project_leader = mailed_to(demo.person("project_leader").email)
    assert len(to_project_leader) == 1
    message = to_project_leader[0]
    assert message.subject == f"SIM-portalen: Ny ansökan: {application.reference_number} Språkstöd i förskolan"
    assert "Granska ansökan" in message.body
    assert f"/ansokningar/{application.pk}/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="sv">' in html
    assert "Öppna i SIM-portalen" in html
    assert message.extra_headers["Message-ID"].startswith("<email-")
    # The project leader and Koncernkontoret; and the group's two receipts (``test_receipt.py``).
    assert Email.objects.filter(sent_at__isnull=False, submission__isnull=True).count() == 2
    assert Email.objects.filter(sent_at__isnull=False, submission__isnull=False).count() == 2


def test_the_person_who_acts_is_not_told_about_their_own_act(demo, committed):
    leader = demo.person("leader")
    draft = complete_application(demo.call(), demo.working_group("Uddevalla"), by=leader)
    application = services.application_submit(application=draft, by=leader)
    committed(
        services.application_request_completion,
        application=application,
        by=demo.person("project_leader"),
        message="Budgeten för 2027 saknar medfinansiering.",
    )
    # The whole group is told, with the project leader's message; the project leader is not.
    assert told("returned") == {"gruppledare-uddevalla", "gruppmedlem-uddevalla"}
    notification = Notification.objects.get(event="returned", recipient=demo.person("leader"))
    assert "Budgeten för 2027 saknar medfinansiering." in notification.body
    assert "projektledare" not in told("returned")


def test_acceptance_tells_the_group(demo, committed):
    committed(accepted_application, demo)
    assert told("accepted") == {"gruppledare-uddevalla", "gruppmedlem-uddevalla"}


def test_publishing_the_agenda_tells_the_steering_group(demo, committed):
    from tests.factories import MeetingFactory

    application = accepted_application(demo)
    meeting = MeetingFactory(steering_group=demo.steering_group())
    meetings.agenda_add(meeting=meeting, application=application, by=demo.person("project_leader"))
    committed(meetings.meeting_publish, meeting=meeting, by=demo.person("project_leader"))

    told_now = told("agenda_published")
    assert {"styrgrupp", "styrgrupp-ordf", "koncernkontoret"} <= told_now
    assert "projektledare" not in told_now  # who published it
    assert "gruppledare-uddevalla" not in told_now


def test_forwarding_to_run_tells_the_secretariat(demo, committed):
    committed(forwarded_case, demo)
    assert told("forwarded_to_run") == {"sekretariat"}


def test_a_decision_tells_the_group_its_nsv_chair_the_project_leader_and_the_steering_group_with_the_letter(
    demo, committed
):
    case = forwarded_case(demo, title="Familjecentral i Uddevalla")
    decision = committed(
        decision_services.decision_record,
        case=case,
        outcome="approved",
        paragraph="88",
        decided_on=case.run_meeting.held_on,
        granted=decision_selectors.grant_limits(case),
        by=demo.person("secretariat"),
    )

    recipients = told("decided")
    assert {
        "gruppledare-uddevalla",
        "gruppmedlem-uddevalla",
        "nsv-uddevalla",
        "projektledare",
        "styrgrupp",
    } <= recipients
    assert "sekretariat" not in recipients
    assert "gruppledare-munkedal" not in recipients
    to_leader = mailed_to(demo.person("leader").email)
    assert len(to_leader) == 1
    (filename, content, mimetype) = to_leader[0].attachments[0]
    assert mimetype == "application/pdf"
    assert content.startswith(b"%PDF-")
    assert filename == decision.letter.filename
    assert "Beslutsbrevet är bifogat som PDF." in to_leader[0].body


def test_work_written_in_a_transaction_that_rolls_back_is_never_done(demo):
    leader = demo.person("leader")
    draft = complete_application(demo.call(), demo.working_group("Uddevalla"), by=leader)
    before = set(OutboxMessage.objects.values_list("pk", flat=True))  # the principals were asked to sign

    with pytest.raises(RuntimeError), transaction.atomic():  # noqa: PT012 - the failure must come after the submission
        services.application_submit(application=draft, by=leader)
        raise RuntimeError("the request failed after the submission")

    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == before
    assert mail.outbox == []


def test_every_event_has_a_label_a_moment_and_recipients():
    for event in EVENTS.values():
        assert str(event.label)
        assert str(event.when)
        assert str(event.recipients_text)


def test_the_header_counts_unread_notifications(as_persona, demo):
    leader = demo.person("leader")
    for number in range(3):
        a_notification(key=f"n{number}", recipient=leader, event="returned", title="T", body="B", url="/")
    html = as_persona("leader").get(reverse("home")).content.decode()
    assert 'Aviseringar <span class="badge text-bg-light">3<span class="visually-hidden"> olästa</span>' in html


def test_the_steering_groups_outcome_tells_the_group(demo, committed):
    from tests.reviews.test_meetings import VOTERS, complete, mark_present, meeting_with, person

    meeting = meeting_with(demo, complete(demo, "Munkedal", title="Familj i fokus"))
    item = meeting.items.select_related("application", "meeting").get()
    mark_present(meeting, *VOTERS)
    for username in VOTERS:
        meetings.vote_cast(item=item, member=person(username), choice="not_recommend")
    committed(meetings.agenda_item_close, item=item, by=person("styrgrupp-ordf"))

    notification = Notification.objects.get(event="steering_outcome")
    assert notification.recipient.username == "gruppledare-munkedal"
    assert notification.title.startswith("Avstyrkt av styrgruppen: ")
    assert f"§ {item.position}." in notification.body
    assert "Projektledaren kontaktar er" in notification.action


def test_withdrawing_a_submitted_application_tells_the_project_leader_but_a_draft_concerns_only_the_group(
    demo, committed
):
    leader = demo.person("leader")
    draft = complete_application(demo.call(), demo.working_group("Uddevalla"), title="Utkastet", by=leader)
    committed(services.application_withdraw, application=draft, by=leader, message="Vi väntar ett år.")
    assert told("withdrawn") == set()

    submitted = services.application_submit(
        application=complete_application(demo.call(), demo.working_group("Uddevalla"), by=leader), by=leader
    )
    committed(services.application_withdraw, application=submitted, by=leader, message="Insatsen finansieras lokalt.")
    assert told("withdrawn") == {"projektledare"}
    assert "Insatsen finansieras lokalt." in Notification.objects.get(event="withdrawn").body
