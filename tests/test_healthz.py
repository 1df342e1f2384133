import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_answers_200_when_the_database_answers(client, settings):
    settings.REDIS_URL = ""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": True,
        "redis": None,
        "background_work": {"waiting": 0, "overdue": 0, "failed": 0, "oldest_waiting_seconds": 0},
    }


def test_it_says_when_redis_does_not_answer(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["redis"] is False


def test_it_says_when_redis_answers(client, settings):
    import os

    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("needs Redis: set REDIS_URL (CI always does)")
    settings.REDIS_URL = url
    assert client.get(reverse("healthz")).json()["redis"] is True


def test_it_answers_503_when_the_database_does_not(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("database is down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] is False


def test_it_needs_no_login(client):
    assert client.get(reverse("healthz")).status_code == 200


@pytest.mark.django_db
def test_it_reports_waiting_and_failed_background_work(client):
    import datetime

    from django.utils import timezone

    from outbox.models import OutboxMessage

    long_ago = timezone.now() - datetime.timedelta(minutes=10)
    OutboxMessage.objects.create(key="a", kind="email", created_at=long_ago, next_attempt_at=long_ago)
    OutboxMessage.objects.create(key="b", kind="email", failed_at=timezone.now(), attempts=6)
    OutboxMessage.objects.create(key="c", kind="email", done_at=timezone.now())

    work = client.get(reverse("healthz")).json()["background_work"]

    assert work["waiting"] == 1
    assert work["overdue"] == 1
    assert work["failed"] == 1
    assert work["oldest_waiting_seconds"] >= 600
