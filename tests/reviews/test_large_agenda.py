"""A large meeting stays fast: the meeting page and the agenda show 25 items a page, with the
vote and summary controls written in the page, in the same number of queries at 3 and at 30
items; the agenda's "add an application" list offers the 25 that have waited longest, and a
search finds the others."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.models import Status
from reviews import selectors
from reviews import services as meetings
from tests.factories import applications_through_services, published_agenda

pytestmark = pytest.mark.django_db


def _count_queries(client, url: str) -> tuple[int, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def _draft(demo, applications):
    project_leader = demo.person("project_leader")
    meeting = meetings.meeting_schedule(
        steering_group=demo.steering_group(),
        starts_at=timezone.now() + datetime.timedelta(days=7),
        place="Vänerparken, Vänersborg",
        by=project_leader,
    )
    for application in applications:
        meetings.agenda_add(meeting=meeting, application=application, summary=application.title, by=project_leader)
    return meeting


def test_it_shows_the_meeting_in_the_same_number_of_queries_at_3_and_30_items(demo):
    applications = applications_through_services(demo, 33, states=(Status.COMPLETE,))
    small = published_agenda(demo, applications[:3], starts_at=timezone.now())
    large = published_agenda(demo, applications[3:], starts_at=timezone.now())
    chair, member = demo.person("steering_chair"), demo.person("steering_member")
    for meeting in (small, large):
        for item in meeting.items.all():
            meetings.vote_cast(item=item, member=chair, choice="recommend", comment="Bra.")
    member_client, leader_client = Client(), Client()
    member_client.force_login(member)
    leader_client.force_login(demo.person("project_leader"))
    for client in (member_client, leader_client):
        client.get(reverse("reviews:meeting_detail", args=[small.pk]))  # warm the session
    for client in (member_client, leader_client):
        few, _page = _count_queries(client, reverse("reviews:meeting_detail", args=[small.pk]))
        many, page = _count_queries(client, reverse("reviews:meeting_detail", args=[large.pk]))
        assert many == few
        rest, _page = _count_queries(client, reverse("reviews:meeting_detail", args=[large.pk]) + "?sida=2")
        assert rest == few
    assert member.pk not in {v.member_id for v in large.items.get(position=1).votes.all()}
    page = member_client.get(reverse("reviews:meeting_detail", args=[large.pk])).content.decode()
    assert page.count('name="punkt-') == 4 * 25  # three choices and a comment per item
    assert len(re.findall(r"<legend[^>]*>\s*Din röst i § \d+", page)) == 25


def test_it_shows_the_agenda_in_the_same_number_of_queries_at_3_and_30_items(as_persona, demo):
    applications = applications_through_services(demo, 66, states=(Status.COMPLETE,))
    small = _draft(demo, applications[:3])
    client = as_persona("project_leader")
    client.get(reverse("reviews:agenda", args=[small.pk]))  # warm the session
    few, page = _count_queries(client, reverse("reviews:agenda", args=[small.pk]))
    assert "63 kompletta ansökningar väntar på ett möte" in page
    large = _draft(demo, applications[33:63])
    many, page = _count_queries(client, reverse("reviews:agenda", args=[large.pk]))
    assert many == few
    assert page.count('name="punkt-') == 25
    assert page.count("<option") == 1 + selectors.CANDIDATES_SHOWN
    meetings.meeting_publish(meeting=small, by=demo.person("project_leader"))
    meetings.meeting_publish(meeting=large, by=demo.person("project_leader"))
    few, _page = _count_queries(client, reverse("reviews:agenda", args=[small.pk]))
    assert _count_queries(client, reverse("reviews:agenda", args=[large.pk]))[0] == few


def test_it_splits_a_large_meeting_into_pages_of_25_items(as_persona, demo, monkeypatch):
    monkeypatch.setattr(selectors, "AGENDA_PAGE_SIZE", 2)
    applications = applications_through_services(demo, 5, states=(Status.COMPLETE,))
    meeting = published_agenda(demo, applications, starts_at=timezone.now())
    client = as_persona("steering_member")
    url = reverse("reviews:meeting_detail", args=[meeting.pk])
    first = client.get(url).content.decode()
    assert "Här visas § 1–2 av 5 punkter." in first
    assert 'id="punkt-2"' in first
    assert 'id="punkt-3"' not in first
    assert f'href="{url}?sida=2">§ 3–4</a>' in first
    assert f'href="{url}?sida=3">§ 5</a>' in first
    last = client.get(url + "?sida=3").content.decode()
    assert 'id="punkt-5"' in last
    assert 'id="punkt-1"' not in last
    assert client.get(url + "?sida=99").status_code == 200  # the nearest page


def test_it_sends_a_vote_back_to_the_page_of_its_item(as_persona, demo, monkeypatch):
    monkeypatch.setattr(selectors, "AGENDA_PAGE_SIZE", 2)
    applications = applications_through_services(demo, 3, states=(Status.COMPLETE,))
    meeting = published_agenda(demo, applications, starts_at=timezone.now())
    item = meeting.items.get(position=3)
    response = as_persona("steering_member").post(
        reverse("reviews:vote", args=[meeting.pk, item.pk]),
        {f"punkt-{item.pk}-choice": "abstain", f"punkt-{item.pk}-comment": ""},
    )
    assert response.status_code == 302
    assert response.url == reverse("reviews:meeting_detail", args=[meeting.pk]) + "?sida=2#punkt-3"


def test_it_shows_the_members_vote_in_the_written_controls(as_persona, demo):
    applications = applications_through_services(demo, 1, states=(Status.COMPLETE,))
    meeting = published_agenda(demo, applications, starts_at=timezone.now())
    item = meeting.items.get()
    meetings.vote_cast(item=item, member=demo.person("steering_member"), choice="not_recommend", comment="Oklart.")
    page = as_persona("steering_member").get(reverse("reviews:meeting_detail", args=[meeting.pk])).content.decode()
    assert re.search(
        rf'name="punkt-{item.pk}-choice" value="not_recommend" id="id_punkt-{item.pk}-choice_1" required checked', page
    )
    assert re.search(rf'id="id_punkt-{item.pk}-comment">\s*Oklart\.</textarea>', page)
    assert f'<label for="id_punkt-{item.pk}-comment" class="form-label">Kommentar till din röst i § 1</label>' in page


def test_it_offers_the_applications_that_waited_longest_and_finds_others_by_search(as_persona, demo, monkeypatch):
    monkeypatch.setattr(selectors, "CANDIDATES_SHOWN", 2)
    applications = applications_through_services(
        demo, 4, states=(Status.COMPLETE,), municipalities=("Uddevalla", "Munkedal")
    )
    meeting = _draft(demo, [])
    client = as_persona("project_leader")
    url = reverse("reviews:agenda", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "4 kompletta ansökningar väntar på ett möte." in page
    assert "Listan visar de 2 som har väntat längst." in page
    offered = re.findall(r'<option value="(\d+)"', page)
    assert offered == [str(a.pk) for a in applications[:2]]
    found = client.get(url, {"sok": applications[3].title}).content.decode()
    assert re.findall(r'<option value="(\d+)"', found) == [str(applications[3].pk)]
    assert "1 komplett ansökan matchar" in found
    by_municipality = client.get(url, {"sok": "munked"}).content.decode()
    assert len(re.findall(r'<option value="(\d+)"', by_municipality)) == 2
    assert "Ingen komplett ansökan matchar sökningen." in client.get(url, {"sok": "finns inte"}).content.decode()
    # One not offered on the first list is still accepted: the post is checked against all that wait.
    response = client.post(url, {"ny-application": applications[3].pk, "ny-summary": ""})
    assert response.status_code == 302
    assert meeting.items.get().application == applications[3]


def test_it_keeps_a_refused_summary_on_its_item_with_the_error_summary(as_persona, demo, monkeypatch):
    monkeypatch.setattr(selectors, "AGENDA_PAGE_SIZE", 2)
    applications = applications_through_services(demo, 3, states=(Status.COMPLETE,))
    meeting = _draft(demo, applications)
    item = meeting.items.get(position=3)
    response = as_persona("project_leader").post(
        reverse("reviews:agenda_item", args=[meeting.pk, item.pk]),
        {"action": "summary", f"punkt-{item.pk}-summary": "Barnet 19811218-9876 behöver stöd."},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in page
    assert f'href="#id_punkt-{item.pk}-summary"' in page
    assert "Barnet 19811218-9876 behöver stöd.</textarea>" in page
    assert f'aria-describedby="id_punkt-{item.pk}-summary_error"' in page
    assert 'id="punkt-3"' in page  # the item's own page
    item.refresh_from_db()
    assert item.summary == item.application.title


def test_it_returns_to_the_page_of_a_moved_item(as_persona, demo, monkeypatch):
    monkeypatch.setattr(selectors, "AGENDA_PAGE_SIZE", 2)
    applications = applications_through_services(demo, 3, states=(Status.COMPLETE,))
    meeting = _draft(demo, applications)
    item = meeting.items.get(position=2)
    response = as_persona("project_leader").post(
        reverse("reviews:agenda_item", args=[meeting.pk, item.pk]), {"action": "down"}
    )
    assert response.url == reverse("reviews:agenda", args=[meeting.pk]) + "?sida=2#punkt-3"
