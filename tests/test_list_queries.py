"""The list pages that had no test of their own keep their number of queries whatever their rows:
"Vem är vem", the calls and RUN's meetings, each read at two sizes."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from decisions.services import run_meeting_create
from partnership.management.commands.seed_demo import current_round_dates
from partnership.models import Call, Part
from tests.factories import other_partnership


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_who_is_who_costs_the_same_with_one_partnership_and_with_two(as_persona, demo):
    client = as_persona("leader")
    url = reverse("partnership:who_is_who")
    client.get(url)
    few = queries(client, url)
    other = other_partnership()
    assert other.partnership.short_name in client.get(url).content.decode()
    other_partnership(name="Sjuhärad", municipalities=("Borås", "Mark"))
    assert queries(client, url) == few


def test_the_calls_cost_the_same_for_two_calls_and_for_twelve(as_persona, demo):
    client = as_persona("project_leader")
    url = reverse("partnership:call_list")
    client.get(url)
    few = queries(client, url)
    other = other_partnership()
    part = Part.objects.get(partnership=other.partnership)
    for year in range(10):
        dates = current_round_dates(timezone.localdate() - datetime.timedelta(days=365 * (10 - year)))
        dates.pop("name")
        call = Call.objects.create(
            partnership=other.partnership, name=f"SIM Skaraborg – omgång {2016 + year}", budget=1_000_000, **dates
        )
        call.parts.set([part])
    assert "SIM Skaraborg – omgång 2025" in client.get(url).content.decode()
    assert queries(client, url) == few


def test_runs_meetings_cost_the_same_for_one_meeting_and_for_eight(as_persona, demo):
    secretariat = demo.person("secretariat")
    client = as_persona("secretariat")
    url = reverse("run:meeting_list")
    today = timezone.localdate()
    run_meeting_create(held_on=today + datetime.timedelta(days=30), place="Vänersborg", by=secretariat)
    client.get(url)
    few = queries(client, url)
    for week in range(2, 9):
        run_meeting_create(held_on=today + datetime.timedelta(weeks=week * 5), place="Vänersborg", by=secretariat)
    assert queries(client, url) == few
