"""A person's page in "Vem är vem": their memberships for everyone with a role, and every change
of them (who, when, which body and role, by whom) for the administrators only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnership.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def changed_member(as_persona, demo):
    """The project leader seats a newcomer in the steering group and later ends the seat, in the admin."""
    newcomer = User.objects.create_user("ny-ledamot", first_name="Nina", last_name="Ny", email="ny@example.se")
    client = as_persona("project_leader")
    data = {
        "person": newcomer.pk,
        "body": demo.steering_group().pk,
        "role": "member",
        "unit": "",
        "organisation": "",
        "starts_on": "2026-01-01",
        "ends_on": "",
    }
    assert client.post(reverse("admin:partnership_membership_add"), data).status_code == 302
    membership = newcomer.memberships.get()
    response = client.post(
        reverse("admin:partnership_membership_change", args=[membership.pk]), {**data, "ends_on": "2030-06-30"}
    )
    assert response.status_code == 302
    return newcomer


def history_section(html: str) -> str:
    return html.split("Ändringar av uppdragen", 1)[1] if "Ändringar av uppdragen" in html else ""


@pytest.mark.parametrize("persona", ["project_leader", "secretariat"])
def test_it_shows_the_administrators_who_changed_which_membership_and_when(as_persona, changed_member, persona):
    response = as_persona(persona).get(reverse("partnership:person", args=[changed_member.pk]))
    html = response.content.decode()
    history = history_section(html)
    assert response.status_code == 200
    assert "<h1>Nina Ny</h1>" in html
    assert history.count("Sara Lindqvist") == 2  # added, then changed, by the project leader
    assert "Lades till" in history
    assert "Ändrades" in history
    assert "Styrgrupp SIM spår 2 Fyrbodal, ledamot" in history
    assert "Slutar gälla: – → 2030-06-30" in history


def test_it_shows_the_members_the_memberships_but_not_their_history(as_persona, changed_member):
    response = as_persona("steering_member").get(reverse("partnership:person", args=[changed_member.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Styrgrupp SIM spår 2 Fyrbodal" in html
    assert "Ändringar av uppdragen" not in html
    assert "Sara Lindqvist" not in html


def test_it_links_each_member_in_who_is_who_to_their_page(as_persona, demo):
    html = as_persona("member").get(reverse("partnership:who_is_who")).content.decode()
    assert reverse("partnership:person", args=[demo.person("steering_chair").pk]) in html


def test_it_hides_people_without_a_current_role_from_non_administrators(as_persona, demo):
    stranger = User.objects.create_user("utan-uppdrag", email="u@example.se")
    assert as_persona("member").get(reverse("partnership:person", args=[stranger.pk])).status_code == 404
    assert as_persona("project_leader").get(reverse("partnership:person", args=[stranger.pk])).status_code == 200


def test_it_reads_the_history_in_the_same_number_of_queries_however_long(as_persona, changed_member, demo):
    client = as_persona("project_leader")
    url = reverse("partnership:person", args=[changed_member.pk])
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    membership = changed_member.memberships.get()
    for day in range(2, 12):
        membership.ends_on = f"2030-07-{day:02d}"
        membership.save()
    with CaptureQueriesContext(connection) as long:
        response = client.get(url)
    assert history_section(response.content.decode()).count("Ändrades") == 11
    assert len(long) == len(short)
