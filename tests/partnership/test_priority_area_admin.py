"""A call's priority areas are kept in the admin, on the call's page, by whoever may change the call."""

import pytest
from django.urls import reverse

from partnership.models import PriorityArea
from tests.factories import complete_application

pytestmark = pytest.mark.django_db


def call_form(call, *, add=(), delete=()) -> dict:
    """The call's admin form as its page holds it, with areas added (names) and deleted (names)."""
    data = {
        "partnership": call.partnership_id,
        "name": call.name,
        "parts": [p.pk for p in call.parts.all()],
        "description": call.description,
        "target_age_min": call.target_age_min,
        "target_age_max": call.target_age_max,
        "opens_on": call.opens_on.isoformat(),
        "deadline_0": call.deadline.astimezone().strftime("%Y-%m-%d"),
        "deadline_1": call.deadline.astimezone().strftime("%H:%M:%S"),
        "steering_group_meeting_on": call.steering_group_meeting_on.isoformat(),
        "run_meeting_on": call.run_meeting_on.isoformat(),
        "max_duration_months": call.max_duration_months,
    }
    areas = list(call.priority_areas.order_by("position", "pk"))
    prefix = "priority_areas"
    for index, area in enumerate(areas):
        data |= {
            f"{prefix}-{index}-id": area.pk,
            f"{prefix}-{index}-call": call.pk,
            f"{prefix}-{index}-position": area.position,
            f"{prefix}-{index}-name": area.name,
            f"{prefix}-{index}-description": area.description,
        }
        if area.name in delete:
            data[f"{prefix}-{index}-DELETE"] = "on"
    for offset, name in enumerate(add):
        index = len(areas) + offset
        data |= {
            f"{prefix}-{index}-call": call.pk,
            f"{prefix}-{index}-position": index + 1,
            f"{prefix}-{index}-name": name,
            f"{prefix}-{index}-description": "",
        }
    data |= {f"{prefix}-TOTAL_FORMS": len(areas) + len(add), f"{prefix}-INITIAL_FORMS": len(areas)}
    return data


def change_url(call) -> str:
    return reverse("admin:partnership_call_change", args=[call.pk])


def test_it_shows_the_areas_on_the_calls_page(as_persona, demo):
    html = as_persona("project_leader").get(change_url(demo.call())).content.decode()
    assert "Prioriterade områden" in html
    assert 'value="Föräldrar som resurs"' in html


def test_the_project_leader_adds_an_area_to_the_call(as_persona, demo):
    call = demo.call()
    response = as_persona("project_leader").post(change_url(call), call_form(call, add=["Fysisk aktivitet"]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert call.priority_areas.filter(name="Fysisk aktivitet", position=5).exists()


def test_it_explains_an_area_named_twice(as_persona, demo):
    call = demo.call()
    response = as_persona("project_leader").post(change_url(call), call_form(call, add=["Psykisk hälsa"]))
    assert response.status_code == 200
    assert call.priority_areas.filter(name="Psykisk hälsa").count() == 1


def test_it_removes_an_area_no_application_has_chosen(as_persona, demo):
    call = demo.call()
    response = as_persona("project_leader").post(change_url(call), call_form(call, delete=["Psykisk hälsa"]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not call.priority_areas.filter(name="Psykisk hälsa").exists()


def test_it_keeps_an_area_an_application_has_chosen(as_persona, demo):
    call = demo.call()
    # ``complete_application`` ticks "Läsning och språk".
    complete_application(call, demo.working_group("Uddevalla"), by=demo.person("leader"))
    response = as_persona("project_leader").post(change_url(call), call_form(call, delete=["Läsning och språk"]))
    assert response.status_code == 200
    errors = [f.formset.non_form_errors() for f in response.context["inline_admin_formsets"]] + [
        response.context["adminform"].form.errors
    ]
    assert "Området ”Läsning och språk” är valt i en ansökan och kan inte tas bort" in str(errors), errors
    assert call.priority_areas.filter(name="Läsning och språk").exists()


def test_another_partnerships_project_leader_gets_404(client, demo, demo_region):
    client.force_login(demo_region.person("project_leader"))
    call = demo.call()
    assert client.get(change_url(call)).status_code == 404
    assert client.post(change_url(call), call_form(call, add=["Fysisk aktivitet"])).status_code == 404
    assert not PriorityArea.objects.filter(name="Fysisk aktivitet").exists()


def test_the_secretariat_does_not_change_the_areas(as_persona, demo):
    call = demo.call()
    client = as_persona("secretariat")
    response = client.post(change_url(call), call_form(call, add=["Fysisk aktivitet"]))
    assert response.status_code in {403, 404}
    assert not PriorityArea.objects.filter(name="Fysisk aktivitet").exists()
