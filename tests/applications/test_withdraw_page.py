"""Withdrawing a draft: a quiet secondary action on the application's page, asking for a *Skäl*."""

import re

import pytest
from django.urls import reverse

from tests.factories import complete_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(demo):
    return complete_application(demo.call(), demo.working_group("Uddevalla"), by=demo.person("leader"))


def test_it_offers_withdrawal_as_a_link_styled_action(client, demo, draft):
    client.force_login(demo.person("leader"))
    html = client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    withdraw = reverse("applications:transition", args=[draft.pk, "withdraw"])
    assert f'<a class="btn btn-link" href="{withdraw}">Återta ansökan</a>' in html


def test_it_names_the_reason_field_skal(client, demo, draft):
    client.force_login(demo.person("leader"))
    response = client.get(reverse("applications:transition", args=[draft.pk, "withdraw"]))
    assert response.context["form"].fields["message"].label == "Skäl"
    assert re.search(r'<label[^>]*for="id_message"[^>]*>\s*Skäl', response.content.decode())
