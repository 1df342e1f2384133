"""Starting an application: which calls a working group is offered, and the choice of group
and call for a person who has more than one.

A call is offered only to its own partnership's working groups in the municipalities of the
call's parts (``partnership.rules.call_is_offered_to``), on the page and in the service.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from applications import services
from applications.models import Application
from partnership.models import Body, BodyKind, Call, MembershipRole, Municipality, Part, Partnership
from partnership.rules import call_is_offered_to
from partnership.selectors import calls_open_to
from tests.factories import MembershipFactory, other_partnership

pytestmark = pytest.mark.django_db

NEW = reverse("applications:new")


def second_open_call(demo, name: str = "SIM spår 2 – extra omgång för Del I", parts=(1,)) -> Call:
    """Another call of Fyrbodal's partnership, open now, for the given parts."""
    current = demo.call()
    call = Call.objects.create(
        partnership=current.partnership,
        name=name,
        opens_on=current.opens_on,
        deadline=current.deadline + datetime.timedelta(days=7),
        steering_group_meeting_on=current.steering_group_meeting_on + datetime.timedelta(days=7),
        run_meeting_on=current.run_meeting_on,
        budget=2_000_000,
    )
    call.parts.set(Part.objects.filter(partnership=current.partnership, number__in=parts))
    return call


def region_wide_call(demo) -> Call:
    """A region-wide partnership's call, open now, with Uddevalla among its municipalities."""
    current = demo.call()
    partnership = Partnership.objects.create(
        name="Sociala investeringsmedel i hela Västra Götaland",
        short_name="SIM VG",
        region=current.partnership.region,
        target_age_max=15,
    )
    part = Part.objects.create(partnership=partnership, number=1, name="Hela regionen")
    part.municipalities.set(Municipality.objects.all())
    call = Call.objects.create(
        partnership=partnership,
        name="SIM Västra Götaland – regionövergripande",
        opens_on=current.opens_on,
        deadline=current.deadline,
        steering_group_meeting_on=current.steering_group_meeting_on,
        run_meeting_on=current.run_meeting_on,
        target_age_max=15,
        budget=20_000_000,
    )
    call.parts.set([part])
    return call


def demo_client(demo, persona):
    client = Client()
    client.force_login(demo.person(persona))
    return client


def also_lead(demo, persona: str, municipality: str) -> Body:
    group = demo.working_group(municipality)
    MembershipFactory(person=demo.person(persona), body=group, role=MembershipRole.LEADER)
    return group


# --- which calls are offered --------------------------------------------------------------


def test_it_offers_a_call_only_to_the_groups_in_its_parts(demo):
    call = demo.call()  # Del I and Del II
    assert call_is_offered_to(call, demo.working_group("Uddevalla"))  # Del I
    assert call_is_offered_to(call, demo.working_group("Munkedal"))  # Del II
    del_iii = Body.objects.create(
        kind=BodyKind.LOCAL_WORKING_GROUP,
        name="Lokal SIM-arbetsgrupp Bengtsfors",
        partnership=call.partnership,
        municipality=Municipality.objects.get(name="Bengtsfors"),
        appointed_by=Body.objects.get(kind=BodyKind.NSV, municipality__name="Bengtsfors"),
    )
    assert not call_is_offered_to(call, del_iii)
    assert not call_is_offered_to(demo.call_2017(), demo.working_group("Munkedal"))  # 2017 was Del I only


def test_it_does_not_offer_another_partnerships_call(demo):
    other = other_partnership()

    assert not call_is_offered_to(demo.call(), other.groups["Skövde"])
    assert not call_is_offered_to(other.call, demo.working_group("Uddevalla"))
    assert list(calls_open_to(other.groups["Skövde"])) == [other.call]


def test_it_does_not_offer_uddevalla_a_region_wide_call(demo):
    """Uddevalla's group belongs to Fyrbodal's partnership; a region-wide partnership's call is
    for that partnership's own groups, even though Uddevalla is in its parts."""
    call = region_wide_call(demo)

    assert not call_is_offered_to(call, demo.working_group("Uddevalla"))
    assert call not in calls_open_to(demo.working_group("Uddevalla"))
    client = demo_client(demo, "leader")
    assert call.name not in client.get(NEW).content.decode()
    start_page = client.get(reverse("home")).content.decode()
    assert demo.call().name in start_page
    assert call.name not in start_page


def test_it_refuses_a_draft_in_another_partnerships_call_from_the_page(client, demo):
    other = other_partnership()
    client.force_login(other.person("leader"))

    page = client.get(NEW)
    response = client.post(NEW, {"title": "Språkstöd", "call": demo.call().pk})

    assert demo.call().name not in page.content.decode()
    assert response.status_code == 200
    assert "Utlysningen är inte öppen för er arbetsgrupp" in response.content.decode()
    assert not Application.objects.filter(call=demo.call()).exists()


