"""Texts drawn from the partnership: the portal names no partnership, sub-region, track or age
span in its code. The page footer, the start page's age span, every e-mail footer and the
accessibility statement's contact come from the partnership, its call and its project leader."""

import datetime
import re
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from applications import services
from notifications.models import Notification
from partnership import selectors
from partnership.models import Partnership
from tests.factories import submitted_application

PROJECT = Path(__file__).resolve().parents[1]
HARD_CODED = re.compile(r"Fyrbodal|spår\s*2|\b0\s*[–-]\s*12\b", re.IGNORECASE)
# Data may name them: the demo's seed, the region's reference data, migrations, translations, tests.
DATA = (
    "partnership/management/commands/seed_demo.py",
    "applications/management/commands/seed_demo_applications.py",
    "partnership/reference.py",
)


def code_and_templates() -> list[Path]:
    files = list((PROJECT / "templates").rglob("*.html")) + list((PROJECT / "templates").rglob("*.txt"))
    for app in ("simportal", "outbox", "partnership", "applications", "reviews", "decisions", "notifications"):
        files += [p for p in (PROJECT / app).rglob("*.py") if "migrations" not in p.parts]
    return [p for p in files if str(p.relative_to(PROJECT)) not in DATA]


def test_no_template_or_module_names_fyrbodal_the_track_or_its_ages():
    found = []
    for path in code_and_templates():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if HARD_CODED.search(line):
                found.append(f"{path.relative_to(PROJECT)}:{number}: {line.strip()[:100]}")
    assert found == [], "Hard-coded texts that belong to the partnership's data:\n" + "\n".join(found)


def test_the_guard_would_see_a_hard_coded_text():
    assert HARD_CODED.search("barn 0–12 år")
    assert HARD_CODED.search("SIM spår 2")
    assert HARD_CODED.search("fyrbodal")
    assert not HARD_CODED.search("barn 0–15 år")
    assert not HARD_CODED.search("2012-03-01")


# --- the page footer ------------------------------------------------------------------------


def footer(html: str) -> str:
    return re.search(r'<footer class="site-footer">(.*?)</footer>', html, re.S).group(1)


def test_it_names_the_persons_own_partnership_in_the_footer(demo_region, as_persona, client):
    fyrbodal = Partnership.objects.get(short_name="SIM spår 2 Fyrbodal")
    region_wide = Partnership.objects.get(short_name="SIM Västra Götaland")
    html = footer(as_persona("leader").get(reverse("home")).content.decode())
    assert fyrbodal.name in html
    assert fyrbodal.parties in html
    assert region_wide.name not in html
    client.force_login(demo_region.person("leader"))
    html = footer(client.get(reverse("home")).content.decode())
    assert region_wide.name in html
    assert "hela Västra Götaland" in html
    assert fyrbodal.name not in html


def test_it_names_the_regions_sim_work_in_the_footer_of_public_pages_and_region_bodies(demo, client, as_persona):
    for response in (client.get(reverse("home")), as_persona("secretariat").get(reverse("home"))):
        html = footer(response.content.decode())
        assert "Sociala investeringsmedel (SIM): regionen och kommunerna gör tidiga insatser" in html
        assert "Fyrbodal" not in html


def test_it_names_every_partnership_of_a_person_in_two(demo_region, demo, client):
    from partnership.models import Body, MembershipRole
    from tests.factories import MembershipFactory

    person = demo.person("koncernkontoret")  # adjunct to both steering groups
    assert {p.short_name for p in selectors.partnerships_of(person)} == {"SIM spår 2 Fyrbodal", "SIM Västra Götaland"}
    leader = demo.person("leader")
    MembershipFactory(
        person=leader,
        body=Body.objects.get(name="Lokal SIM-arbetsgrupp Borås"),
        role=MembershipRole.MEMBER,
        starts_on=datetime.date(2020, 1, 1),
    )
    client.force_login(leader)
    html = footer(client.get(reverse("home")).content.decode())
    assert "SIM Västra Götaland, hela regionen" in html
    assert "partnerskapssatsning i Fyrbodal" in html


# --- the footer of a page about a partnership ------------------------------------------------

GENERAL = "Sociala investeringsmedel (SIM): regionen och kommunerna gör tidiga insatser"


