"""Swedish first, English complete."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

PO = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_it_translates_every_text_into_english():
    untranslated = []
    for entry in PO.read_text().split("\n\n")[1:]:
        blocks = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', entry, re.M)
        empty = [block for block in blocks if "".join(re.findall(r'"(.*)"', block)) == ""]
        untranslated += [entry] * (("#, fuzzy" in entry) + len(empty))
    assert untranslated == [], "run `make messages` and translate:\n" + "\n\n".join(untranslated)


@pytest.mark.django_db
def test_it_shows_pages_in_english_after_the_switch(as_persona):
    client = as_persona("steering_member")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("partnership:who_is_who")).content.decode()
    assert '<html lang="en">' in html
    assert "Who is who" in html
    assert "Steering group" in html


@pytest.mark.django_db
def test_it_speaks_swedish_to_a_browser_that_asks_for_nothing(client):
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="sv">' in html
    assert "Logga in" in html


@pytest.mark.django_db
def test_it_speaks_swedish_even_to_an_english_browser_until_english_is_chosen(client):
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="sv">' in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="en">' in html
