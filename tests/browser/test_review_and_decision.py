"""The whole review path in a real browser, from a complete application to RUN's decision.

Two complete applications (Uddevalla and Munkedal) go on a steering-group meeting the
project leader schedules and publishes; five members vote, one declares a conflict of
interest (jäv) on one item; the chair records attendance and recommends both; the chair and
an appointed adjuster approve the minutes; the project leader forwards both to RUN; the RUN
secretariat approves one with amounts per year and rejects the other with reasons; the
budget ledger shows what remains. axe-core checks every page.
"""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from applications.models import Status
from decisions import ledger as budget_ledger
from decisions.models import BudgetAdjustment, Decision, RunMeeting
from partnership.models import Body, BodyKind, User
from reviews.models import AgendaItem, ItemOutcome, Minutes, Recusal, Vote
from simportal.formatting import format_kronor
from tests.browser.conftest import assert_accessible, field_label
from tests.browser.steps import log_in_as, log_out, publish_agenda, soon, vote
from tests.factories import accepted_application

pytestmark = pytest.mark.browser

FIRST, SECOND = "Språkstöd i förskolan, Dalaberg", "Familj i fokus, Munkedal"
# Steering-group members without a demo login get the demo password for the test.
WITHOUT_DEMO_LOGIN = ["styrgrupp-narhalsan", "styrgrupp-capio", "styrgrupp-soc2", "styrgrupp-utb1", "styrgrupp-utb2"]
FIRST_YEAR_RECOMMENDED = 200_000  # the chair lowers the first year of § 1 (300 000 kr asked for)
GRANTED_PER_YEAR = 150_000


