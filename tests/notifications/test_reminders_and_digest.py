"""Reminders from Celery beat and the daily digest, on a frozen clock."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from applications import services
from applications.models import DeadlineExtension
from decisions.models import RunMeeting
from notifications import reminders
from notifications.models import Delivery, Notification, Preference
from notifications.services import digests_send, preferences_of
from partnership.models import Call
from tests.decisions.test_run import forwarded_case
from tests.factories import (
    a_notification,
    accepted_application,
    complete_application,
    published_agenda,
    submitted_application,
)

pytestmark = pytest.mark.django_db

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
DEADLINE = datetime.datetime(2026, 12, 14, 16, 0, tzinfo=STOCKHOLM)


def at(day: int, hour: int = 6, minute: int = 30, month: int = 12):
    """Beat's morning run on a day of December 2026 (Swedish time), the clock standing still."""
    return time_machine.travel(datetime.datetime(2026, month, day, hour, minute, tzinfo=STOCKHOLM), tick=False)


@pytest.fixture
def call_closing(demo):
    Call.objects.filter(pk=demo.call().pk).update(opens_on=datetime.date(2026, 11, 1), deadline=DEADLINE)
    return demo.call()


def reminded(event: str) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(event=event).values_list("recipient__username", "title").order_by("pk"))


# --- the submission deadline ---------------------------------------------------------------


def test_groups_with_drafts_are_reminded_7_days_and_1_day_before_the_deadline(demo, call_closing, committed):
    complete_application(call_closing, demo.working_group("Uddevalla"), title="Språkstöd i förskolan")
    submitted_application(call=call_closing, working_group=demo.working_group("Munkedal"))

    with at(6):  # 8 days before: too early
        committed(reminders.reminders_send)
    assert reminded("deadline_reminder") == []

    with at(7):  # 7 days before
        committed(reminders.reminders_send)
        committed(reminders.reminders_send)  # beat ran twice: nobody hears twice
    assert reminded("deadline_reminder") == [
        ("gruppledare-uddevalla", "7 dagar kvar: Språkstöd i förskolan"),
        ("gruppmedlem-uddevalla", "7 dagar kvar: Språkstöd i förskolan"),
    ]
    body = Notification.objects.filter(event="deadline_reminder").first().body
    assert "2026-12-14 16:00" in body

    with at(10):  # the 7-day reminder is not repeated on the days between
        committed(reminders.reminders_send)
    assert len(reminded("deadline_reminder")) == 2

    with at(13):  # 1 day before
        committed(reminders.reminders_send)
    assert [title for _user, title in reminded("deadline_reminder")].count(
        "Sista dagen närmar sig: Språkstöd i förskolan"
    ) == 2
    assert len(mail.outbox) == 4  # two reminders for each of the two members, by e-mail at once

    with at(15):  # after the deadline: nothing
        committed(reminders.reminders_send)
    assert len(reminded("deadline_reminder")) == 4


def test_a_group_with_a_later_deadline_is_reminded_before_its_own(demo, call_closing, committed):
    group = demo.working_group("Uddevalla")
    complete_application(call_closing, group, title="Språkstöd i förskolan")
    DeadlineExtension.objects.create(
        call=call_closing,
        working_group=group,
        deadline=DEADLINE + datetime.timedelta(days=14),
        reason="Ny arbetsgruppsledare",
        granted_by=demo.person("project_leader"),
    )
    with at(13):  # the call's own deadline is tomorrow, but not this group's
        committed(reminders.reminders_send)
    assert reminded("deadline_reminder") == []

    with at(21):  # 7 days before the extended deadline
        committed(reminders.reminders_send)
    assert {user for user, _title in reminded("deadline_reminder")} == {
        "gruppledare-uddevalla",
        "gruppmedlem-uddevalla",
    }


# --- votes ---------------------------------------------------------------------------------


