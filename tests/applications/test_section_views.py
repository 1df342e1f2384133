"""The section pages: drafts survive failed validation and a second editor."""

import pytest
from django.urls import reverse

from applications import services
from applications.models import Section

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(demo):
    return services.application_create(
        call=demo.call(),
        working_group=demo.working_group("Uddevalla"),
        title="Läsfrämjande BVC",
        by=demo.person("leader"),
    )


def url(draft, key="purpose"):
    return reverse("applications:section", args=[draft.pk, key])


def test_it_keeps_the_text_and_explains_when_validation_fails(client, demo, draft):
    client.force_login(demo.person("member"))
    response = client.post(url(draft, "period"), {"version": 0, "starts_on": "2027-05-01", "ends_on": "2027-04-01"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in html
    assert 'href="#id_ends_on"' in html
    assert "Slutdatum måste ligga efter startdatum." in html
    assert 'value="2027-05-01"' in html
    assert Section.objects.get(application=draft, key="period").version == 0


def test_it_tells_the_second_editor_what_changed_and_keeps_their_text(client, demo, draft):
    first, second = demo.person("member"), demo.person("leader")
    client.force_login(first)
    client.post(url(draft), {"version": 0, "purpose": "Medlemmens syfte.", "problem": ""})
    client.force_login(second)
    response = client.post(url(draft), {"version": 0, "purpose": "Ledarens syfte.", "problem": "Ledarens problem."})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Någon annan har sparat det här avsnittet medan du skrev" in html
    assert "Ali Hassan sparade" in html
    assert "Medlemmens syfte." in html  # what is saved now
    assert "Ledarens syfte.</textarea>" in html  # what they wrote, kept in the form
    assert 'name="version" value="1"' in html
    draft.refresh_from_db()
    assert draft.purpose == "Medlemmens syfte."
    # Saving again, knowingly, replaces the saved version.
    client.post(url(draft), {"version": 1, "purpose": "Ledarens syfte.", "problem": "Ledarens problem."})
    draft.refresh_from_db()
    assert draft.purpose == "Ledarens syfte."


def test_it_shows_a_submitted_application_read_only_and_refuses_a_change(client, demo):
    from tests.factories import complete_application

    submitted = services.application_submit(
        application=complete_application(demo.call(), demo.working_group("Uddevalla"), by=demo.person("leader")),
        by=demo.person("leader"),
    )
    client.force_login(demo.person("leader"))
    response = client.get(url(submitted))
    html = response.content.decode()
    assert response.status_code == 200
    assert "du kan inte ändra den nu" in html
    assert "återförvisar den för komplettering" in html
    assert 'id="section-form"' not in html
    assert client.post(url(submitted), {"version": 1, "purpose": "Ändrat", "problem": "x"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.purpose != "Ändrat"


def test_it_hides_another_groups_draft(client, demo, draft):
    client.force_login(demo.person("outsider"))
    assert client.get(url(draft)).status_code == 404
    assert client.get(reverse("applications:detail", args=[draft.pk])).status_code == 404


def test_it_sums_the_budget_as_the_user_types(client, demo, draft):
    client.force_login(demo.person("member"))
    response = client.post(
        reverse("applications:budget_totals", args=[draft.pk]),
        {"cost_2027": "250000", "requested_2027": "200000", "cost_2028": "250000", "requested_2028": "abc"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    total = '<td class="text-end" data-total="cost" data-label="Kostnad">'
    assert total + '<span class="text-nowrap">500 000 kr</span></td>' in html
    assert '<span class="text-nowrap">250 000 kr</span> saknar finansiering' in html


def test_it_lets_koncernkontoret_comment_once_submitted(client, demo):
    from tests.factories import complete_application

    application = complete_application(demo.call(), demo.working_group("Uddevalla"))
    services.application_submit(application=application, by=demo.person("leader"))
    client.force_login(demo.person("koncernkontoret"))
    client.post(reverse("applications:message", args=[application.pk]), {"body": "Passar RUN:s inriktning väl."})
    message = application.messages.get()
    assert (message.kind, message.author) == ("comment", demo.person("koncernkontoret"))
    client.force_login(demo.person("leader"))
    assert (
        "Passar RUN:s inriktning väl."
        in client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    )


def partner_rows(draft, version, rows, initial):
    """The partners section as the page posts it: ``rows`` of (id, unit, role, delete)."""
    data = {
        "version": version,
        "partners-TOTAL_FORMS": len(rows),
        "partners-INITIAL_FORMS": initial,
        "partners-MIN_NUM_FORMS": 0,
        "partners-MAX_NUM_FORMS": 30,
    }
    for index, (pk, unit, role, delete) in enumerate(rows):
        data |= {
            f"partners-{index}-id": pk or "",
            f"partners-{index}-application": draft.pk,
            f"partners-{index}-unit": unit.pk,
            f"partners-{index}-role": role,
        }
        if delete:
            data[f"partners-{index}-DELETE"] = "on"
    return data


@pytest.fixture
def units():
    from partnership.models import Unit

    return (
        Unit.objects.filter(organisation__principal="region").first(),
        Unit.objects.filter(organisation__principal="municipality").first(),
    )


def test_it_saves_the_partners_again_after_a_conflict_when_both_added_the_same_unit(client, demo, draft, units):
    region, _municipality = units
    client.force_login(demo.person("member"))
    assert (
        client.post(url(draft, "partners"), partner_rows(draft, 0, [(None, region, "BVC", False)], 0)).status_code
        == 302
    )
    client.force_login(demo.person("leader"))
    mine = partner_rows(draft, 0, [(None, region, "Ledarens roll", False)], 0)
    for version in (0, 1):  # as first posted, then "save again" after the conflict (a server error before)
        response = client.post(url(draft, "partners"), mine | {"version": version})
        html = response.content.decode()
        assert response.status_code == 200
        assert "är redan samverkanspart i ansökan" in html
        assert "Ledarens roll</textarea>" in html
    assert [p.role for p in draft.partners.all()] == ["BVC"]


def test_it_keeps_a_partner_someone_else_deleted_as_a_new_row_when_saving_again(client, demo, draft, units):
    region, municipality = units
    client.force_login(demo.person("member"))
    client.post(url(draft, "partners"), partner_rows(draft, 0, [(None, region, "BVC", False)], 0))
    partner = draft.partners.get()
    client.post(url(draft, "partners"), partner_rows(draft, 1, [(partner.pk, region, "BVC", True)], 1))
    assert not draft.partners.exists()
    client.force_login(demo.person("leader"))
    mine = partner_rows(
        draft, 1, [(partner.pk, region, "BVC och förskola", False), (None, municipality, "Skola", False)], 1
    )
    conflict = client.post(url(draft, "partners"), mine)
    assert conflict.status_code == 200
    assert "BVC och förskola</textarea>" in conflict.content.decode()
    assert client.post(url(draft, "partners"), mine | {"version": 2}).status_code == 302
    assert sorted(p.role for p in draft.partners.all()) == ["BVC och förskola", "Skola"]
