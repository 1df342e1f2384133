"""Notifications in a real browser: the group leader reads and marks them, chooses a daily
digest, never sees anyone else's; the project leader retries failed background work in the
admin. axe checks every portal page (the Django admin's own pages are not ours to fix)."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from notifications.models import Email, Notification, Preference
from outbox.models import OutboxKind, OutboxMessage
from tests.browser.conftest import assert_accessible, field_label
from tests.browser.steps import header_link
from tests.factories import a_notification as notification_added
from tests.factories import complete_application

pytestmark = pytest.mark.browser


def a_notification(person, title: str, *, url: str = "/", event: str = "returned") -> Notification:
    return notification_added(
        key=f"test:{person.pk}:{title}",
        recipient=person,
        event=event,
        title=title,
        body=f"{title}. Läs projektledarens kommentar.",
        action="Komplettera ansökan och skicka in den igen.",
        url=url,
    )


def test_it_lets_the_group_leader_read_and_mark_notifications(portal, demo):
    leader = demo.person("leader")
    # Unsigned, so that the signatures' own notifications do not join the two of this test.
    application = complete_application(demo.call(), demo.working_group("Uddevalla"), by=leader, signed=False)
    first = a_notification(leader, "Ansökan återförvisad för komplettering", url=f"/ansokningar/{application.pk}/")
    a_notification(leader, "Styrgruppen återförvisar ansökan", url="/")
    page = portal.log_in("leader")

    # The header tells of two unread, and the list shows both as new.
    expect(header_link(page)).to_have_text(re.compile(r"^Aviseringar\s+2\s+olästa$"))
    expect(header_link(page).locator(".badge")).to_have_text(re.compile(r"^2\b"))
    header_link(page).click()
    expect(page).to_have_url(portal.url("/aviseringar/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Aviseringar")
    expect(page.locator("p.lead")).to_have_text("Du har 2 olästa aviseringar.")
    for title in ("Ansökan återförvisad för komplettering", "Styrgruppen återförvisar ansökan"):
        heading = page.get_by_role("heading", level=2, name=re.compile(re.escape(title)))
        expect(heading).to_be_visible()
        expect(heading.get_by_text("Ny", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Alla", exact=True)).to_have_attribute("aria-current", "page")
    assert_accessible(page)

    # Following one leads to the application it is about, and marks it read.
    page.get_by_role("link", name="Ansökan återförvisad för komplettering", exact=True).click()
    expect(page).to_have_url(portal.url(f"/ansokningar/{application.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(application.title)
    expect(header_link(page).locator(".badge")).to_have_text(re.compile(r"^1\b"))
    first.refresh_from_db()
    assert first.read_at is not None

    page.go_back()
    page.reload()
    expect(header_link(page).locator(".badge")).to_have_text(re.compile(r"^1\b"))
    expect(page.locator("p.lead")).to_have_text("Du har 1 oläst avisering.")
    read = page.get_by_role("heading", level=2, name=re.compile("Ansökan återförvisad för komplettering"))
    expect(read.get_by_text("Ny", exact=True)).to_have_count(0)
    assert_accessible(page)

    # Marking all read clears the badge.
    page.get_by_role("button", name="Markera alla som lästa").click()
    expect(page.get_by_role("status")).to_contain_text("Alla aviseringar är markerade som lästa.")
    expect(header_link(page)).to_have_text("Aviseringar")
    expect(header_link(page).locator(".badge")).to_have_count(0)
    expect(page.locator("p.lead")).to_have_text("Du har 0 olästa aviseringar.")
    expect(page.get_by_role("button", name="Markera alla som lästa")).to_have_count(0)
    expect(page.get_by_text("Ny", exact=True)).to_have_count(0)
    assert_accessible(page)
    assert not Notification.objects.filter(recipient=leader, read_at__isnull=True).exists()

    # Only the unread: none left.
    page.get_by_role("link", name="Olästa", exact=True).click()
    expect(page).to_have_url(portal.url("/aviseringar/?visa=olasta"))
    expect(page.get_by_role("link", name="Olästa", exact=True)).to_have_attribute("aria-current", "page")
    expect(page.get_by_text("Du har inga olästa aviseringar.")).to_be_visible()
    assert_accessible(page)


def test_it_marks_one_notification_read_with_its_own_button(portal, demo):
    leader = demo.person("leader")
    a_notification(leader, "Ansökan återförvisad för komplettering")
    a_notification(leader, "Styrgruppen återförvisar ansökan")
    page = portal.log_in("leader")
    portal.open("/aviseringar/")

    # The button's name says which notification it marks ("Markera som läst: <title>").
    page.get_by_role("button", name=re.compile(r"^Markera som läst\s*:\s*Styrgruppen återförvisar ansökan$")).click()

    expect(page.get_by_role("status")).to_contain_text("Aviseringen är markerad som läst.")
    expect(page.locator("p.lead")).to_have_text("Du har 1 oläst avisering.")
    expect(header_link(page).locator(".badge")).to_have_text(re.compile(r"^1\b"))
    expect(page.get_by_role("button", name=re.compile("^Markera som läst"))).to_have_count(1)
    assert_accessible(page)


def test_it_keeps_the_group_leaders_choice_of_a_daily_digest(portal, demo):
    leader = demo.person("leader")
    page = portal.log_in("leader")
    portal.open("/aviseringar/")
    page.get_by_role("link", name="Välj hur du får e-post").click()
    expect(page).to_have_url(portal.url("/aviseringar/installningar/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Välj hur du får e-post")
    returned = page.get_by_role("group", name=field_label("Återförvisad för komplettering"))
    expect(returned.get_by_label("Direkt, ett e-postmeddelande per händelse")).to_be_checked()
    assert_accessible(page)

    returned.get_by_label("En sammanfattning per dag").check()
    page.get_by_role("button", name="Spara", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("Dina val är sparade.")
    assert_accessible(page)
    page.reload()
    expect(returned.get_by_label("En sammanfattning per dag")).to_be_checked()
    expect(returned.get_by_label("Direkt, ett e-postmeddelande per händelse")).not_to_be_checked()
    assert Preference.objects.get(person=leader, event="returned").delivery == "digest"
    assert set(
        Preference.objects.filter(person=leader).exclude(event="returned").values_list("delivery", flat=True)
    ) == {"immediate"}


def test_it_never_shows_someone_elses_notification(portal, demo):
    a_notification(demo.person("leader"), "Ansökan återförvisad för komplettering")
    others = a_notification(demo.person("outsider"), "Munkedals ansökan återförvisad")
    page = portal.log_in("leader")

    portal.open("/aviseringar/")
    expect(page.get_by_role("link", name="Ansökan återförvisad för komplettering")).to_be_visible()
    expect(page.get_by_text("Munkedals ansökan återförvisad")).to_have_count(0)
    expect(header_link(page).locator(".badge")).to_have_text(re.compile(r"^1\b"))
    assert_accessible(page)

    response = page.goto(portal.url(f"/aviseringar/{others.pk}/"))
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Sidan finns inte")
    assert_accessible(page)
    others.refresh_from_db()
    assert others.read_at is None


def test_it_sends_anonymous_visitors_to_the_login_page(portal, demo):
    a_notification(demo.person("leader"), "Ansökan återförvisad för komplettering")
    page = portal.open("/aviseringar/")

    expect(page).to_have_url(re.compile(re.escape(portal.url("/konto/logga-in/")) + r"\?next=/aviseringar/$"))
    expect(page.get_by_text("Ansökan återförvisad för komplettering")).to_have_count(0)
    assert_accessible(page)


def test_it_refuses_the_retry_page_to_someone_who_does_not_operate_the_portal(portal, demo):
    message = OutboxMessage.objects.create(
        key="email:test", kind=OutboxKind.EMAIL, payload={"email": 1}, failed_at=timezone.now(), attempts=6
    )
    page = portal.log_in("leader")

    response = page.goto(portal.url(f"/admin/outbox/outboxmessage/{message.pk}/forsok-igen/"))

    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Du saknar behörighet till den här sidan")
    assert_accessible(page)
    message.refresh_from_db()
    assert message.failed_at is not None


def test_it_lets_the_project_leader_retry_failed_background_work(portal, demo):
    leader = demo.person("leader")
    email = Email.objects.create(
        key="test:retry",
        recipient=leader,
        to=leader.email,
        subject="SIM-portalen: Ansökan återförvisad för komplettering",
        text="Ansökan är återförvisad.",
        html="<p>Ansökan är återförvisad.</p>",
    )
    message = OutboxMessage.objects.create(
        key="email:test",
        kind=OutboxKind.EMAIL,
        payload={"email": email.pk},
        failed_at=timezone.now(),
        attempts=6,
        last_error="SMTPDataError: 451 4.3.0 Tillfälligt fel, försök igen senare",
    )
    mail.outbox.clear()
    page = portal.log_in("project_leader")

    # The admin's list of failed work (the Django admin: axe is not run on its pages).
    portal.open("/admin/outbox/outboxmessage/?lage=failed")
    row = page.get_by_role("row").filter(has_text="email:test")
    expect(row).to_contain_text("Misslyckat")
    expect(row).to_contain_text("SMTPDataError: 451")
    row.get_by_role("link", name="Försök igen").click()

    # The confirmation page says what failed and how often.
    expect(page).to_have_url(portal.url(f"/admin/outbox/outboxmessage/{message.pk}/forsok-igen/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Försök igen: email:test")
    expect(page.locator("#content")).to_contain_text("SMTPDataError: 451")
    page.get_by_role("button", name="Försök igen").click()

    expect(page).to_have_url(portal.url("/admin/outbox/outboxmessage/?lage=failed"))
    expect(page.locator(".messagelist")).to_contain_text("Arbetet lämnas över till Celery igen.")
    # Celery runs in-process here: the retry sends the e-mail at once, so nothing is failed any more.
    expect(page.get_by_role("row").filter(has_text="email:test")).to_have_count(0)

    message.refresh_from_db()
    assert message.failed_at is None
    assert message.attempts == 0
    assert message.done_at is not None
    email.refresh_from_db()
    assert email.sent_at is not None
    assert [sent.subject for sent in mail.outbox] == [email.subject]
    assert mail.outbox[0].to == [leader.email]
