"""What a signed-in person is shown is never kept in a browser's or a proxy's cache."""

import pytest
from django.urls import reverse

from decisions import letters
from tests.applications.test_attachments import draft, stored  # noqa: F401 - fixtures
from tests.applications.test_inbox_export import applications  # noqa: F401 - a fixture
from tests.decisions.test_decision_letter import approval  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def assert_not_stored(response) -> None:
    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives


def test_it_keeps_signed_in_pages_out_of_caches(as_persona):
    assert_not_stored(as_persona("leader").get(reverse("home")))
    assert_not_stored(as_persona("project_leader").get(reverse("partnership:who_is_who")))


def test_it_keeps_attachments_out_of_caches(client, demo, stored):  # noqa: F811
    application, attachment = stored
    client.force_login(demo.person("member"))
    assert_not_stored(client.get(reverse("applications:attachment", args=[application.pk, attachment.pk])))


def test_it_keeps_exports_out_of_caches(as_persona, applications):  # noqa: F811
    client = as_persona("project_leader")
    assert_not_stored(client.get(reverse("inbox:export"), {"format": "csv"}))
    assert_not_stored(client.get(reverse("inbox:export"), {"format": "xlsx"}))


def test_it_keeps_decision_letters_out_of_caches(as_persona, approval):  # noqa: F811
    letters.letter_store(approval.pk)
    assert_not_stored(as_persona("secretariat").get(reverse("run:decision_letter", args=[approval.pk])))


def test_it_lets_public_pages_be_cached_for_anonymous_visitors(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
