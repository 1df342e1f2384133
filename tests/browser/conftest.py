"""Real-browser tests: Playwright drives Debian's Chromium against the live server.

Every page a test visits is checked with axe-core (``assert_accessible``): any
violation of a WCAG 2.0/2.1 level A or AA rule fails the test, whatever its impact.
"""

import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.conftest import PERSONAS

# Sync Playwright runs an event loop in the test's thread; Django would otherwise
# refuse the database calls the tests make next to it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# The success criteria the portal promises (WCAG 2.1 AA); axe tags each rule with the ones it tests.
WCAG_21_AA_TAGS = {"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

_axe = Axe()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The site sends a strict Content-Security-Policy; axe is injected by script.
    return {**browser_context_args, "bypass_csp": True, "locale": "sv-SE"}


def field_label(text: str) -> re.Pattern:
    """Match a form field's label exactly, allowing the required-field asterisk crispy-forms adds
    and the "(frivilligt)" of a field that submission does not need."""
    return re.compile(rf"^\s*{re.escape(text)}\s*(\*|\(frivilligt\)|\(optional\))?\s*$")


def _describe(violation: dict) -> str:
    node = violation["nodes"][0] if violation["nodes"] else {}
    return (
        f"- [{violation['impact']}] {violation['id']}: {violation['help']}\n"
        f"    {len(violation['nodes'])} element(s); first: {node.get('target')}\n"
        f"    {node.get('html', '')[:300]}"
    )


def assert_accessible(page: Page) -> None:
    """Fail when axe-core finds any violation of WCAG 2.1 A or AA on the page as it is now."""
    violations = _axe.run(page).response["violations"]
    blocking = [v for v in violations if WCAG_21_AA_TAGS & set(v["tags"])]
    if blocking:
        report = "\n".join(_describe(v) for v in blocking)
        pytest.fail(f"axe-core found {len(blocking)} WCAG 2.1 AA violation(s) on {page.url}:\n{report}")


class Portal:
    """The portal as a person in a browser sees it."""

    def __init__(self, page: Page, base_url: str, password: str):
        self.page = page
        self.base_url = base_url
        self.password = password

    def url(self, path: str) -> str:
        return self.base_url + path

    def open(self, path: str) -> Page:
        self.page.goto(self.url(path))
        return self.page

    def fill_login_form(self, username: str, password: str) -> None:
        page = self.page
        page.get_by_label(field_label("Användarnamn")).fill(username)
        page.get_by_label(field_label("Lösenord")).fill(password)
        page.get_by_role("button", name="Logga in", exact=True).click()

    def log_in(self, persona: str, password: str | None = None) -> Page:
        """Log in through the real login form and land on the start page; axe checks both pages."""
        self.open("/konto/logga-in/")
        assert_accessible(self.page)
        self.fill_login_form(PERSONAS[persona], password or self.password)
        expect(self.page).to_have_url(self.url("/"))
        expect(self.page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Hej "))
        assert_accessible(self.page)
        return self.page


@pytest.fixture
def portal(transactional_db, demo, live_server, page) -> Portal:
    """The demo structure served by the live server, and a fresh browser page."""
    return Portal(page, live_server.url, demo.password)