def test_members_who_have_not_voted_are_reminded_2_days_before_the_meeting(demo, committed):
    from reviews import services as meetings

    with at(1, 9, 0):  # published on 1 December
        meeting = published_agenda(
            demo,
            [accepted_application(demo, "Munkedal")],
            starts_at=datetime.datetime(2026, 12, 10, 9, 0, tzinfo=STOCKHOLM),
        )
        item = meeting.items.get()
        # Voting opens on the meeting's day, so nobody has voted yet; a recused member is not reminded.
        meetings.recusal_declare(item=item, member=demo.person("steering_member"), reason="Min enhet är partner.")

    with at(7):  # 3 days before
        committed(reminders.reminders_send)
    assert reminded("vote_reminder") == []

    with at(8):  # 2 days before
        committed(reminders.reminders_send)
        committed(reminders.reminders_send)
    people = {user for user, _title in reminded("vote_reminder")}
    assert people == {
        "styrgrupp-ordf",
        "styrgrupp-narhalsan",
        "styrgrupp-capio",
        "styrgrupp-soc2",
        "styrgrupp-utb1",
        "styrgrupp-utb2",
    }
    assert "koncernkontoret" not in people  # adjunct: no vote
    assert reminded("vote_reminder")[0][1] == "Påminnelse: styrgruppen möts 2026-12-10 09:00"


# --- RUN's case list -----------------------------------------------------------------------


def test_the_secretariat_gets_the_case_list_a_week_before_run_meets(demo, committed):
    with at(3):
        case = forwarded_case(demo, title="Familjecentral i Uddevalla")
    RunMeeting.objects.filter(pk=case.run_meeting_id).update(held_on=datetime.date(2026, 12, 17))

    with at(9):  # 8 days before
        committed(reminders.reminders_send)
    assert reminded("run_case_list") == []

    with at(10):  # a week before
        committed(reminders.reminders_send)
    assert reminded("run_case_list") == [("sekretariat", "RUN 2026-12-17: ärendelista")]
    notification = Notification.objects.get(event="run_case_list")
    assert "Familjecentral i Uddevalla" in notification.body
    assert notification.url == reverse("run:meeting_detail", args=[case.run_meeting_id])


# --- the daily digest and the choices ------------------------------------------------------


def test_a_person_who_chose_the_digest_gets_one_email_a_day(demo, committed):
    leader = demo.person("leader")
    Preference.objects.create(person=leader, event="returned", delivery=Delivery.DIGEST)
    first = complete_application(demo.call(), demo.working_group("Uddevalla"), title="Språkstöd i förskolan", by=leader)
    second = complete_application(demo.call(), demo.working_group("Uddevalla"), title="Familjecentral", by=leader)
    with at(1, hour=14):
        for application in (first, second):
            services.application_submit(application=application, by=leader)
            committed(
                services.application_request_completion,
                application=application,
                by=demo.person("project_leader"),
                message="Komplettera budgeten.",
            )
    # The member chose nothing: two e-mails at once. The leader: none yet.
    assert len([m for m in mail.outbox if leader.email in m.to]) == 0
    assert len([m for m in mail.outbox if demo.person("member").email in m.to]) == 2
    assert Notification.objects.filter(recipient=leader, delivery=Delivery.DIGEST, email__isnull=True).count() == 2

    with at(2, hour=7, minute=0):
        committed(digests_send)
        committed(digests_send)  # run twice: one digest
    digests = [m for m in mail.outbox if leader.email in m.to]
    assert len(digests) == 1
    assert digests[0].subject == "SIM-portalen: dagens sammanfattning 2026-12-02 (2)"
    assert "Återförvisad för komplettering: " in digests[0].body
    assert "Familjecentral" in digests[0].body
    assert "Språkstöd i förskolan" in digests[0].body
    assert not Notification.objects.filter(recipient=leader, email__isnull=True).exists()


