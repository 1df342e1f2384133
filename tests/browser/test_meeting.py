"""A steering-group meeting in a real browser: the project leader schedules it, puts two
complete applications on the agenda and publishes it; five members vote, one of them
declares a conflict of interest (jäv) on one item; the chair records attendance and closes
both items, one recommended with a lower amount and one not recommended. axe checks every page."""

import datetime
import re

import pytest
import time_machine
from playwright.sync_api import expect

from applications.models import Status
from partnership.models import User
from reviews.models import AgendaItem, ItemOutcome, Recusal, Vote
from tests.browser.conftest import assert_accessible, field_label
from tests.browser.steps import log_in_as, publish_agenda, soon, vote
from tests.reviews.test_meetings import complete

pytestmark = pytest.mark.browser

FIRST, SECOND = "Språkstöd i förskolan, Dalaberg", "Familj i fokus, Munkedal"
# Members without a demo login get a password for the test.
WITHOUT_DEMO_LOGIN = ["styrgrupp-narhalsan", "styrgrupp-capio", "styrgrupp-soc2"]


def test_it_holds_a_steering_group_meeting(portal, demo, browser, browser_context_args, request):
    for username in WITHOUT_DEMO_LOGIN:
        member = User.objects.get(username=username)
        member.set_password(demo.password)
        member.save()
    first = complete(demo, "Uddevalla", title=FIRST)
    second = complete(demo, "Munkedal", title=SECOND)
    starts_at = soon()

    # The project leader schedules the meeting and builds the agenda.
    page = portal.log_in("project_leader")
    portal.open("/styrgrupp/moten/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Styrgruppsmöten")
    assert_accessible(page)
    page.get_by_role("link", name="Nytt möte").click()
    page.get_by_role("button", name="Lägg in mötet").click()
    expect(page.locator("#error-summary")).to_contain_text("Datum")
    assert_accessible(page)
    meeting_url = publish_agenda(
        portal,
        page,
        day=starts_at.date(),
        time=f"{starts_at:%H:%M}",
        items=[(first, "Väl förankrad i BVC."), (second, "Bygger på kartläggningen.")],
    )
    first.refresh_from_db()
    assert first.status == Status.ON_AGENDA
    # Voting opens on the meeting's day: the members vote once the meeting has begun.
    traveller = time_machine.travel(starts_at + datetime.timedelta(minutes=1))
    traveller.start()
    request.addfinalizer(traveller.stop)

    # Five members vote, each in a browser of their own; Karin Ek is jävig on § 1.
    chair = log_in_as(browser, browser_context_args, portal.base_url, "styrgrupp-ordf", demo.password)
    chair.goto(meeting_url)
    assert_accessible(chair)
    vote(chair, 1, "Tillstyrker", "Tydlig logikmodell.")
    vote(chair, 2, "Avstår")

    karin = log_in_as(browser, browser_context_args, portal.base_url, "styrgrupp", demo.password)
    karin.goto(meeting_url)
    expect(karin.locator("#punkt-1")).to_contain_text("Du kan vara jävig i den här punkten.")
    assert_accessible(karin)
    vote(karin, 1, "Tillstyrker")  # before noticing the conflict: removed when she declares it
    karin.get_by_role("link", name="Anmäl jäv i § 1").click()
    expect(karin.get_by_role("heading", level=1)).to_have_text("Anmäl jäv i § 1")
    assert_accessible(karin)
    karin.get_by_label(field_label("Skäl till jävet")).fill("Jag är chef för Socialtjänsten Uddevalla, en part.")
    karin.get_by_role("button", name="Anmäl jäv").click()
    expect(karin.locator(".messages")).to_contain_text("Ditt jäv i § 1 är anmält")
    expect(karin.get_by_role("group", name=re.compile(r"^Din röst i § 1\b"))).to_have_count(0)
    assert_accessible(karin)
    vote(karin, 2, "Avstyrker", "Oklart hur insatsen blir ordinarie.")

    for username, choices in [
        ("styrgrupp-narhalsan", ("Tillstyrker", "Avstyrker")),
        ("styrgrupp-capio", ("Tillstyrker", "Tillstyrker")),
        ("styrgrupp-soc2", ("Avstår", "Avstyrker")),
    ]:
        member = log_in_as(browser, browser_context_args, portal.base_url, username, demo.password)
        member.goto(meeting_url)
        assert_accessible(member)
        vote(member, 1, choices[0])
        vote(member, 2, choices[1])
        member.context.close()
    karin.context.close()

    assert Vote.objects.count() == 9
    assert Recusal.objects.get().member.username == "styrgrupp"

    # The chair records who is present.
    chair.goto(meeting_url)
    chair.get_by_role("link", name="Anteckna närvaro").click()
    assert_accessible(chair)
    for name in ["Anders Holm", "Karin Ek", "Per Sandberg", "Lena Berg", "Johan Nyberg"]:
        chair.get_by_label(re.compile(rf"^\s*{name},")).check()
    chair.get_by_role("button", name="Spara närvaron").click()
    expect(chair.locator(".messages")).to_contain_text("Närvaron är sparad")
    expect(chair.locator("#tally-1")).to_contain_text("Tillstyrker: 3. Avstyrker: 0. Avstår: 1.")
    assert_accessible(chair)

    # § 1: recommended, with less money than asked for in the first year.
    chair.get_by_role("link", name="Avsluta § 1").click()
    expect(chair.get_by_text("Enligt rösterna tillstyrks ansökan.")).to_be_visible()
    assert_accessible(chair)
    years = list(first.budget_years.order_by("year"))
    amount = chair.get_by_label(f"Tillstyrkt belopp {years[0].year} (kr)")
    amount.fill(str(years[0].requested + 1))
    chair.get_by_role("button", name="Avsluta § 1").click()
    expect(chair.locator("#error-summary")).to_contain_text("kan inte vara större än det sökta")
    assert_accessible(chair)
    chair.get_by_label(f"Tillstyrkt belopp {years[0].year} (kr)").fill("200000")
    chair.get_by_label(field_label("Villkor")).fill("Uppföljning redovisas efter ett år.")
    chair.get_by_role("button", name="Avsluta § 1").click()
    expect(chair.locator(".messages")).to_contain_text("§ 1 är avslutad: tillstyrks")
    expect(chair.locator("#punkt-1")).to_contain_text("Beslut: Tillstyrks")
    assert_accessible(chair)

    # § 2: not recommended.
    chair.get_by_role("link", name="Avsluta § 2").click()
    expect(chair.get_by_text("Enligt rösterna avstyrks ansökan.")).to_be_visible()
    assert_accessible(chair)
    chair.get_by_role("button", name="Avsluta § 2").click()
    expect(chair.locator("#punkt-2")).to_contain_text("Beslut: Avstyrks")
    assert_accessible(chair)
    chair.context.close()

    recommended = AgendaItem.objects.get(application=first)
    assert recommended.outcome == ItemOutcome.RECOMMENDED
    assert recommended.recommended_amount == 200_000 + sum(b.requested for b in years[1:])
    assert recommended.conditions == "Uppföljning redovisas efter ett år."
    assert AgendaItem.objects.get(application=second).outcome == ItemOutcome.NOT_RECOMMENDED
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.RECOMMENDED, Status.NOT_RECOMMENDED)

    # The project leader sees the outcome on the meeting page.
    page.goto(meeting_url)
    expect(page.locator("#punkt-1")).to_contain_text("Tillstyrkt belopp:")
    expect(page.locator("#punkt-2")).to_contain_text("Beslut: Avstyrks")
    assert_accessible(page)
