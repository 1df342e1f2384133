"""Logging in and out, and the password: reset by e-mail, change when logged in."""

import re

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_logs_a_person_in_and_sends_them_to_their_start_page(client, demo):
    response = client.post(reverse("login"), {"username": "gruppledare-uddevalla", "password": demo.password})
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_it_tells_in_swedish_what_to_do_after_a_wrong_password(client, demo):
    response = client.post(reverse("login"), {"username": "gruppledare-uddevalla", "password": "fel"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ange ett korrekt användarnamn och lösenord" in html
    assert 'value="gruppledare-uddevalla"' in html
    assert 'id="error-summary"' in html


def test_it_refuses_a_deactivated_account(client, demo):
    leader = demo.person("leader")
    leader.is_active = False
    leader.save()
    response = client.post(reverse("login"), {"username": leader.username, "password": demo.password})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_logs_out_with_a_post(as_persona):
    client = as_persona("leader")
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_it_sends_a_reset_link_in_swedish_that_sets_a_new_password(client, demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "gruppledare-uddevalla@demo.simportal.local"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    # Sent as background work that stores no token: the link is made when the mail is sent.
    from outbox.models import OutboxMessage

    queued = OutboxMessage.objects.get(kind="password_reset")
    assert queued.done_at is not None
    token = re.search(r"/aterstall/[^/]+/([^/\s]+)/", message.body).group(1)
    assert token not in str(queued.payload)
    assert message.subject == "Nytt lösenord till SIM-portalen"
    assert "Välj ett nytt lösenord via länken nedan" in message.body
    assert message.alternatives, "the mail has an HTML part too"
    link = re.search(r"http://testserver(/konto/losenord/aterstall/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new_password = "Ny-lösen-för-2027!"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    assert (
        client.post(reverse("login"), {"username": "gruppledare-uddevalla", "password": new_password}).status_code
        == 302
    )


def test_it_does_not_reveal_whether_an_address_has_an_account(client, demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "okand@example.se"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_it_changes_the_password_of_a_logged_in_person(as_persona, demo):
    client = as_persona("member")
    new_password = "Vintern-i-Dalsland-2026"
    response = client.post(
        reverse("password_change"),
        {"old_password": demo.password, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    demo_member = demo.person("member")
    assert demo_member.check_password(new_password)


def test_it_explains_a_too_short_new_password(as_persona, demo):
    response = as_persona("member").post(
        reverse("password_change"), {"old_password": demo.password, "new_password1": "kort", "new_password2": "kort"}
    )
    assert response.status_code == 200
    assert "Det här lösenordet är för kort. Det måste innehålla minst 12 tecken." in response.content.decode()


def test_it_has_no_self_registration(client):
    for path in ["/konto/registrera/", "/signup/", "/accounts/signup/"]:
        assert client.get(path).status_code in {302, 404}
    assert "Det går inte att registrera sig själv" in client.get(reverse("login")).content.decode()


def test_it_switches_language_to_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en">' in response.content.decode()
    response = client.post(reverse("set_language"), {"language": "sv", "next": "/"}, follow=True)
    assert '<html lang="sv">' in response.content.decode()


def test_it_locks_out_a_username_after_five_wrong_passwords(client, demo):
    for _ in range(5):
        client.post(reverse("login"), {"username": "projektledare", "password": "gissning"})
    response = client.post(reverse("login"), {"username": "projektledare", "password": demo.password})
    assert response.status_code == 429
    assert "För många misslyckade inloggningar" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_lets_others_log_in_while_one_username_is_locked_out(client, demo):
    for _ in range(5):
        client.post(reverse("login"), {"username": "projektledare", "password": "gissning"})
    response = client.post(reverse("login"), {"username": "sekretariat", "password": demo.password})
    assert response.status_code == 302
