"""The region's letterhead (address, organisation number, logo) is data on the region: filled for
Västra Götalandsregionen by the migration and by seed_demo, and changed in the admin by the
system administrator only."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from partnership.models import Region
from partnership.reference import ensure_letterhead

pytestmark = pytest.mark.django_db


def vgr() -> Region:
    return Region.objects.get(name="Västra Götalandsregionen")


def form_data(region: Region, **fields) -> dict:
    data = {
        "name": region.name,
        "short_name": region.short_name,
        "postal_address": region.postal_address,
        "organisation_number": region.organisation_number,
        "logo": region.logo,
    }
    data.update(fields)
    return data


def test_it_fills_in_the_letterhead_of_vastra_gotalandsregionen(demo):
    region = vgr()

    assert region.address_lines == ["Regionens Hus", "462 80 Vänersborg"]
    assert region.organisation_number == "232100-0131"
    assert region.logo == "img/vgr-ordmarke.svg"


def test_it_keeps_a_letterhead_the_system_administrator_changed(demo):
    Region.objects.filter(pk=vgr().pk).update(organisation_number="232100-0000")

    ensure_letterhead(Region)

    assert vgr().organisation_number == "232100-0000"


def test_the_system_administrator_changes_the_letterhead_in_the_admin(demo, admin_client):
    region = vgr()
    response = admin_client.post(
        reverse("admin:partnership_region_change", args=[region.pk]),
        form_data(region, postal_address="Box 1091\n405 23 Göteborg"),
    )

    assert response.status_code == 302
    assert vgr().address_lines == ["Box 1091", "405 23 Göteborg"]


@pytest.mark.parametrize("persona", ["project_leader", "secretariat"])
def test_no_other_administrator_changes_it(demo, as_persona, persona):
    region = vgr()
    response = as_persona(persona).post(
        reverse("admin:partnership_region_change", args=[region.pk]),
        form_data(region, organisation_number="111111-1111"),
    )

    assert response.status_code in {403, 404}
    assert vgr().organisation_number == "232100-0131"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("organisation_number", "2321000131", "Skriv organisationsnumret med tio siffror och bindestreck"),
        ("logo", "https://example.com/logo.svg", "Ange en SVG-fil bland portalens statiska filer"),
        ("logo", "img/saknas.svg", "Det finns ingen statisk fil med det namnet"),
    ],
)
def test_it_refuses_a_letterhead_it_cannot_print(demo, field, value, message):
    region = vgr()
    setattr(region, field, value)

    with pytest.raises(ValidationError) as refused:
        region.full_clean()

    assert message in str(refused.value.message_dict[field])
