"""Invitations: a new person chooses their own password through a one-time link that lasts 72 hours."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from outbox.models import OutboxMessage
from partnership.management.commands.seed_demo import PEOPLE
from partnership.models import Membership, User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Dalsland-i-vinterljus-2027"
INVITATION_LINK = re.compile(r"http://testserver(/konto/inbjudan/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def invite(as_persona, django_capture_on_commit_callbacks):
    """The project leader creates a person in the admin; returns the new person."""

    def create(username: str = "nina-ny", email: str = "nina.ny@example.se") -> User:
        client = as_persona("project_leader")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("admin:partnership_user_add"),
                {"username": username, "first_name": "Nina", "last_name": "Ny", "email": email},
            )
        assert response.status_code == 302, response.content.decode()[:3000]
        return User.objects.get(username=username)

    return create


def link_in(message) -> str:
    found = INVITATION_LINK.search(message.body)
    assert found, message.body
    return found.group(1)


def without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def choose_password(client, link: str, password: str = NEW_PASSWORD):
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    if "Länken fungerar inte längre" in form_page.content.decode():
        return form_page
    return client.post(form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})


def test_it_invites_a_new_person_who_chooses_their_own_password(invite, client):
    person = invite()

    assert not person.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nina.ny@example.se"]
    assert message.subject == "Välkommen till SIM-portalen – välj ditt lösenord"
    assert "Länken gäller i 72 timmar och kan användas en gång." in message.body
    assert "Ditt användarnamn är: nina-ny" in message.body
    queued = OutboxMessage.objects.get(kind="invitation")
    assert link_in(message).split("/")[-2] not in str(queued.payload)  # the token is never stored

    client.logout()
    done = choose_password(client, link_in(message))
    assert done.status_code == 302
    assert client.post(reverse("login"), {"username": "nina-ny", "password": NEW_PASSWORD}).status_code == 302


def test_it_uses_the_link_only_once(invite, client):
    person = invite()
    link = link_in(mail.outbox[0])
    client.logout()
    choose_password(client, link)
    client.logout()

    again = choose_password(client, link, "Ett-annat-losenord-2027")

    assert "Länken fungerar inte längre" in again.content.decode()
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)


@pytest.mark.parametrize(("hours", "works"), [(71.9, True), (72.1, False)])
def test_it_lets_the_link_work_for_72_hours_whatever_the_reset_timeout(invite, client, settings, hours, works):
    settings.PASSWORD_RESET_TIMEOUT = 60 * 60  # reset links last an hour; invitations are not bound by it
    person = invite()
    link = link_in(mail.outbox[0])
    client.logout()

    with time_machine.travel(timezone.localtime() + datetime.timedelta(hours=hours), tick=False):
        response = choose_password(client, link)

    person.refresh_from_db()
    assert person.has_usable_password() is works
    if not works:
        html = response.content.decode()
        assert "Länken fungerar inte längre – den har redan använts eller är äldre än 72 timmar." in html
        assert "Beställ en ny inbjudan" in html


def test_it_sends_the_invitation_again_from_the_persons_admin_page(
    invite, as_persona, client, demo, django_capture_on_commit_callbacks
):
    person = invite()
    first = link_in(mail.outbox[0])
    page = as_persona("project_leader").get(reverse("admin:partnership_user_change", args=[person.pk]))
    assert "Skicka inbjudan igen" in page.content.decode()

    with time_machine.travel(timezone.localtime() + datetime.timedelta(hours=73), tick=False):
        admin = as_persona("project_leader")
        with django_capture_on_commit_callbacks(execute=True):
            response = admin.post(reverse("admin:partnership_user_invite", args=[person.pk]), follow=True)
        assert "En inbjudan att välja lösenord skickas till nina.ny@example.se." in response.content.decode()
        assert len(mail.outbox) == 2
        second = link_in(mail.outbox[1])
        client.logout()
        assert "Länken fungerar inte längre" in choose_password(client, first).content.decode()
        assert choose_password(client, second).status_code == 302

    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)


def test_it_resends_to_several_people_with_the_list_action(invite, as_persona, django_capture_on_commit_callbacks):
    first, second = invite("nina-ny"), invite("olle-ny", "olle.ny@example.se")
    with django_capture_on_commit_callbacks(execute=True):
        response = as_persona("project_leader").post(
            reverse("admin:partnership_user_changelist"),
            {"action": "resend_invitations", "_selected_action": [first.pk, second.pk]},
            follow=True,
        )
    assert response.status_code == 200
    assert sorted(m.to[0] for m in mail.outbox[2:]) == ["nina.ny@example.se", "olle.ny@example.se"]


def test_it_does_not_resend_an_invitation_to_someone_who_has_chosen_a_password(as_persona, demo):
    member = demo.person("member")
    response = as_persona("project_leader").post(
        reverse("admin:partnership_user_invite", args=[member.pk]), follow=True
    )
    assert "har redan valt ett lösenord" in response.content.decode()
    assert mail.outbox == []


def test_it_refuses_resending_an_invitation_to_someone_the_administrator_may_not_change(as_persona, demo):
    clerk = demo.person("secretariat")
    clerk.set_unusable_password()
    clerk.save()
    response = as_persona("project_leader").post(reverse("admin:partnership_user_invite", args=[clerk.pk]))
    assert response.status_code == 404  # out of the project leader's reach: not even shown
    assert mail.outbox == []


def test_it_answers_forgot_password_for_a_never_set_password_with_a_fresh_invitation(
    invite, client, django_capture_on_commit_callbacks
):
    invite()
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        never_set = client.post(reverse("password_reset"), {"email": "nina.ny@example.se"}, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        with_password = client.post(
            reverse("password_reset"), {"email": "gruppledare-uddevalla@demo.simportal.local"}, follow=True
        )

    assert never_set.redirect_chain == with_password.redirect_chain
    assert without_csrf(never_set) == without_csrf(with_password)
    assert [m.subject for m in mail.outbox[1:]] == [
        "Välkommen till SIM-portalen – välj ditt lösenord",
        "Nytt lösenord till SIM-portalen",
    ]
    assert choose_password(client, link_in(mail.outbox[1])).status_code == 302


def test_it_lets_every_demo_person_log_in_with_the_demo_password(client, settings):
    settings.DEBUG = True
    call_command("seed_demo", "--quiet")
    with_memberships = set(Membership.objects.values_list("person__username", flat=True))
    assert {"styrgrupp-narhalsan", "styrgrupp-capio", "styrgrupp-soc2", "styrgrupp-utb1"} <= with_memberships
    for username, *_rest in PEOPLE:
        response = client.post(reverse("login"), {"username": username, "password": "sim-demo-2026"})
        assert response.status_code == 302, f"{username} cannot log in with the demo password"
        client.logout()