def footer_of(request) -> dict:
    from partnership.context_processors import navigation

    return {"partnerships": list(navigation(request)["site_footer"]["partnerships"])}


def test_the_footer_names_the_partnership_a_page_says_it_is_about(demo_region, rf):
    from partnership.footer import page_about

    fyrbodal = Partnership.objects.get(short_name="SIM spår 2 Fyrbodal")
    region_wide = Partnership.objects.get(short_name="SIM Västra Götaland")
    request = rf.get("/")
    request.user = demo_region.person("leader")  # of Borås, in the region-wide partnership
    assert footer_of(request)["partnerships"] == [region_wide]
    page_about(request, fyrbodal)
    assert footer_of(request)["partnerships"] == [fyrbodal]
    page_about(request, region_wide, fyrbodal, region_wide)
    assert footer_of(request)["partnerships"] == sorted([fyrbodal, region_wide], key=lambda p: p.name)
    page_about(request)
    assert footer_of(request)["partnerships"] == []


def test_the_footer_of_an_anonymous_visitor_names_what_the_page_is_about(demo_region, rf):
    from django.contrib.auth.models import AnonymousUser

    from partnership.footer import page_about

    region_wide = Partnership.objects.get(short_name="SIM Västra Götaland")
    request = rf.get("/")
    request.user = AnonymousUser()
    assert footer_of(request)["partnerships"] == []
    page_about(request, region_wide)
    assert footer_of(request)["partnerships"] == [region_wide]


@pytest.fixture
def granted_in_the_region(demo_region):
    from tests.factories import decided_through_services, recommended_through_services

    granted, _meeting = recommended_through_services(
        call=demo_region.call(), working_group=demo_region.working_group("Borås"), title="Läslust i Borås"
    )
    decided_through_services(granted, secretariat=demo_region.person("secretariat"), outcome="approved")
    return granted


def test_an_investments_page_names_its_partnership_not_the_readers(granted_in_the_region, demo, client):
    fyrbodal = Partnership.objects.get(short_name="SIM spår 2 Fyrbodal")
    region_wide = granted_in_the_region.call.partnership
    assert region_wide.short_name == "SIM Västra Götaland"
    url = reverse("portfolio:detail", args=[granted_in_the_region.pk])
    for reader in (None, demo.person("leader")):  # anonymous, and the group leader of Uddevalla (Fyrbodal)
        if reader is not None:
            client.force_login(reader)
        html = footer(client.get(url).content.decode())
        assert region_wide.name in html
        assert region_wide.parties in html
        assert fyrbodal.name not in html
        assert GENERAL not in html


def test_an_imported_investment_names_the_regions_archive_partnership(demo, client):
    from applications.importers import PARTNERSHIP_NAME
    from tests.factories import imported_investments

    (imported,) = imported_investments({"title": "Närvaroteamet"})
    html = footer(client.get(reverse("portfolio:detail", args=[imported.pk])).content.decode())
    assert PARTNERSHIP_NAME in html
    assert "Fyrbodal" not in html


def test_a_calls_page_names_the_calls_partnership(demo_region, as_persona):
    fyrbodal = Partnership.objects.get(short_name="SIM spår 2 Fyrbodal")
    region_wide = Partnership.objects.get(short_name="SIM Västra Götaland")
    client = as_persona("leader")  # of Uddevalla, in Fyrbodal
    html = footer(client.get(reverse("partnership:call_detail", args=[demo_region.call().pk])).content.decode())
    assert region_wide.name in html
    assert fyrbodal.name not in html
    html = footer(client.get(reverse("partnership:call_detail", args=[demo_region.call_2017().pk])).content.decode())
    assert fyrbodal.name in html
    assert region_wide.name not in html


def test_pages_about_every_partnership_name_the_regions_sim_work(granted_in_the_region, as_persona, client):
    pages = [reverse("portfolio:list"), reverse("partnership:call_list"), reverse("partnership:who_is_who")]
    logged_in = as_persona("leader")  # of Uddevalla, whose own pages name Fyrbodal
    assert "Fyrbodal" in footer(logged_in.get(reverse("home")).content.decode())
    for url in pages:
        html = footer(logged_in.get(url).content.decode())
        assert GENERAL in html, url
        assert "Fyrbodal" not in html, url
        assert "SIM Västra Götaland" not in html, url
    client.logout()
    html = footer(client.get(reverse("portfolio:list")).content.decode())
    assert GENERAL in html


