"""Every list on a start page shows its newest ten rows, how many there are in all, and a link to
the whole list where there is one: the inbox, filtered to exactly the rows counted."""

import html
import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Status
from applications.selectors import START_LIST_SIZE
from tests.factories import applications_through_services

pytestmark = pytest.mark.django_db

TABLE = re.compile(
    r'<caption class="visually-hidden">(?P<caption>[^<]*)</caption>.*?<tbody>(?P<body>.*?)</tbody>'
    r'\s*</table>\s*</div>\s*<p class="small">Visar (?P<shown>\d+) av (?P<total>\d+(?:[\u00a0\u202f ]\d{3})*)'
    r'(?: · <a href="(?P<link>[^"]+)">)?',
    re.DOTALL,
)
RESULT_COUNT = re.compile(r'<p id="result-count" role="status">(\d+) ansök(?:an|ningar) visas')

# persona: (the states its applications reach, {list caption: the states that list counts})
START_LISTS = {
    "project_leader": (
        (Status.SUBMITTED, Status.COMPLETE),
        {
            "Inskickade ansökningar att granska": {Status.SUBMITTED},
            "Kompletta ansökningar utan möte": {Status.COMPLETE},
        },
    ),
    "member": ((Status.DRAFT, Status.SUBMITTED), {"Din arbetsgrupps ansökningar": {Status.DRAFT, Status.SUBMITTED}}),
    "koncernkontoret": (
        (Status.SUBMITTED, Status.COMPLETE),
        {"Senast inskickade ansökningar": {Status.SUBMITTED, Status.COMPLETE}},
    ),
    "secretariat": ((Status.AT_RUN,), {"Ärenden till RUN": {Status.AT_RUN}}),
    "nsv_chair": ((Status.SUBMITTED,), {"Ansökningar från arbetsgrupper ni har utsett": {Status.SUBMITTED}}),
}


def start_page(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def lists_on(page: str) -> dict[str, dict]:
    found = {}
    for match in TABLE.finditer(page):
        found[html.unescape(match["caption"])] = {
            "rows": match["body"].count("<tr>"),
            "shown": int(match["shown"]),
            "total": int(re.sub(r"\D", "", match["total"])),
            "link": html.unescape(match["link"]) if match["link"] else "",
        }
    return found


def inbox_count(client, link: str) -> int:
    response = client.get(link)
    assert response.status_code == 200
    match = RESULT_COUNT.search(response.content.decode())
    assert match, "the inbox says how many it shows"
    return int(match[1])


@pytest.mark.parametrize("persona", list(START_LISTS))
def test_it_bounds_every_list_and_counts_the_rest_at_3_and_at_25_applications(as_persona, demo, persona):
    states, expected = START_LISTS[persona]
    client = as_persona(persona)
    built = []
    queries = []
    for first, count in ((1, 3), (4, 22)):
        built += applications_through_services(demo, count, first=first, states=states)
        by_state = Counter(application.status for application in built)
        with CaptureQueriesContext(connection) as captured:
            page = start_page(client)
        queries.append(len(captured))
        found = lists_on(page)
        assert set(expected) <= set(found), found
        for caption, counted in expected.items():
            shown = found[caption]
            total = sum(by_state[state] for state in counted)
            assert shown["total"] == total, caption
            assert shown["rows"] == shown["shown"] == min(total, START_LIST_SIZE), caption
            if persona == "project_leader":
                assert shown["link"].startswith(reverse("inbox:list") + "?status=")
                assert inbox_count(client, shown["link"]) == total, caption
        assert all(shown["rows"] <= START_LIST_SIZE for shown in found.values())
    assert max(by_state.values()) > START_LIST_SIZE  # the large size does reach past one list's rows
    assert queries[0] == queries[1], queries


def test_it_shows_the_newest_first_as_the_linked_inbox_does(as_persona, demo):
    applications_through_services(demo, 12, states=(Status.SUBMITTED,))
    client = as_persona("project_leader")
    page = start_page(client)
    shown = lists_on(page)["Inskickade ansökningar att granska"]
    start_titles = re.findall(r'<td><a href="/ansokningar/\d+/">([^<]+)</a></td>', page)
    inbox_page = client.get(shown["link"]).content.decode()
    assert start_titles[:START_LIST_SIZE] == [f"Insats nummer {n}" for n in range(12, 2, -1)]
    positions = [inbox_page.index(title) for title in start_titles[:START_LIST_SIZE]]
    assert positions == sorted(positions)


def test_it_links_the_applications_to_send_to_run_to_the_inbox_of_recommended(as_persona, demo):
    applications_through_services(demo, 2, states=(Status.RECOMMENDED,))
    client = as_persona("project_leader")
    shown = lists_on(start_page(client))["Tillstyrkta ansökningar att skicka till RUN"]
    assert (shown["rows"], shown["total"]) == (2, 2)
    assert shown["link"] == reverse("inbox:list") + "?status=recommended"
    assert inbox_count(client, shown["link"]) == 2


def test_it_writes_each_state_label_from_the_choices(as_persona, demo):
    applications_through_services(demo, 1, states=(Status.SUBMITTED,))
    page = start_page(as_persona("koncernkontoret"))
    assert '<span class="status status--submitted">Inskickad</span>' in page
