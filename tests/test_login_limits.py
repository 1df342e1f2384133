"""Login and password links that cannot be abused: lockout per account and per address, the
client's address only from a trusted proxy, a limit on password e-mails, over-long usernames."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnership.models import User
from simportal.accounts import client_address, password_mail_answer

SITE = {"domain": "testserver", "site_name": "SIM-portalen", "protocol": "https", "language": "sv"}

pytestmark = pytest.mark.django_db

LOCKED = "För många misslyckade inloggningar"


def log_in(client, username: str, password: str, address: str = "192.0.2.10", **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


@pytest.fixture
def many_accounts(demo):
    names = [f"person-{n}" for n in range(6)]
    for name in names:
        User.objects.create_user(name, email=f"{name}@example.se", password="Ratt-losenord-2026")
    return names


def test_it_locks_an_address_that_guesses_four_times_at_each_of_many_accounts(client, many_accounts, demo):
    for name in many_accounts[:5]:
        for _ in range(4):
            log_in(client, name, "gissning")

    response = log_in(client, many_accounts[5], "Ratt-losenord-2026")

    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Someone at another address is not affected.
    assert log_in(client, many_accounts[5], "Ratt-losenord-2026", address="198.51.100.7").status_code == 302


def test_it_locks_an_account_that_is_guessed_at_from_many_addresses(client, demo):
    for number in range(5):
        log_in(client, "projektledare", "gissning", address=f"203.0.113.{number + 1}")

    response = log_in(client, "projektledare", demo.password, address="198.51.100.99")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_does_not_let_ones_own_login_wipe_out_what_the_address_tried_elsewhere(client, many_accounts, demo):
    for name in many_accounts[:4]:
        for _ in range(4):
            log_in(client, name, "gissning")
    assert log_in(client, many_accounts[5], "Ratt-losenord-2026").status_code == 302
    client.logout()
    for _ in range(4):
        log_in(client, many_accounts[4], "gissning")

    assert log_in(client, "sekretariat", demo.password).status_code == 429


def test_it_ignores_x_forwarded_for_without_a_trusted_proxy(client, demo):
    # Behind no configured proxy, a guesser who sends the header cannot lock anyone at another address.
    for _ in range(20):
        log_in(client, "gissa", "gissning", address="192.0.2.66", HTTP_X_FORWARDED_FOR="198.51.100.1")

    assert log_in(client, "sekretariat", demo.password, address="198.51.100.1").status_code == 302


def test_it_reads_the_client_from_x_forwarded_for_only_when_the_proxy_is_trusted(client, demo, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    for number in range(20):
        log_in(
            client,
            f"gissa-{number}",
            "gissning",
            address="10.0.0.5",
            HTTP_X_FORWARDED_FOR="198.51.100.1, 192.0.2.66",  # the first entry is the guesser's own invention
        )

    colleague = log_in(client, "sekretariat", demo.password, address="10.0.0.5", HTTP_X_FORWARDED_FOR="192.0.2.77")
    client.logout()
    guesser = log_in(client, "projektledare", demo.password, address="10.0.0.5", HTTP_X_FORWARDED_FOR="192.0.2.66")

    assert colleague.status_code == 302
    assert guesser.status_code == 429


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("192.0.2.1", "198.51.100.1", [], "192.0.2.1"),
        ("192.0.2.1", "198.51.100.1", ["10.0.0.0/8"], "192.0.2.1"),  # not from the proxy: the header is ignored
        ("10.0.0.5", "198.51.100.1", ["10.0.0.0/8"], "198.51.100.1"),
        ("10.0.0.5", "6.6.6.6, 198.51.100.1, 10.0.0.9", ["10.0.0.0/8"], "198.51.100.1"),
        ("10.0.0.5", "nonsense, 198.51.100.1", ["10.0.0.0/8"], "198.51.100.1"),
        ("10.0.0.5", "", ["10.0.0.5"], "10.0.0.5"),
    ],
)
def test_it_finds_the_client_address(rf, settings, remote, forwarded, trusted, expected):
    settings.TRUSTED_PROXIES = trusted
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_it_refuses_an_over_long_username_as_a_form_error(client, demo):
    response = log_in(client, "a" * 256, "gissning")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Användarnamnet kan vara högst 150 tecken. Kontrollera vad du skrev." in html
    assert 'id="error-summary"' in html


def test_it_refuses_an_over_long_address_on_the_reset_form(client, demo):
    response = client.post(reverse("password_reset"), {"email": "a" * 300 + "@example.se"})
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    assert mail.outbox == []


def test_it_sends_at_most_three_reset_mails_an_hour_to_one_person(client, demo, django_capture_on_commit_callbacks):
    answers = set()
    for number in range(30):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("password_reset"),
                {"email": "gruppledare-uddevalla@demo.simportal.local"},
                REMOTE_ADDR=f"203.0.113.{number + 1}",
            )
        answers.add((response.status_code, response.url))

    assert len(mail.outbox) == 3
    assert answers == {(302, reverse("password_reset_done"))}


def test_it_takes_at_most_ten_reset_requests_an_hour_from_one_address(client, demo, django_capture_on_commit_callbacks):
    people = [User.objects.create_user(f"p{n}", email=f"p{n}@example.se", password="x-2026-langt") for n in range(12)]
    for person in people:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("password_reset"), {"email": person.email}, REMOTE_ADDR="192.0.2.50")
        assert response.url == reverse("password_reset_done")

    assert len(mail.outbox) == 10
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": people[-1].email}, REMOTE_ADDR="192.0.2.51")
    assert len(mail.outbox) == 11


def test_it_answers_forgot_password_with_the_same_work_whatever_the_address(client, demo):
    """The time of the answer tells nothing: the request makes the same queries, and none about
    accounts, for an account with a password, one without, an unknown address and an account
    over its limit (``scripts/bench-password-reset`` measures the time itself)."""
    User.objects.create_user("utan-losenord", email="utan@example.se")
    over = User.objects.create_user("over", email="over@example.se", password="x-2026-langt")
    for _ in range(3):
        password_mail_answer(email=over.email, address="192.0.2.90", site=SITE)
    cases = ["gruppledare-uddevalla@demo.simportal.local", "utan@example.se", "finns-inte@example.se", over.email]
    shapes = []
    for number, email in enumerate(cases):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=f"198.51.100.{number}")
        assert response.url == reverse("password_reset_done")
        tables = [q["sql"].split(" FROM ")[-1].split()[0] for q in queries if q["sql"].startswith("SELECT")]
        shapes.append((len(queries), tables))
        assert not any("partnership_user" in q["sql"] or "accountmailrequest" in q["sql"] for q in queries)

    assert len(set(map(repr, shapes))) == 1, shapes


def test_it_counts_resent_invitations_in_the_limit_for_one_person(as_persona, demo, django_capture_on_commit_callbacks):
    newcomer = User.objects.create_user("ny", email="ny@example.se")
    admin = as_persona("project_leader")
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            response = admin.post(reverse("admin:partnership_user_invite", args=[newcomer.pk]), follow=True)
    assert len(mail.outbox) == 3
    assert "Ingen inbjudan skickades till ny@example.se" in response.content.decode()


@pytest.mark.postgres
def test_it_sends_at_most_three_mails_for_thirty_simultaneous_requests(transactional_db, demo):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections
    from django.test import Client

    from partnership.models import AccountMailRequest

    def request(number: int) -> int:
        try:
            response = Client().post(
                reverse("password_reset"),
                {"email": "gruppledare-uddevalla@demo.simportal.local"},
                REMOTE_ADDR=f"203.0.113.{number + 1}",
            )
            return response.status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(request, range(30)))

    assert answers == [302] * 30
    assert AccountMailRequest.objects.filter(sent=True).count() == 3
    assert len(mail.outbox) == 3
