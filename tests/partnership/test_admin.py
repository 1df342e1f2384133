"""The admin, as the administrators of the structure use it."""

import pytest
from django.core import mail
from django.urls import reverse

from partnership.models import Body, Membership, User

pytestmark = pytest.mark.django_db


def test_it_lets_the_project_leader_create_a_person_who_is_invited(as_persona, django_capture_on_commit_callbacks):
    client = as_persona("project_leader")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:partnership_user_add"),
            {
                "username": "ny-ledamot",
                "first_name": "Nina",
                "last_name": "Ny",
                "email": "nina.ny@example.se",
                "usable_password": "true",
                "password1": "Satt-av-projektledaren-1",
                "password2": "Satt-av-projektledaren-1",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="ny-ledamot")
    assert not user.has_usable_password()  # they choose their own through the invitation
    assert not user.is_staff
    assert not user.is_superuser
    assert [m.to for m in mail.outbox] == [["nina.ny@example.se"]]


def test_it_asks_for_an_email_address_for_the_invitation(as_persona):
    response = as_persona("project_leader").post(
        reverse("admin:partnership_user_add"), {"username": "utan-adress", "first_name": "Utan"}
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="utan-adress").exists()


def test_it_never_offers_superuser_rights_to_the_project_leader(as_persona, demo):
    client = as_persona("project_leader")
    html = client.get(reverse("admin:partnership_user_change", args=[demo.person("member").pk])).content.decode()
    assert 'name="is_superuser"' not in html
    assert 'name="is_staff"' not in html
    assert 'name="user_permissions"' not in html


def test_it_ignores_a_forged_superuser_field(as_persona, demo):
    client = as_persona("project_leader")
    member = demo.person("member")
    response = client.post(
        reverse("admin:partnership_user_change", args=[member.pk]),
        {
            "username": member.username,
            "first_name": member.first_name,
            "last_name": member.last_name,
            "email": member.email,
            "is_active": "on",
            "is_superuser": "on",
            "is_staff": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    member.refresh_from_db()
    assert not member.is_superuser
    assert not member.is_staff


def test_it_lists_memberships_with_filters_and_search(as_persona):
    client = as_persona("project_leader")
    response = client.get(
        reverse("admin:partnership_membership_changelist"), {"q": "Strand", "body__kind__exact": "local_wg"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Eugenia Strand" in html
    assert "Eva Strand" not in html  # a steering-group member, filtered out


def test_it_refuses_an_end_date_before_the_start_in_the_admin(as_persona, demo):
    client = as_persona("project_leader")
    membership = Membership.objects.get(person=demo.person("member"))
    response = client.post(
        reverse("admin:partnership_membership_change", args=[membership.pk]),
        {
            "person": membership.person_id,
            "body": membership.body_id,
            "role": membership.role,
            "unit": membership.unit_id or "",
            "organisation": membership.organisation_id or "",
            "starts_on": membership.starts_on.isoformat(),
            "ends_on": "2017-01-01",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Slutdatum måste ligga efter startdatum." in html


def test_it_keeps_the_history_of_a_body(as_persona, demo):
    body = Body.objects.get(name="Lokal SIM-arbetsgrupp Uddevalla")
    body.description = "Nytt uppdrag"
    body.save()
    response = as_persona("project_leader").get(reverse("admin:partnership_body_history", args=[body.pk]))
    assert response.status_code == 200
    assert body.history.count() >= 2