def test_it_refuses_a_draft_in_another_partnerships_call_in_the_service(demo):
    other = other_partnership()

    with pytest.raises(PermissionDenied):
        services.application_create(
            call=demo.call(), working_group=other.groups["Skövde"], title="Språkstöd", by=other.person("leader")
        )
    assert not Application.objects.exists()


# --- one group, one call: nothing to choose ------------------------------------------------


def test_it_names_the_only_group_and_the_only_call_without_asking(demo):
    client = demo_client(demo, "leader")

    page = client.get(NEW).content.decode()
    response = client.post(NEW, {"title": "Språkstöd i förskolan", "call": demo.call().pk})

    assert "Vilken arbetsgrupp" not in page
    assert "Vilken utlysning" not in page
    assert "Det är den enda utlysning som är öppen för er arbetsgrupp" in page
    application = Application.objects.get()
    assert response.url == reverse("applications:detail", args=[application.pk])
    assert (application.working_group, application.call) == (demo.working_group("Uddevalla"), demo.call())


# --- a person in two groups chooses the group --------------------------------------------------


def test_it_asks_a_person_in_two_groups_which_group_writes(demo):
    also_lead(demo, "leader", "Färgelanda")
    client = demo_client(demo, "leader")

    page = client.get(NEW).content.decode()

    assert "Vilken arbetsgrupp skriver ansökan?" in page
    assert 'type="radio" class="form-check-input"  name="working_group"' in page
    assert "Lokal SIM-arbetsgrupp Färgelanda" in page
    assert "Lokal SIM-arbetsgrupp Uddevalla" in page
    assert "Insatsens namn" not in page  # the title comes once the group is chosen


def test_it_asks_again_when_no_group_is_chosen(demo):
    also_lead(demo, "leader", "Färgelanda")

    page = demo_client(demo, "leader").get(NEW, {"working_group": ""}).content.decode()

    assert "error-summary" in page
    assert "Välj vilken arbetsgrupp som skriver ansökan." in page


def test_it_refuses_a_group_the_person_is_not_in(demo):
    also_lead(demo, "leader", "Färgelanda")
    client = demo_client(demo, "leader")
    munkedal = demo.working_group("Munkedal")

    page = client.get(NEW, {"working_group": munkedal.pk}).content.decode()
    response = client.post(NEW, {"working_group": munkedal.pk, "title": "Språkstöd", "call": demo.call().pk})

    assert "Välj en av arbetsgrupperna i listan" in page
    assert response.status_code == 200
    assert not Application.objects.exists()


def test_it_puts_the_application_in_the_chosen_group(demo):
    fargelanda = also_lead(demo, "leader", "Färgelanda")
    client = demo_client(demo, "leader")

    page = client.get(NEW, {"working_group": fargelanda.pk}).content.decode()
    response = client.post(NEW, {"working_group": fargelanda.pk, "title": "PALS i Färgelanda", "call": demo.call().pk})

    assert "Ansökan skrivs av Lokal SIM-arbetsgrupp Färgelanda" in page
    application = Application.objects.get()
    assert response.status_code == 302
    assert application.working_group == fargelanda
    assert application.municipalities.get().name == "Färgelanda"


# --- several calls open to the group: the person chooses the call ---------------------------------


def test_it_asks_for_the_call_when_several_are_open_to_the_group(demo):
    extra = second_open_call(demo)
    client = demo_client(demo, "leader")

    page = client.get(NEW).content.decode()
    missing = client.post(NEW, {"title": "Språkstöd"}).content.decode()
    response = client.post(NEW, {"title": "Språkstöd", "call": extra.pk})

    assert "Vilken utlysning gäller ansökan?" in page
    assert extra.name in page
    assert demo.call().name in page
    assert "Välj vilken utlysning ansökan gäller." in missing
    assert response.status_code == 302
    assert Application.objects.get().call == extra


def test_it_offers_munkedal_only_the_calls_of_its_part(demo):
    extra = second_open_call(demo)  # Del I only; Munkedal is in Del II
    client = demo_client(demo, "outsider")

    page = client.get(NEW).content.decode()
    response = client.post(NEW, {"title": "Kartläggning", "call": extra.pk})

    assert extra.name not in page
    assert "Vilken utlysning" not in page
    assert "Utlysningen är inte öppen för er arbetsgrupp" in response.content.decode()
    assert not Application.objects.exists()


def test_it_says_so_when_no_call_is_open_to_the_group(demo):
    demo.call().parts.set(Part.objects.filter(number=1))  # the open call is now for Del I only

    page = demo_client(demo, "outsider").get(NEW).content.decode()  # Munkedal, Del II

    assert "Ingen utlysning är öppen för er arbetsgrupp just nu" in page
    assert "Skapa ansökan" not in page
