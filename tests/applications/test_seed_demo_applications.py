import pytest
from django.core.management import call_command

from applications.models import Application, Status

pytestmark = pytest.mark.django_db


def test_it_gives_the_demo_applications_in_three_states_once(demo, capsys):
    call_command("seed_demo_applications")
    call_command("seed_demo_applications")
    states = dict(Application.objects.values_list("working_group__municipality__name", "status"))
    assert states == {"Uddevalla": Status.DRAFT, "Färgelanda": Status.SUBMITTED, "Mellerud": Status.COMPLETE}
    assert "0 nya" in capsys.readouterr().out
    mellerud = Application.objects.get(working_group__municipality__name="Mellerud")
    assert [e.transition for e in mellerud.events.all()] == ["submit", "accept"]
    assert mellerud.reference_number.startswith("SIM ")


def test_it_gives_the_region_wide_partnership_a_submitted_application(demo_region, capsys):
    call_command("seed_demo_applications")
    call_command("seed_demo_applications")
    boras = Application.objects.get(working_group__municipality__name="Borås")
    assert boras.status == Status.SUBMITTED
    assert boras.call == demo_region.call()
    assert (boras.target_age_min, boras.target_age_max) == (3, 15)
    assert "0 nya" in capsys.readouterr().out
