"""A later deadline for one working group, granted by the project leader from the inbox."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services, submission
from applications.models import DeadlineExtension, Event, EventKind, Status
from partnership.models import Body, BodyKind, Partnership
from tests.factories import complete_application

pytestmark = pytest.mark.django_db

URL = "inbox:extend_deadline"


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def late(demo):
    """Munkedal's group has a finished application, but the call's deadline passed a day ago."""
    application = complete_application(demo.call(), demo.working_group("Munkedal"), title="Läslust i Munkedal")
    return application, demo.call().deadline + datetime.timedelta(days=1)


def extend(client, demo, *, municipality="Munkedal", days=7, reason="Kartläggningen blev klar först i veckan."):
    call = demo.call()
    return client.post(
        reverse(URL),
        {
            "call": call.pk,
            "working_group": demo.working_group(municipality).pk,
            "deadline": local(call.deadline + datetime.timedelta(days=days)),
            "reason": reason,
        },
    )


def test_it_lets_a_late_group_submit(as_persona, demo, late):
    application, at = late
    assert [p.field for p in submission.problems(application, at=at)] == ["id_title"]

    response = extend(as_persona("project_leader"), demo)

    assert response.status_code == 302
    assert response.url == reverse(URL)
    assert submission.problems(application, at=at) == []
    submitted = services.application_submit(application=application, by=demo.person("outsider"), at=at)
    assert submitted.status == Status.SUBMITTED


def test_it_keeps_the_calls_deadline_for_every_other_group(as_persona, demo, late):
    uddevalla = complete_application(demo.call(), demo.working_group("Uddevalla"))
    _application, at = late

    extend(as_persona("project_leader"), demo)

    assert [p.field for p in submission.problems(uddevalla, at=at)] == ["id_title"]


def test_it_records_the_extension_on_the_groups_applications(as_persona, demo, late):
    application, _at = late

    extend(as_persona("project_leader"), demo, reason="Sjukdom i gruppen.")

    extension = DeadlineExtension.objects.get()
    assert (extension.working_group, extension.granted_by) == (
        demo.working_group("Munkedal"),
        demo.person("project_leader"),
    )
    assert local(extension.deadline) == local(demo.call().deadline + datetime.timedelta(days=7))
    event = Event.objects.get(application=application, kind=EventKind.DEADLINE)
    assert "Sjukdom i gruppen." in event.message


def test_it_confirms_and_lists_the_current_extensions(as_persona, demo):
    client = as_persona("project_leader")

    response = client.get(reverse(URL))
    assert "Ingen arbetsgrupp har fått förlängd tid ännu" in response.content.decode()

    response = extend(client, demo, reason="Kartläggningen blev sen.")
    html = client.get(response.url).content.decode()
    new_deadline = local(demo.call().deadline + datetime.timedelta(days=7))
    assert f"Lokal SIM-arbetsgrupp Munkedal har nu till {new_deadline} på sig" in html
    table = html[html.index("<table") : html.index("</table>")]
    for text in [demo.call().name, "Lokal SIM-arbetsgrupp Munkedal", new_deadline, "Kartläggningen blev sen.", "Sara"]:
        assert text in table


def test_it_moves_an_existing_extension(as_persona, demo):
    client = as_persona("project_leader")
    extend(client, demo, days=3)
    extend(client, demo, days=10)

    extension = DeadlineExtension.objects.get()
    assert local(extension.deadline) == local(demo.call().deadline + datetime.timedelta(days=10))


def test_it_offers_the_calls_and_the_local_working_groups_of_the_partnership(as_persona, demo):
    form = as_persona("project_leader").get(reverse(URL)).context["form"]
    assert set(form.fields["call"].queryset) == {demo.call(), demo.call_2017()}
    assert {group.municipality.name for group in form.fields["working_group"].queryset} == {
        "Uddevalla",
        "Färgelanda",
        "Mellerud",
        "Trollhättan",
        "Lysekil",
        "Munkedal",
    }


def test_it_refuses_a_deadline_that_is_not_after_the_calls(as_persona, demo):
    response = extend(as_persona("project_leader"), demo, days=0)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert 'href="#id_deadline"' in html
    assert f"Den nya tiden måste ligga efter utlysningens sista dag, {local(demo.call().deadline)}." in html
    assert not DeadlineExtension.objects.exists()


def test_it_needs_a_group_a_deadline_and_a_reason(as_persona, demo):
    response = as_persona("project_leader").post(reverse(URL), {"call": demo.call().pk})

    html = response.content.decode()
    assert 'id="error-summary"' in html
    for text in [
        "Välj den arbetsgrupp som ska få mer tid.",
        "Skriv den nya sista dagen och tiden.",
        "Skriv varför arbetsgruppen får mer tid.",
    ]:
        assert text in html
    assert not DeadlineExtension.objects.exists()


def test_it_refuses_a_reason_with_a_personal_identity_number(as_persona, demo):
    response = extend(as_persona("project_leader"), demo, reason="Barnet 121212-1212 är sjukt.")

    assert 'href="#id_reason"' in response.content.decode()
    assert not DeadlineExtension.objects.exists()


def test_it_refuses_a_group_of_a_partnership_the_project_leader_does_not_lead(as_persona, demo):
    fyrbodal = demo.call().partnership
    other = Partnership.objects.create(name="Ett annat partnerskap", short_name="Annat", region=fyrbodal.region)
    nsv = Body.objects.get(kind=BodyKind.NSV, municipality__name="Åmål")
    group = Body.objects.create(
        kind=BodyKind.LOCAL_WORKING_GROUP,
        name="Lokal arbetsgrupp Åmål (annat partnerskap)",
        partnership=other,
        municipality=nsv.municipality,
        appointed_by=nsv,
    )
    call = demo.call()

    response = as_persona("project_leader").post(
        reverse(URL),
        {
            "call": call.pk,
            "working_group": group.pk,
            "deadline": local(call.deadline + datetime.timedelta(days=7)),
            "reason": "Mer tid.",
        },
    )

    assert 'href="#id_working_group"' in response.content.decode()
    assert not DeadlineExtension.objects.exists()


@pytest.mark.parametrize(
    "persona", ["leader", "member", "outsider", "steering_member", "steering_chair", "koncernkontoret", "secretariat"]
)
def test_it_refuses_everyone_but_the_project_leader(as_persona, demo, late, persona):
    application, at = late
    client = as_persona(persona)

    assert client.get(reverse(URL)).status_code == 403
    assert extend(client, demo).status_code == 403
    assert not DeadlineExtension.objects.exists()
    assert submission.problems(application, at=at) != []


def test_it_sends_anonymous_visitors_to_the_login_page(client, demo):
    response = extend(client, demo)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not DeadlineExtension.objects.exists()


def test_it_extends_deadlines_only_for_working_groups_of_the_calls_partnership(demo):
    import datetime

    from applications import services
    from partnership.models import Body

    later = demo.call().deadline + datetime.timedelta(days=3)
    with pytest.raises(ValueError, match="only for a working group of its partnership"):
        services.deadline_extend(
            call=demo.call(),
            working_group=Body.objects.get(kind="nsv", municipality__name="Munkedal"),
            deadline=later,
            reason="Fel grupp",
            by=demo.person("project_leader"),
        )