# --- the start page's age span ------------------------------------------------------------------


def test_it_shows_each_partnerships_area_and_age_span_on_the_start_page(demo_region, client):
    html = client.get(reverse("home")).content.decode()
    assert "insatser för barn 0–12 år i kommunerna i Fyrbodal" in html
    assert "insatser för barn 0–15 år i hela Västra Götalandsregionen" in html


def test_it_takes_the_age_span_from_the_partnership(demo, client):
    Partnership.objects.filter(short_name="SIM spår 2 Fyrbodal").update(target_age_max=14)
    html = client.get(reverse("home")).content.decode()
    assert "barn 0–14 år" in html
    assert "0–12" not in html


# --- the accessibility statement ---------------------------------------------------------------


def test_it_sends_a_person_to_each_partnerships_project_leader(demo_region, client):
    html = client.get(reverse("accessibility")).content.decode()
    # The project leader's organisation comes from their membership.
    assert "projektledaren för SIM spår 2 Fyrbodal i Vårdsamverkan Fyrbodal" in html
    assert "projektledaren för SIM Västra Götaland i Västra Götalandsregionen" in html
    assert 'href="mailto:projektledare@demo.simportal.local"' in html
    assert 'href="mailto:projektledare-vg@demo.simportal.local"' in html


# --- the e-mail footers -----------------------------------------------------------------------------


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def test_it_tells_the_recipient_their_role_in_that_partnership(demo_region, deliver, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    mail.outbox = []
    group = demo_region.working_group("Borås")
    deliver(lambda: submitted_application(call=demo_region.call(), working_group=group))
    to_leader = next(m for m in mail.outbox if m.to == [demo_region.person("project_leader").email])
    assert "du har en roll i Sociala investeringsmedel – SIM Västra Götaland, hela regionen" in to_leader.body
    assert "projektledare i Styrgrupp SIM Västra Götaland" in to_leader.body
    assert "Fyrbodal" not in to_leader.body
    assert "spår 2" not in to_leader.body
    html = to_leader.alternatives[0][0]
    assert "projektledare i Styrgrupp SIM Västra Götaland" in html
    notification = Notification.objects.get(recipient=demo_region.person("project_leader"), event="submitted")
    assert notification.partnership.short_name == "SIM Västra Götaland"


def test_it_names_koncernkontorets_roles_in_the_partnership_of_the_event(demo_region, demo, deliver, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    mail.outbox = []
    deliver(lambda: submitted_application(call=demo.call(), working_group=demo.working_group("Uddevalla")))
    to_kk = next(m for m in mail.outbox if m.to == [demo.person("koncernkontoret").email])
    assert "adjungerad (utan rösträtt) i Styrgrupp SIM spår 2 Fyrbodal" in to_kk.body
    assert "Styrgrupp SIM Västra Götaland" not in to_kk.body
    assert "ledamot i Koncernkontoret VGR" in to_kk.body


def test_it_tells_the_roles_of_a_digest_per_partnership(demo_region, demo, deliver, settings):
    from notifications.models import Delivery, Preference
    from notifications.services import digests_send

    settings.CELERY_TASK_ALWAYS_EAGER = True
    person = demo.person("koncernkontoret")
    Preference.objects.create(person=person, event="submitted", delivery=Delivery.DIGEST)
    deliver(lambda: submitted_application(call=demo.call(), working_group=demo.working_group("Uddevalla")))
    deliver(lambda: submitted_application(call=demo_region.call(), working_group=demo_region.working_group("Borås")))
    mail.outbox = []
    deliver(digests_send)
    digest = next(m for m in mail.outbox if m.to == [person.email])
    assert "en roll i Sociala investeringsmedel spår 2 – partnerskapssatsning i Fyrbodal" in digest.body
    assert "en roll i Sociala investeringsmedel – SIM Västra Götaland, hela regionen" in digest.body


def test_it_keeps_applications_in_their_own_partnership(demo_region, deliver):
    """The region-wide group applies to its own call; the rules of the call hold unchanged."""
    application = deliver(
        lambda: submitted_application(call=demo_region.call(), working_group=demo_region.working_group("Borås"))
    )
    assert application.call.partnership.sub_region is None
    assert services is not None
