"""What every logged-in page costs before its own work: the session, the person (read together with
their count of unread notifications) and their roles (read once, with the partnerships the footer
names). Django's model permissions are never asked: the rules modules decide alone."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications import services
from notifications.models import UnreadCount
from partnership.models import Membership
from tests.factories import a_notification

# /tillganglighet/ adds two queries of its own (the partnerships and their project leaders' contacts).
PAGE_QUERIES = 2
BASELINE = 3  # session, person with unread count, memberships with bodies and partnerships


def page_queries(client, url: str = "/tillganglighet/") -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("persona", ["leader", "project_leader", "steering_member", "secretariat", "koncernkontoret"])
def test_a_logged_in_page_costs_the_session_the_person_and_their_roles(as_persona, demo, persona):
    queries = page_queries(as_persona(persona))
    assert len(queries) == BASELINE + PAGE_QUERIES, "\n".join(queries)
    own_seats = f'"partnership_membership"."person_id" = {demo.person(persona).pk}'
    assert sum(own_seats in sql for sql in queries) == 1  # roles and the footer's partnerships read once
    assert not [sql for sql in queries if "auth_permission" in sql or "user_permissions" in sql]
    assert not [sql for sql in queries if "notifications_notification" in sql]


def test_the_cost_is_the_same_however_many_seats_and_notifications_a_person_has(as_persona, demo):
    person = demo.person("steering_member")
    client = as_persona("steering_member")
    few = len(page_queries(client))
    for body in demo.working_group("Uddevalla"), demo.working_group("Munkedal"), demo.steering_group():
        Membership.objects.get_or_create(person=person, body=body, role="member", defaults={"starts_on": "2026-01-01"})
    for number in range(30):
        a_notification(key=f"many:{number}", recipient=person, event="returned", title="T", body="B", url="/")
    assert len(page_queries(client)) == few


def test_the_header_count_follows_what_is_added_and_read(as_persona, demo):
    leader = demo.person("leader")
    client = as_persona("leader")
    added = [
        a_notification(key=f"n{number}", recipient=leader, event="returned", title=f"T{number}", body="B", url="/")
        for number in range(3)
    ]
    a_notification(key="n0", recipient=leader, event="returned", title="again", body="B", url="/")  # same key: once
    assert '3<span class="visually-hidden"> olästa' in client.get(reverse("home")).content.decode()

    client.get(reverse("notifications:open", args=[added[0].pk]))
    client.get(reverse("notifications:open", args=[added[0].pk]))  # opened twice, counted once
    assert '2<span class="visually-hidden"> olästa' in client.get(reverse("home")).content.decode()

    client.post(reverse("notifications:mark_read"), {})
    assert "olästa" not in client.get(reverse("home")).content.decode().split("</header>")[0]
    assert UnreadCount.objects.get(person=leader).count == 0


def test_a_wrong_stored_count_is_put_right_by_the_recount(demo):
    leader = demo.person("leader")
    a_notification(key="one", recipient=leader, event="returned", title="T", body="B", url="/")
    UnreadCount.objects.filter(person=leader).update(count=7)  # as after a fault outside the services
    assert services.unread_recount() == 1
    assert services.unread_count(leader) == 1
    assert services.unread_recount() == 0
