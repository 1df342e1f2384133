import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_explains_a_refusal_in_swedish(as_persona):
    response = as_persona("leader").get(reverse("admin:index"))
    assert response.status_code == 403
    assert "Du saknar behörighet till den här sidan" in response.content.decode()


def test_it_explains_a_missing_page_in_swedish(as_persona):
    response = as_persona("leader").get("/finns-inte/")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()


def test_it_shows_a_calm_page_when_the_server_fails(demo, settings, monkeypatch):
    def broken(request):
        raise RuntimeError("boom")

    monkeypatch.setattr("simportal.views.render", lambda *a, **k: broken(None))
    client = Client(raise_request_exception=False)
    response = client.get(reverse("home"))
    assert response.status_code == 500
    assert "Något gick fel hos oss" in response.content.decode()
