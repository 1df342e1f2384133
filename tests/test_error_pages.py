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


@pytest.fixture
def draft(demo):
    from applications import services

    return services.application_create(
        call=demo.call(), working_group=demo.working_group("Uddevalla"), title="Stor bilaga", by=demo.person("leader")
    )


def test_it_explains_an_upload_larger_than_the_portal_reads(as_persona, draft, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MAX_REQUEST_BYTES = 10_000
    page = reverse("applications:attachments", args=[draft.pk])
    response = as_persona("member").post(
        page,
        {"file": SimpleUploadedFile("stor.pdf", b"%PDF-" + b"0" * 20_000)},
        HTTP_REFERER=f"http://testserver{page}",
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert "Det du skickade är för stort" in html
    assert "Ingenting av det du skickade har sparats" in html
    assert f'href="http://testserver{page}"' in html
    assert response.has_header("Content-Security-Policy")
    assert not draft.attachments.exists()


def test_it_explains_a_form_larger_than_django_reads(as_persona, draft, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    page = reverse("applications:section", args=[draft.pk, "purpose"])
    response = as_persona("member").post(
        page, {"version": 0, "purpose": "Lång text. " * 500, "problem": ""}, HTTP_REFERER="https://example.com/"
    )
    assert response.status_code == 413  # a bare 400 "Bad Request" before
    html = response.content.decode()
    assert "Det du skickade är för stort" in html
    assert "example.com" not in html  # only a link back into the portal
    draft.refresh_from_db()
    assert draft.purpose == ""
