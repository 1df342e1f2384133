"""Reflow (WCAG 1.4.10): at 320 CSS pixels wide no main page of the portal scrolls sideways, and
the project leader's inbox keeps every row's actions in view, also at 200 % text size.

The text size is doubled as a person's browser setting does it: the root element's font size is
set to 200 %, so everything sized in rem (Bootstrap's text, spacing and buttons) grows with it.
"""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from applications import portfolio
from applications.importers import PUBLISHED_INVESTMENTS
from applications.models import Application
from decisions.models import RunMeeting
from tests.applications.test_inbox import registered
from tests.browser.conftest import Portal, assert_accessible
from tests.conftest import PERSONAS
from tests.factories import complete_application, decided_through_services, recommended_through_services

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 800}
SEED = PUBLISHED_INVESTMENTS


def scrolls_sideways(page: Page) -> int:
    """How many pixels the page is wider than the window (0 when it reflows)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


# Elements that reach past the window's right edge, and scroll boxes wider than themselves that
# give no cue: a box that scrolls on purpose is a named region one can reach with the keyboard.
FIND_WIDE = """() => {
  const width = window.innerWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "")
    + (el.children.length ? "" : "(" + el.textContent.trim().slice(0, 30) + ")");
  const all = [...document.body.querySelectorAll("*")];
  const past = all.filter((el) => el.getBoundingClientRect().right > width + 0.5 && el.getClientRects().length)
    .map(name);
  const hidden = all.filter((el) => {
    const overflow = getComputedStyle(el).overflowX;
    const cued = el.getAttribute("role") === "region" && el.tabIndex === 0 && el.hasAttribute("aria-label");
    return ["auto", "scroll"].includes(overflow) && el.scrollWidth > el.clientWidth + 1 && !cued;
  }).map(name);
  return {past: past.slice(-4), hidden};
}"""


def wide_parts(page: Page) -> dict:
    return page.evaluate(FIND_WIDE)


def enlarge_text(page: Page) -> None:
    page.evaluate("document.documentElement.style.fontSize = '200%'")


def log_in(portal: Portal, persona: str) -> Page:
    page = portal.page
    page.context.clear_cookies()
    portal.open("/konto/logga-in/")
    portal.fill_login_form(PERSONAS[persona], portal.password)
    expect(page).to_have_url(portal.url("/"))
    return page


# The pages whose tables are restyled at narrow widths; axe checks them at 320 px as well.
RESTYLED = (
    "/avsnitt/budget/",
    "/protokoll/",
    "/inkorg/",
    "/personer/",
    "/styrgrupp/moten/",
    "/utlysningar/",
    "/investeringar/",
)


def assert_reflows(portal: Portal, paths: list[str]) -> None:
    """Open each path at 320 px and fail with every page that is wider than the window or hides
    part of itself in a scroll box without a cue."""
    page = portal.page
    page.set_viewport_size(NARROW)
    wide = {}
    for path in paths:
        response = page.goto(portal.url(path))
        assert response is not None, f"{path} did not answer"
        assert response.ok, f"{path} answered {response.status}"
        overflow, parts = scrolls_sideways(page), wide_parts(page)
        if overflow > 0 or parts["hidden"]:
            wide[path] = {"extra pixels": overflow, **parts}
        elif any(marker in path for marker in RESTYLED) or path == "/":
            assert_accessible(page)
    assert not wide, f"pages that do not reflow at 320 px: {wide}"


@pytest.fixture
def cases(demo):
    """What the main pages show: a recommended application with approved minutes, decided by
    RUN; a submitted one waiting for triage; a draft the group of Uddevalla is writing; and the
    published portfolio."""
    recommended, meeting = recommended_through_services(
        call=demo.call(), working_group=demo.working_group("Uddevalla"), title="Språkstöd i förskolan, Dalaberg"
    )
    case, _decision = decided_through_services(recommended, secretariat=demo.person("secretariat"), with_letter=False)
    submitted = registered(
        demo,
        "Munkedal",
        title="Läslust och högläsning för alla barn i Munkedals förskolor",
        requested=(1_000_000, 234_567, 345_678),
    )
    draft = complete_application(demo.call(), demo.working_group("Uddevalla"), title="Föräldrastöd i Uddevalla")
    call_command("import_investments", str(SEED), stdout=io.StringIO(), stderr=io.StringIO())
    return {
        "recommended": recommended,
        "meeting": meeting,
        "run_meeting": RunMeeting.objects.get(cases=case),
        "case": case,
        "submitted": submitted,
        "draft": draft,
    }


def test_it_reflows_the_public_pages(portal, cases):
    investment = portfolio.public_investments().order_by("pk").first()
    assert_reflows(
        portal,
        [
            "/",
            "/konto/logga-in/",
            "/konto/losenord/aterstall/",
            "/tillganglighet/",
            "/investeringar/",
            f"/investeringar/{investment.pk}/",
        ],
    )


def test_it_reflows_the_working_groups_pages(portal, demo, cases):
    draft: Application = cases["draft"]
    log_in(portal, "leader")
    sections = ["basics", "partners", "purpose", "priority_areas", "target_group", "content", "period", "budget"]
    sections += ["logic_model", "follow_up", "criteria", "attachments"]
    assert_reflows(
        portal,
        ["/", f"/ansokningar/{draft.pk}/", f"/ansokningar/{cases['recommended'].pk}/"]
        + [f"/ansokningar/{draft.pk}/avsnitt/{key}/" for key in sections]
        + ["/aviseringar/", "/aviseringar/installningar/", "/vem-ar-vem/", "/utlysningar/"],
    )


def test_it_reflows_the_project_leaders_pages(portal, demo, cases):
    log_in(portal, "project_leader")
    meeting = cases["meeting"]
    person = demo.person("steering_chair")
    assert_reflows(
        portal,
        [
            "/",
            "/ansokningar/inkorg/",
            "/ansokningar/inkorg/forlang/",
            f"/ansokningar/{cases['submitted'].pk}/",
            f"/ansokningar/{cases['recommended'].pk}/andringar/",
            "/utlysningar/",
            f"/utlysningar/{demo.call().pk}/",
            f"/ansokningar/{cases['recommended'].pk}/",
            "/styrgrupp/moten/",
            f"/styrgrupp/moten/{meeting.pk}/",
            f"/styrgrupp/protokoll/{meeting.pk}/",
            "/run/",
            f"/run/sammantraden/{cases['run_meeting'].pk}/",
            f"/run/arenden/{cases['case'].pk}/",
            "/run/budget/",
            "/aviseringar/",
            "/vem-ar-vem/",
            f"/vem-ar-vem/personer/{person.pk}/",
        ],
    )


@pytest.mark.parametrize("persona", ["steering_member", "steering_chair", "koncernkontoret", "nsv_chair"])
def test_it_reflows_the_start_page_and_meetings_of_each_reviewer(portal, demo, cases, persona):
    log_in(portal, persona)
    paths = ["/", "/aviseringar/"]
    if persona.startswith("steering"):
        meeting = cases["meeting"]
        paths += ["/styrgrupp/moten/", f"/styrgrupp/moten/{meeting.pk}/", f"/styrgrupp/protokoll/{meeting.pk}/"]
        paths += [f"/ansokningar/{cases['recommended'].pk}/"]
    if persona == "koncernkontoret":
        paths += [f"/ansokningar/{cases['submitted'].pk}/", f"/run/arenden/{cases['case'].pk}/"]
    assert_reflows(portal, paths)


def test_it_reflows_the_secretariats_pages(portal, demo, cases):
    log_in(portal, "secretariat")
    assert_reflows(
        portal,
        [
            "/",
            "/run/",
            f"/run/sammantraden/{cases['run_meeting'].pk}/",
            f"/run/arenden/{cases['case'].pk}/",
            "/run/budget/",
            f"/ansokningar/{cases['recommended'].pk}/",
            "/aviseringar/",
        ],
    )


@pytest.mark.parametrize("text_size", ["100%", "200%"])
def test_it_shows_each_inbox_row_as_a_card_with_its_actions_in_view(portal, demo, cases, text_size):
    log_in(portal, "project_leader")
    page = portal.page
    page.set_viewport_size(NARROW)
    portal.open("/ansokningar/inkorg/")
    if text_size == "200%":
        enlarge_text(page)
    assert scrolls_sideways(page) <= 0, wide_parts(page)
    width = page.evaluate("window.innerWidth")
    rows = page.get_by_role("table").locator("tbody").get_by_role("row")
    expect(rows).to_have_count(2)
    for row in rows.all():
        reference = row.get_by_role("cell").first.bounding_box()
        for button in row.locator(".btn").all():
            expect(button).to_be_visible()
            box = button.bounding_box()
            assert box is not None
            assert reference is not None
            assert box["x"] >= 0, f"{button.inner_text()} is out of view: {box}"
            assert box["x"] + box["width"] <= width, f"{button.inner_text()} is out of view: {box}"
            assert box["y"] < reference["y"], "the actions come first in the card, before the facts"
    actions = rows.filter(has=page.get_by_role("link", name=cases["submitted"].title)).locator(".btn")
    expect(actions.first).to_be_visible()
    assert_accessible(page)


def accessibility_tree(page: Page) -> list[tuple[str, str]]:
    """(role, name) of every node in Chromium's own accessibility tree, as screen readers get it."""
    nodes = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    return [(node.get("role", {}).get("value", ""), node.get("name", {}).get("value", "")) for node in nodes]


def test_it_keeps_stacked_tables_tables_for_screen_readers(portal, demo, cases):
    log_in(portal, "project_leader")
    page = portal.page
    page.set_viewport_size({"width": 1280, "height": 900})
    for path in ["/ansokningar/inkorg/", f"/styrgrupp/protokoll/{cases['meeting'].pk}/"]:
        portal.open(path)
        wide = accessibility_tree(page)
        page.set_viewport_size(NARROW)
        page.reload()
        narrow = accessibility_tree(page)
        page.set_viewport_size({"width": 1280, "height": 900})
        for role in ("table", "row", "columnheader", "rowheader", "cell"):
            assert [n for n in narrow if n[0] == role] == [n for n in wide if n[0] == role], f"{role} on {path}"
        # The visible column labels of the cards are decoration: no cell is named by them twice.
        assert ("cell", cases["submitted"].reference_number) in narrow or "/protokoll/" in path
        assert not [name for role, name in narrow if role == "cell" and name.startswith(("Diarienummer", "Röst:"))]
