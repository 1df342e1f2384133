"""The accessibility statement (/tillganglighet/), in the parts DIGG's model asks for."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def statement(client) -> str:
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, heading: str) -> str:
    """The text of the section under an h2, up to the next one."""
    match = re.search(rf"<h2[^>]*>{re.escape(heading)}</h2>(.*?)(?=<h2|</main>)", html, re.S)
    assert match, f"no section “{heading}”"
    return match.group(1)


def test_it_is_public(client):
    statement(client)


def test_it_states_how_far_the_portal_complies(client):
    status = section(statement(client), "Hur tillgänglig är portalen?")
    assert "delvis förenlig med lagen om tillgänglighet till digital offentlig service" in status
    assert "WCAG 2.1 nivå AA" in status


def test_it_lists_the_known_gaps(client):
    gaps = section(statement(client), "Innehåll som inte är tillgängligt")
    assert "PDF/UA" in gaps
    assert "/admin/" in gaps
    assert len(re.findall(r"<li>", gaps)) >= 3


def test_it_tells_how_to_report_a_problem_to_the_configured_address(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "sim@fyrbodal.example"
    report = section(statement(client), "Rapportera brister")
    assert '<a href="mailto:sim@fyrbodal.example">sim@fyrbodal.example</a>' in report


def test_it_has_a_default_contact_address(client):
    assert 'href="mailto:tillganglighet@simportal.local"' in statement(client)


def test_it_links_digg_for_supervision(client):
    supervision = section(statement(client), "Tillsyn")
    assert 'href="https://www.digg.se/tdosanmalan"' in supervision
    assert "Myndigheten för digital förvaltning" in supervision


def test_it_says_how_it_was_made_and_when_it_was_last_reviewed(client):
    method = section(statement(client), "Hur vi testat portalen")
    assert "självskattning" in method
    assert "axe-core" in method
    assert '<time datetime="2026-12-01" id="reviewed-on">2026-12-01</time>' in method
