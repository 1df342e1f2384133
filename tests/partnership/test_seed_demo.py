import pytest
from django.core.management import call_command
from django.db import models

from partnership.models import Body, BodyKind, Call, Membership, Organisation, Part, Unit, User
from partnership.reference import FYRBODAL_MUNICIPALITIES

pytestmark = pytest.mark.django_db

MODELS = [User, Organisation, Unit, Part, Call, Body, Membership]


def snapshot() -> dict[str, list[tuple]]:
    result = {}
    for model in MODELS:
        fields = [f.attname for f in model._meta.concrete_fields if not isinstance(f, models.DateTimeField)]
        fields = [f for f in fields if f not in {"password", "last_login"}]
        result[model.__name__] = list(model.objects.order_by("pk").values_list(*fields))
    result["part_municipalities"] = sorted(
        Part.municipalities.through.objects.values_list("part_id", "municipality_id")
    )
    result["call_parts"] = sorted(Call.parts.through.objects.values_list("call_id", "part_id"))
    return result


def test_it_gives_the_same_data_when_run_twice(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--quiet")
    first = snapshot()
    passwords = dict(User.objects.values_list("username", "password"))
    call_command("seed_demo", "--quiet")
    assert snapshot() == first
    assert dict(User.objects.values_list("username", "password")) == passwords


def test_it_builds_the_structure_of_fyrbodal(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--quiet")
    assert Body.objects.filter(kind=BodyKind.NSV, municipality__name__in=FYRBODAL_MUNICIPALITIES).count() == 15
    groups = Body.objects.filter(kind=BodyKind.LOCAL_WORKING_GROUP, partnership__sub_region__name="Fyrbodal")
    assert sorted(groups.values_list("municipality__name", flat=True)) == sorted(
        ["Uddevalla", "Färgelanda", "Mellerud", "Trollhättan", "Lysekil", "Munkedal"]
    )
    assert all(g.appointed_by.kind == BodyKind.NSV for g in groups)
    call_2017 = Call.objects.get(name__contains="2017")
    assert call_2017.deadline.isoformat() == "2017-09-04T10:00:00+00:00"  # 12:00 in Stockholm
    assert str(call_2017.steering_group_meeting_on) == "2017-09-13"
    assert str(call_2017.run_meeting_on) == "2017-10-19"
    assert call_2017.max_duration_months == 36
    parts = Part.objects.filter(partnership__sub_region__name="Fyrbodal")
    assert list(parts.get(number=1).municipalities.order_by("name").values_list("name", flat=True)) == [
        "Färgelanda",
        "Mellerud",
        "Uddevalla",
    ]
    assert parts.get(number=3).municipalities.count() == 9


def test_it_prints_one_login_per_role(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    for username in ["projektledare", "styrgrupp", "koncernkontoret", "sekretariat", "gruppledare-uddevalla"]:
        assert username in out
    assert User.objects.get(username="projektledare").check_password("sim-demo-2026")


def test_it_refuses_known_passwords_when_debug_is_off(settings, capsys):
    settings.DEBUG = False
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "inga demoinloggningar" in out
    assert "sim-demo-2026" not in out
    assert not any(u.has_usable_password() for u in User.objects.all())
    assert Body.objects.filter(kind=BodyKind.STEERING_GROUP).exists()


def test_it_takes_known_passwords_away_when_run_again_with_debug_off(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--quiet")
    settings.DEBUG = False
    call_command("seed_demo", "--quiet")
    assert not User.objects.get(username="projektledare").check_password("sim-demo-2026")