def test_a_person_chooses_immediate_or_digest_per_kind_of_event(as_persona, demo):
    client = as_persona("leader")
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    assert "Återförvisad för komplettering" in page.content.decode()

    choices = dict.fromkeys(preferences_of(demo.person("leader")), Delivery.IMMEDIATE)
    choices["returned"] = Delivery.DIGEST
    response = client.post(reverse("notifications:preferences"), choices, follow=True)

    assert "Dina val är sparade." in response.content.decode()
    assert preferences_of(demo.person("leader"))["returned"] == Delivery.DIGEST
    assert preferences_of(demo.person("leader"))["accepted"] == Delivery.IMMEDIATE


def test_a_missing_choice_is_explained_in_swedish_and_nothing_is_saved(as_persona, demo):
    client = as_persona("leader")
    response = client.post(reverse("notifications:preferences"), {"returned": Delivery.DIGEST})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Välj direkt eller en sammanfattning per dag." in html
    assert "error-summary" in html
    assert not Preference.objects.exists()


# --- the list --------------------------------------------------------------------------------


def test_opening_a_notification_marks_it_read_and_follows_its_link(as_persona, demo):
    leader = demo.person("leader")
    notification = a_notification(
        key="x", recipient=leader, event="accepted", title="Ansökan är komplett", body="…", url="/ansokningar/"
    )
    response = as_persona("leader").get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response.url == "/ansokningar/"
    notification.refresh_from_db()
    assert notification.is_read


def test_a_notification_never_leads_off_the_portal(as_persona, demo):
    notification = a_notification(
        key="x", recipient=demo.person("leader"), event="accepted", title="T", body="B", url="https://example.com/"
    )
    response = as_persona("leader").get(reverse("notifications:open", args=[notification.pk]))
    assert response.url == reverse("notifications:list")


def test_someone_elses_notification_is_not_found(as_persona, demo):
    notification = a_notification(
        key="x", recipient=demo.person("outsider"), event="accepted", title="Hemlig", body="B", url="/"
    )
    client = as_persona("leader")
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    assert "Hemlig" not in client.get(reverse("notifications:list")).content.decode()
    client.post(reverse("notifications:mark_read"), {"notification": [notification.pk]})
    notification.refresh_from_db()
    assert not notification.is_read


def test_the_list_costs_the_same_number_of_queries_for_5_and_200_notifications(
    as_persona, demo, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    leader = demo.person("leader")
    client = as_persona("leader")

    def add(count: int, start: int) -> None:
        for n in range(count):
            a_notification(key=f"n{start + n}", recipient=leader, event="accepted", title=f"T{n}", body="B", url="/")

    add(5, 0)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("notifications:list")).status_code == 200
    add(195, 5)
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse("notifications:list")).status_code == 200
    assert len(small) == len(large)


def test_marking_one_read_keeps_the_filter_and_page_the_person_was_on(as_persona, demo):
    notification = a_notification(
        key="x", recipient=demo.person("leader"), event="accepted", title="T", body="B", url="/"
    )
    back = reverse("notifications:list") + "?visa=olasta&sida=1"
    response = as_persona("leader").post(
        reverse("notifications:mark_read"), {"notification": [notification.pk], "next": back}
    )
    assert response.url == back
    response = as_persona("leader").post(
        reverse("notifications:mark_read"), {"notification": [notification.pk], "next": "https://evil.example/"}
    )
    assert response.url == reverse("notifications:list")


def test_each_person_chooses_only_among_what_their_roles_can_bring(as_persona, client, demo):
    from partnership.models import User

    leader_page = as_persona("leader").get(reverse("notifications:preferences")).content.decode()
    assert "Återförvisad för komplettering" in leader_page
    assert "Ärendelista inför RUN" not in leader_page

    secretariat_page = as_persona("secretariat").get(reverse("notifications:preferences")).content.decode()
    assert "Ärendelista inför RUN" in secretariat_page
    assert "Återförvisad för komplettering" not in secretariat_page

    client.force_login(User.objects.create_user("utan-roll", email="utan@example.se"))
    empty = client.get(reverse("notifications:preferences")).content.decode()
    assert "Du har ingen roll i något partnerskap just nu" in empty
    assert '<form method="post" novalidate>' not in empty
