"""The partnership's structure and its calls, as a steering member reads them."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partnership.management.commands.seed_demo import PARTS
from partnership.models import Membership
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser


def test_it_shows_who_is_who_with_current_members_only(portal, demo):
    ended = Membership.objects.get(person=demo.person("member"), body=demo.working_group("Uddevalla"))
    ended.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    ended.save()
    page = portal.log_in("steering_member")

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Vem är vem", exact=True).click()

    expect(page).to_have_url(portal.url("/vem-ar-vem/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Vem är vem")
    steering = page.get_by_role("article", name="Styrgrupp SIM spår 2 Fyrbodal", exact=True)
    expect(steering).to_contain_text("Anders Holm, ordförande")

    for _number, name, _description, municipalities in PARTS:
        part = page.locator(".card").filter(has=page.get_by_role("heading", name=name, exact=True))
        expect(part).to_have_count(1)
        for municipality in municipalities:
            expect(part).to_contain_text(municipality)

    uddevalla = page.get_by_role("article", name="Lokal SIM-arbetsgrupp Uddevalla", exact=True)
    expect(uddevalla).to_contain_text("Utsedd av Lokal närsjukvårdsgrupp Uddevalla 2017-08-28")
    expect(uddevalla).to_contain_text("Eugenia Strand, arbetsgruppsledare")
    expect(uddevalla).not_to_contain_text("Ali Hassan")
    expect(page.get_by_text("Ali Hassan")).to_have_count(0)
    assert_accessible(page)


def test_it_shows_the_open_call_with_its_deadline_and_budget(portal, demo):
    call = demo.call()
    deadline = f"{timezone.localtime(call.deadline):%Y-%m-%d} 12:00"
    page = portal.log_in("steering_member")

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Utlysningar", exact=True).click()

    expect(page).to_have_url(portal.url("/utlysningar/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Utlysningar")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=call.name, exact=True))
    expect(row).to_contain_text(deadline)
    expect(row).to_contain_text("9 000 000 kr")
    assert_accessible(page)

    row.get_by_role("link", name=call.name, exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(call.name)
    expect(page.get_by_role("listitem").filter(has_text="sista dag för ansökan")).to_have_text(
        f"{deadline} – sista dag för ansökan"
    )
    expect(page.locator("dt:text-is('Öronmärkt budget') + dd")).to_have_text("9 000 000 kr")
    assert_accessible(page)
