"""RUN's secretariat in a real browser: two recommended applications are on a RUN meeting;
the secretariat approves one with amounts per year, rejects the other with reasons (after
being told reasons are required), and the budget ledger shows what remains. axe checks
every page."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Status
from decisions import services as decision_services
from decisions.models import Decision
from tests.browser.conftest import assert_accessible, field_label
from tests.decisions.test_run import forwarded_case, recommended_application, run_meeting, years_of

pytestmark = pytest.mark.browser

GRANTED_PER_YEAR = 200_000  # the steering group recommended 250 000 kr a year


def kronor(amount: int) -> str:
    return f"{amount:,}".replace(",", " ") + " kr"


def log_out(page) -> None:
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("link", name="Logga in").first).to_be_visible()


def test_the_secretariat_records_run_decisions_and_sees_the_budget(portal, demo):
    meeting = run_meeting()
    approved = forwarded_case(demo, meeting, title="Språkstöd i förskolan, Dalaberg")
    rejected = forwarded_case(demo, meeting, title="Familjecentral Munkedal", municipality="Munkedal")
    years = years_of(approved)
    page = portal.log_in("secretariat")

    # The meetings, then the case list with the steering group's recommendation.
    portal.open("/run/")
    expect(page.get_by_role("heading", level=1)).to_have_text("RUN:s sammanträden")
    assert_accessible(page)
    page.get_by_role("link", name=f"RUN {meeting.held_on.isoformat()}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"RUN:s sammanträde {meeting.held_on.isoformat()}")
    expect(page.get_by_role("heading", name="Språkstöd i förskolan, Dalaberg")).to_be_visible()
    expect(page.get_by_role("heading", name="Familjecentral Munkedal")).to_be_visible()
    expect(page.get_by_text("Insatsen följs upp efter ett år.").first).to_be_visible()
    assert_accessible(page)

    # Bifall, with the amount per year lowered from the recommendation.
    page.get_by_role("link", name="Registrera beslut för ”Språkstöd i förskolan, Dalaberg”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrera RUN:s beslut")
    assert_accessible(page)
    page.get_by_label("Bifall", exact=True).check()
    page.get_by_label(field_label("Paragraf (§)")).fill("142")
    for year in years:
        amount = page.get_by_label(field_label(f"Beviljat belopp {year} (kr)"))
        expect(amount).to_have_value("250000")
        amount.fill(str(GRANTED_PER_YEAR))
    page.get_by_label(field_label("Villkor")).fill("Rapport till styrgruppen varje år.")
    page.get_by_label(field_label("Utbetalningsplan")).fill("Utbetalning i januari varje år.")
    page.get_by_role("button", name="Registrera beslutet").click()
    granted_total = GRANTED_PER_YEAR * len(years)
    expect(page.locator(".messages")).to_contain_text(
        f"Beslutet är registrerat: bifall, § 142, {kronor(granted_total)}."
    )
    assert_accessible(page)

    # Avslag: reasons are required.
    page.get_by_role("link", name="Registrera beslut för ”Familjecentral Munkedal”").click()
    page.get_by_label("Avslag", exact=True).check()
    page.get_by_label(field_label("Paragraf (§)")).fill("143")
    page.get_by_role("button", name="Registrera beslutet").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Ett avslag eller en återremiss ska ha skäl.")
    assert_accessible(page)
    page.get_by_label(field_label("Skäl")).fill("Insatsen saknar medfinansiering från kommunen.")
    page.get_by_role("button", name="Registrera beslutet").click()
    expect(page.locator(".messages")).to_contain_text("Beslutet är registrerat: avslag, § 143.")
    expect(page.get_by_text("Insatsen saknar medfinansiering från kommunen.")).to_be_visible()
    assert_accessible(page)

    # The ledger: 9 000 000 kr earmarked, less what was granted.
    portal.open("/run/budget/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Budgetuppföljning")
    call = demo.call()
    expect(page.get_by_test_id(f"remaining-{call.pk}")).to_have_text(kronor(9_000_000 - granted_total))
    table = page.get_by_role("table", name=re.compile("Belopp per år"))
    expect(table.get_by_role("row", name=re.compile(rf"^{years[0]}\b"))).to_contain_text(kronor(GRANTED_PER_YEAR))
    assert_accessible(page)

    approved.application.refresh_from_db()
    rejected.application.refresh_from_db()
    assert approved.application.status == Status.APPROVED
    assert rejected.application.status == Status.REJECTED
    assert Decision.objects.count() == 2


def test_a_meeting_is_entered_a_case_forwarded_a_decision_corrected_and_the_budget_raised(portal, demo):
    application = recommended_application(demo, title="Läsfrämjande i Mellerud")
    day = timezone.localdate()  # RUN meets today: its decision is recorded on the meeting's day

    # The secretariat enters RUN's meeting.
    page = portal.log_in("secretariat")
    portal.open("/run/")
    page.get_by_role("link", name="Lägg in ett sammanträde").click()
    assert_accessible(page)
    page.get_by_label(field_label("Sammanträdesdag")).fill(day.isoformat())
    page.get_by_label(field_label("Plats")).fill("Regionens hus, Vänersborg")
    page.get_by_role("button", name="Lägg in sammanträdet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"RUN:s sammanträde {day.isoformat()}")
    expect(page.get_by_text("Inga ärenden till det här sammanträdet ännu.")).to_be_visible()
    assert_accessible(page)
    log_out(page)

    # The project leader forwards the recommended application to it.
    page = portal.log_in("project_leader")
    portal.open("/run/")
    assert_accessible(page)
    page.get_by_role("link", name="Skicka ”Läsfrämjande i Mellerud” till RUN").click()
    assert_accessible(page)
    page.get_by_label(field_label("RUN-sammanträde")).select_option(
        label=f"{day.isoformat()} – Regionens hus, Vänersborg"
    )
    page.get_by_role("button", name="Skicka till RUN").click()
    expect(page.get_by_role("heading", name="Läsfrämjande i Mellerud")).to_be_visible()
    log_out(page)

    # RUN approved it; the secretariat corrects the amounts.
    case = application.run_cases.get()
    decision_services.decision_record(
        case=case,
        outcome="approved",
        paragraph="142",
        decided_on=day,
        granted=dict.fromkeys(years_of(case), 250_000),
        by=demo.person("secretariat"),
    )
    page = portal.log_in("secretariat")
    portal.open(f"/run/arenden/{case.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Rätta beslut § 142").click()
    assert_accessible(page)
    page.get_by_label(field_label("Skäl för rättelsen")).fill("Beloppet för det sista året var fel återgivet.")
    page.get_by_label(field_label(f"Beviljat belopp {years_of(case)[-1]} (kr)")).fill("150000")
    page.get_by_role("button", name="Registrera rättelsen").click()
    expect(page.get_by_text("Rättat – se rättelsen § 142")).to_be_visible()
    expect(page.get_by_text("Beloppet för det sista året var fel återgivet.")).to_be_visible()
    assert_accessible(page)

    # The budget is raised as a recorded act.
    call = demo.call()
    portal.open("/run/budget/")
    page.get_by_role("link", name=f"Ändra budgeten för ”{call.name}”").click()
    assert_accessible(page)
    page.get_by_label(field_label("Ändring (kr)")).fill("1000000")
    page.get_by_label(field_label("Beslutsdatum")).fill("2026-11-23")
    page.get_by_label(field_label("Skäl")).fill("RUN § 77: utökad ram.")
    page.get_by_role("button", name="Registrera ändringen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Budgetuppföljning")
    expect(page.get_by_text("RUN § 77: utökad ram.")).to_be_visible()
    granted = 250_000 * (len(years_of(case)) - 1) + 150_000
    expect(page.get_by_test_id(f"remaining-{call.pk}")).to_have_text(kronor(10_000_000 - granted))
    assert_accessible(page)
