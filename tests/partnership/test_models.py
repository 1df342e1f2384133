import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from partnership.models import (
    Body,
    BodyKind,
    Call,
    Membership,
    MembershipRole,
    Municipality,
    Organisation,
    Partnership,
)

pytestmark = pytest.mark.django_db


def test_it_knows_all_49_municipalities_of_vastra_gotaland():
    assert Municipality.objects.count() == 49
    assert Municipality.objects.filter(sub_region__name="Fyrbodal").count() == 15


def test_it_counts_a_membership_as_current_from_its_first_day(demo):
    m = Membership.objects.get(person=demo.person("leader"), body=demo.working_group("Uddevalla"))
    m.starts_on = timezone.localdate()
    m.save()
    assert m.is_current()
    assert Membership.objects.current().filter(pk=m.pk).exists()


def test_it_ends_a_membership_on_its_end_day(demo):
    m = Membership.objects.get(person=demo.person("leader"), body=demo.working_group("Uddevalla"))
    m.ends_on = timezone.localdate()
    m.save()
    assert not m.is_current()
    assert not Membership.objects.current().filter(pk=m.pk).exists()
    assert Membership.objects.current(timezone.localdate() - datetime.timedelta(days=1)).filter(pk=m.pk).exists()


def test_it_refuses_a_membership_that_ends_before_it_starts(demo):
    m = Membership(
        person=demo.person("leader"),
        body=demo.steering_group(),
        role=MembershipRole.MEMBER,
        starts_on=datetime.date(2026, 5, 1),
        ends_on=datetime.date(2026, 4, 1),
    )
    with pytest.raises(ValidationError) as excinfo:
        m.full_clean()
    assert "Slutdatum måste ligga efter startdatum." in str(excinfo.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        m.save()


def test_it_refuses_a_call_whose_age_span_is_upside_down(demo):
    call = demo.call()
    call.target_age_min, call.target_age_max = 13, 12
    with pytest.raises(IntegrityError), transaction.atomic():
        call.save()


def test_it_refuses_a_deadline_before_the_call_opens(demo):
    call = demo.call()
    call.deadline = datetime.datetime(2026, 10, 1, 12, 0, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError) as excinfo:
        call.full_clean()
    assert "deadline" in excinfo.value.message_dict


def test_it_refuses_a_negative_budget_in_the_database(demo):
    with pytest.raises(IntegrityError), transaction.atomic():
        Call.objects.filter(pk=demo.call().pk).update(budget=-1)


def test_it_refuses_a_second_nsv_group_in_a_municipality(demo):
    uddevalla = Municipality.objects.get(name="Uddevalla")
    with pytest.raises(IntegrityError), transaction.atomic():
        Body.objects.create(kind=BodyKind.NSV, name="En andra NSV", municipality=uddevalla)


def test_it_refuses_a_working_group_without_its_appointing_nsv(demo):
    with pytest.raises(IntegrityError), transaction.atomic():
        Body.objects.create(
            kind=BodyKind.LOCAL_WORKING_GROUP,
            name="Lokal SIM-arbetsgrupp Orust",
            municipality=Municipality.objects.get(name="Orust"),
            partnership=demo.steering_group().partnership,
        )


def test_it_refuses_a_working_group_appointed_by_another_municipalitys_nsv(demo):
    body = Body(
        kind=BodyKind.LOCAL_WORKING_GROUP,
        name="Lokal SIM-arbetsgrupp Orust",
        municipality=Municipality.objects.get(name="Orust"),
        partnership=demo.steering_group().partnership,
        appointed_by=Body.objects.get(kind=BodyKind.NSV, municipality__name="Uddevalla"),
    )
    with pytest.raises(ValidationError) as excinfo:
        body.full_clean()
    assert "appointed_by" in excinfo.value.message_dict


def test_it_refuses_a_municipal_organisation_without_a_municipality(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="Någon förvaltning", principal="municipality")


def test_it_gives_each_unit_its_organisations_principal(demo):
    org = Organisation.objects.get(name="Uddevalla kommun")
    assert {u.principal for u in org.units.all()} == {"municipality"}
    assert Organisation.objects.get(name="Capio").principal == "region"


def test_it_gives_a_vote_to_chair_and_members_but_not_to_adjuncts(demo):
    steering = demo.steering_group()
    by_role = {m.role: m.has_vote for m in steering.memberships.all()}
    assert by_role[MembershipRole.CHAIR] is True
    assert by_role[MembershipRole.MEMBER] is True
    assert by_role[MembershipRole.ADJUNCT] is False
    assert by_role[MembershipRole.PROJECT_LEADER] is False


def test_it_keeps_a_calls_maximum_duration_within_the_partnerships(demo):
    call = demo.call()
    call.max_duration_months = 48
    with pytest.raises(ValidationError) as refused:
        call.full_clean()
    assert refused.value.message_dict["max_duration_months"] == [
        "Partnerskapet tillåter insatser på högst 36 månader. Ange högst 36 månader."
    ]

    call.partnership.max_duration_months = 48
    call.partnership.full_clean()
    call.partnership.save()
    call.full_clean()


def test_it_keeps_a_partnerships_maximum_duration_sensible_in_the_database(demo):
    with pytest.raises(IntegrityError), transaction.atomic():
        Partnership.objects.filter(pk=demo.call().partnership_id).update(max_duration_months=0)