def open_minutes(page: Page, minutes_url: str) -> None:
    page.goto(minutes_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Protokoll")
    assert_accessible(page)


def approve_minutes(page: Page) -> None:
    page.get_by_role("link", name="Justera protokollet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Justera protokollet")
    assert_accessible(page)
    page.get_by_label(field_label("Jag har läst protokollet och justerar det.")).check()
    page.get_by_role("button", name="Justera", exact=True).click()


def test_it_takes_two_applications_from_the_steering_group_to_runs_decision(
    portal, demo, browser, browser_context_args, request
):
    # --- Set-up with services: two complete applications, passwords, a RUN meeting.
    for username in WITHOUT_DEMO_LOGIN:
        member = User.objects.get(username=username)
        member.set_password(demo.password)
        member.save()
    first = accepted_application(demo, "Uddevalla", FIRST)
    second = accepted_application(demo, "Munkedal", SECOND)
    assert (first.status, second.status) == (Status.COMPLETE, Status.COMPLETE)
    starts_at = soon()
    run_day = starts_at.date() + datetime.timedelta(days=7)
    RunMeeting.objects.create(
        board=Body.objects.get(kind=BodyKind.RUN), held_on=run_day, place="Regionens hus, Vänersborg"
    )
    call = demo.call()
    first_years = list(first.budget_years.order_by("year"))

    # --- The project leader schedules the meeting, builds the agenda and publishes it.
    page = portal.log_in("project_leader")
    meeting_url = publish_agenda(
        portal,
        page,
        day=starts_at.date(),
        time=f"{starts_at:%H:%M}",
        items=[(first, "Väl förankrad i BVC."), (second, "Bygger på kartläggningen.")],
    )
    # Voting opens on the meeting's day, and the minutes are approved after the meeting has begun.
    traveller = time_machine.travel(starts_at + datetime.timedelta(minutes=1))
    clock = traveller.start()
    request.addfinalizer(traveller.stop)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.ON_AGENDA, Status.ON_AGENDA)
    meeting = AgendaItem.objects.get(application=first).meeting
    minutes_url = portal.url(f"/styrgrupp/protokoll/{meeting.pk}/")

    # --- Five members vote, each in a browser of their own; Karin Ek is jävig on § 1.
    chair = log_in_as(browser, browser_context_args, portal.base_url, "styrgrupp-ordf", demo.password)
    chair.goto(meeting_url)
    assert_accessible(chair)
    vote(chair, 1, "Tillstyrker", "Tydlig logikmodell.")
    vote(chair, 2, "Tillstyrker")

    karin = log_in_as(browser, browser_context_args, portal.base_url, "styrgrupp", demo.password)
    karin.goto(meeting_url)
    expect(karin.locator("#punkt-1")).to_contain_text("Du kan vara jävig i den här punkten.")
    assert_accessible(karin)
    karin.get_by_role("link", name="Anmäl jäv i § 1").click()
    expect(karin.get_by_role("heading", level=1)).to_have_text("Anmäl jäv i § 1")
    assert_accessible(karin)
    karin.get_by_label(field_label("Skäl till jävet")).fill("Jag är chef för Socialtjänsten Uddevalla, en part.")
    karin.get_by_role("button", name="Anmäl jäv").click()
    expect(karin.locator(".messages")).to_contain_text("Ditt jäv i § 1 är anmält")
    expect(karin.get_by_role("group", name=re.compile(r"^Din röst i § 1\b"))).to_have_count(0)
    assert_accessible(karin)
    vote(karin, 2, "Tillstyrker", "Bra att kartläggningen styr valet av insats.")
    karin.context.close()

    for username, choices in [
        ("styrgrupp-narhalsan", ("Tillstyrker", "Tillstyrker")),
        ("styrgrupp-capio", ("Tillstyrker", "Avstyrker")),
        ("styrgrupp-soc2", ("Avstår", "Tillstyrker")),
    ]:
        member = log_in_as(browser, browser_context_args, portal.base_url, username, demo.password)
        member.goto(meeting_url)
        assert_accessible(member)
        vote(member, 1, choices[0])
        vote(member, 2, choices[1])
        member.context.close()

    assert Vote.objects.filter(item__meeting=meeting).count() == 9
    recusal = Recusal.objects.get(item__meeting=meeting)
    assert (recusal.member.username, recusal.item.position) == ("styrgrupp", 1)
    assert not Vote.objects.filter(item=recusal.item, member=recusal.member).exists()

    # --- The chair records attendance and closes both items: both recommended.
    chair.goto(meeting_url)
    chair.get_by_role("link", name="Anteckna närvaro").click()
    assert_accessible(chair)
    for name in ["Anders Holm", "Karin Ek", "Per Sandberg", "Lena Berg", "Johan Nyberg"]:
        chair.get_by_label(re.compile(rf"^\s*{name},")).check()
    chair.get_by_role("button", name="Spara närvaron").click()
    expect(chair.locator(".messages")).to_contain_text("Närvaron är sparad")
    expect(chair.locator("#tally-1")).to_contain_text("Tillstyrker: 3. Avstyrker: 0. Avstår: 1.")
    expect(chair.locator("#tally-2")).to_contain_text("Tillstyrker: 4. Avstyrker: 1. Avstår: 0.")
    assert_accessible(chair)

    chair.get_by_role("link", name="Avsluta § 1").click()
    expect(chair.get_by_text("Enligt rösterna tillstyrks ansökan.")).to_be_visible()
    assert_accessible(chair)
    chair.get_by_label(f"Tillstyrkt belopp {first_years[0].year} (kr)").fill(str(FIRST_YEAR_RECOMMENDED))
    chair.get_by_label(field_label("Villkor")).fill("Uppföljning redovisas efter ett år.")
    chair.get_by_role("button", name="Avsluta § 1").click()
    expect(chair.locator(".messages")).to_contain_text("§ 1 är avslutad: tillstyrks")
    expect(chair.locator("#punkt-1")).to_contain_text("Beslut: Tillstyrks")
    assert_accessible(chair)

    chair.get_by_role("link", name="Avsluta § 2").click()
    expect(chair.get_by_text("Enligt rösterna tillstyrks ansökan.")).to_be_visible()
    assert_accessible(chair)
    chair.get_by_role("button", name="Avsluta § 2").click()
    expect(chair.locator(".messages")).to_contain_text("§ 2 är avslutad: tillstyrks")
    expect(chair.locator("#punkt-2")).to_contain_text("Beslut: Tillstyrks")
    assert_accessible(chair)

    item_1 = AgendaItem.objects.get(application=first)
    item_2 = AgendaItem.objects.get(application=second)
    assert (item_1.outcome, item_2.outcome) == (ItemOutcome.RECOMMENDED, ItemOutcome.RECOMMENDED)
    assert item_1.recommended_amount == FIRST_YEAR_RECOMMENDED + sum(b.requested for b in first_years[1:])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.RECOMMENDED, Status.RECOMMENDED)

    # --- The minutes: the project leader appoints Per Sandberg; the chair and he approve.
    open_minutes(page, minutes_url)
    expect(page.locator("#minutes-status")).to_contain_text("Utkast")
    expect(page.get_by_role("heading", level=2, name=f"§ 1. {FIRST}")).to_be_visible()
    page.get_by_role("link", name="Utse justerare").click()
    assert_accessible(page)
    page.get_by_label("Per Sandberg").check()
    page.get_by_role("button", name="Utse justerare").click()
    expect(page.locator(".messages")).to_contain_text("Per Sandberg är utsedd att justera protokollet.")
    assert_accessible(page)

    open_minutes(chair, minutes_url)
    approve_minutes(chair)
    expect(chair.locator(".messages")).to_contain_text("Det låses när båda har justerat.")
    expect(chair.locator("#minutes-status")).to_contain_text("Utkast")
    assert_accessible(chair)
    chair.context.close()

    adjuster = log_in_as(browser, browser_context_args, portal.base_url, "styrgrupp-narhalsan", demo.password)
    open_minutes(adjuster, minutes_url)
    approve_minutes(adjuster)
    expect(adjuster.locator(".messages")).to_contain_text("Protokollet är justerat och låst.")
    expect(adjuster.locator("#minutes-status")).to_contain_text("Justerat")
    expect(adjuster.get_by_role("link", name="Justera protokollet")).to_have_count(0)
    assert_accessible(adjuster)
    adjuster.context.close()
    assert Minutes.objects.get(meeting=meeting).is_locked

    # --- The project leader forwards both recommended applications to RUN.
    for title in [FIRST, SECOND]:
        portal.open("/run/")
        expect(page.get_by_role("heading", level=1)).to_have_text("RUN:s sammanträden")
        assert_accessible(page)
        page.get_by_role("link", name=f"Skicka ”{title}” till RUN").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Skicka till RUN")
        assert_accessible(page)
        page.get_by_label(field_label("RUN-sammanträde")).select_option(
            label=f"{run_day.isoformat()} – Regionens hus, Vänersborg"
        )
        page.get_by_role("button", name="Skicka till RUN").click()
        expect(page.get_by_role("heading", name=title)).to_be_visible()
        assert_accessible(page)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.AT_RUN, Status.AT_RUN)
    log_out(page)

    # --- On RUN's meeting day the secretariat approves § 1's application and rejects § 2's.
    clock.move_to(timezone.make_aware(datetime.datetime.combine(run_day, datetime.time(15))))
    page = portal.log_in("secretariat")
    portal.open("/run/")
    assert_accessible(page)
    page.get_by_role("link", name=f"RUN {run_day.isoformat()}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"RUN:s sammanträde {run_day.isoformat()}")
    expect(page.get_by_role("heading", name=FIRST)).to_be_visible()
    expect(page.get_by_role("heading", name=SECOND)).to_be_visible()
    expect(page.get_by_text("Uppföljning redovisas efter ett år.").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=f"Registrera beslut för ”{FIRST}”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrera RUN:s beslut")
    assert_accessible(page)
    page.get_by_label("Bifall", exact=True).check()
    page.get_by_label(field_label("Paragraf (§)")).fill("142")
    page.get_by_label(field_label("RUN:s diarienummer")).fill("RUN 2026-00142")
    page.get_by_label(field_label("Protokollet anslaget")).fill(run_day.isoformat())
    for budget_year in first_years:
        amount = page.get_by_label(field_label(f"Beviljat belopp {budget_year.year} (kr)"))
        recommended = FIRST_YEAR_RECOMMENDED if budget_year == first_years[0] else budget_year.requested
        expect(amount).to_have_value(str(recommended))
        amount.fill(str(GRANTED_PER_YEAR))
    page.get_by_label(field_label("Villkor")).fill("Rapport till styrgruppen varje år.")
    page.get_by_role("button", name="Registrera beslutet").click()
    granted_total = GRANTED_PER_YEAR * len(first_years)
    expect(page.locator(".messages")).to_contain_text(
        f"Beslutet är registrerat: bifall, § 142, {format_kronor(granted_total)}."
    )
    assert_accessible(page)

    page.get_by_role("link", name=f"Registrera beslut för ”{SECOND}”").click()
    assert_accessible(page)
    page.get_by_label("Avslag", exact=True).check()
    page.get_by_label(field_label("Paragraf (§)")).fill("143")
    page.get_by_label(field_label("RUN:s diarienummer")).fill("RUN 2026-00143")
    page.get_by_label(field_label("Skäl")).fill("Insatsen saknar medfinansiering från kommunen.")
    page.get_by_role("button", name="Registrera beslutet").click()
    expect(page.locator(".messages")).to_contain_text("Beslutet är registrerat: avslag, § 143.")
    expect(page.get_by_text("Insatsen saknar medfinansiering från kommunen.")).to_be_visible()
    assert_accessible(page)

    # --- The ledger: the call's budget less what RUN granted.
    assert not BudgetAdjustment.objects.filter(call=call).exists()
    remaining = call.budget - granted_total
    portal.open("/run/budget/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Budgetuppföljning")
    expect(page.get_by_test_id(f"remaining-{call.pk}")).to_have_text(format_kronor(remaining))
    assert_accessible(page)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.APPROVED, Status.REJECTED)
    assert budget_ledger.granted_total(call) == granted_total
    assert Decision.objects.filter(case__application__in=[first, second]).count() == 2
