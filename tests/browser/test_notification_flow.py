"""What one person does reaches the next in the browser: a submission becomes the project
leader's notification and e-mail, and a request for completion the group's."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from notifications.models import Notification
from notifications.services import mark_read
from tests.browser.conftest import assert_accessible, field_label
from tests.browser.steps import header_link, log_out
from tests.factories import complete_application

pytestmark = pytest.mark.browser

TITLE = "Läxhjälp och föräldrastöd i Uddevalla"


def test_a_submission_reaches_the_project_leader_and_the_answer_reaches_the_group(portal, demo):
    leader = demo.person("leader")
    application = complete_application(demo.call(), demo.working_group("Uddevalla"), title=TITLE, by=leader)
    reference = f"SIM {timezone.localdate().year}/0001"
    # The group was told as each principal signed; the leader has read those.
    assert Notification.objects.filter(recipient=leader, event="application_signed").count() == 2
    mark_read(leader)

    page = portal.log_in("leader")
    portal.open(f"/ansokningar/{application.pk}/")
    page.get_by_role("link", name="Skicka in").click()
    page.get_by_role("button", name="Skicka in").click()
    expect(page.locator(".confirmation-panel")).to_contain_text(reference)
    # Of their own act the leader is told only the group's receipt; opening it marks it read.
    expect(header_link(page)).to_have_text(re.compile(r"^Aviseringar\s+1\s+olästa$"))
    header_link(page).click()
    receipt = f"Kvitto: {reference} {TITLE} är inskickad"
    page.get_by_role("link", name=receipt).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(header_link(page)).to_have_text("Aviseringar")
    log_out(page)

    # The project leader finds it in the header, the list and their e-mail.
    page = portal.log_in("project_leader")
    expect(header_link(page)).to_have_text(re.compile(r"^Aviseringar\s+1\s+olästa$"))
    header_link(page).click()
    title = f"Ny ansökan: {reference} {TITLE}"
    expect(page.get_by_role("heading", level=2, name=title)).to_be_visible()
    expect(page.get_by_text("Lokal SIM-arbetsgrupp Uddevalla har skickat in ansökan")).to_be_visible()
    assert_accessible(page)
    to_project_leader = [m for m in mail.outbox if demo.person("project_leader").email in m.to]
    assert [m.subject for m in to_project_leader] == [f"SIM-portalen: {title}"]

    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.get_by_role("link", name="Återförvisa för komplettering").click()
    message = page.get_by_label(field_label("Meddelande"))
    expect(message).to_have_attribute("required", "")
    # The visible asterisk is hidden from screen readers: the field's name is just its label.
    expect(page.get_by_role("textbox", name="Meddelande", exact=True)).to_have_count(1)
    message.fill("Lägg till medfinansieringen för 2028.")
    page.get_by_role("button", name="Återförvisa för komplettering").click()
    expect(page.locator(".alert-success")).to_be_visible()
    log_out(page)

    # The group leader is told what to do, with the project leader's message.
    page = portal.log_in("leader")
    expect(header_link(page)).to_have_text(re.compile(r"^Aviseringar\s+1\s+olästa$"))
    header_link(page).click()
    expect(page.get_by_text("Lägg till medfinansieringen för 2028.")).to_be_visible()
    expect(page.get_by_text("Komplettera ansökan och skicka in den igen.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Återförvisad för komplettering: ")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(header_link(page)).to_have_text("Aviseringar")
