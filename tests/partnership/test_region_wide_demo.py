"""The demo holds two shapes of partnership: Fyrbodal's (one sub-region, ages 0–12) and a
region-wide one (SIM Västra Götaland, ages 0–15, in municipalities outside Fyrbodal)."""

import io

from django.core.management import call_command
from django.test import override_settings

from partnership import selectors
from partnership.management.commands.seed_demo import DEMO_PASSWORD, REGION_WIDE_PEOPLE
from partnership.models import Body, BodyKind, Call, Partnership, User
from partnership.reference import FYRBODAL_MUNICIPALITIES


def test_it_builds_a_region_wide_partnership_with_its_own_call_and_groups(demo_region):
    partnership = Partnership.objects.get(short_name="SIM Västra Götaland")
    assert partnership.sub_region is None
    assert (partnership.target_age_min, partnership.target_age_max) == (0, 15)
    call = demo_region.call()
    assert call.partnership == partnership
    assert call.is_open()
    assert (call.target_age_min, call.target_age_max) == (0, 15)
    groups = Body.objects.filter(partnership=partnership, kind=BodyKind.LOCAL_WORKING_GROUP)
    places = set(groups.values_list("municipality__name", flat=True))
    assert places == {"Borås", "Göteborg"}
    assert not places & set(FYRBODAL_MUNICIPALITIES)
    assert Body.objects.filter(partnership=partnership, kind=BodyKind.STEERING_GROUP).count() == 1
    assert Body.objects.filter(partnership=partnership, kind=BodyKind.SUBREGIONAL_WORKING_GROUP).count() == 1
    offered = selectors.calls_open_to(demo_region.working_group("Borås"))
    assert list(offered) == [call]


def test_it_offers_each_partnership_only_its_own_call(demo_region, demo):
    assert demo.call() not in selectors.calls_open_to(demo_region.working_group("Borås"))
    assert demo_region.call() not in selectors.calls_open_to(demo.working_group("Uddevalla"))


@override_settings(DEBUG=True)
def test_it_prints_the_demo_logins_of_both_partnerships(db):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    assert "SIM spår 2 Fyrbodal" in text
    assert "SIM Västra Götaland" in text
    for username, *_rest, label in REGION_WIDE_PEOPLE:
        if label:
            assert username in text
            assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
    assert Call.objects.filter(partnership__short_name="SIM Västra Götaland").count() == 1


@override_settings(DEBUG=True)
def test_it_changes_nothing_when_run_again(db):
    call_command("seed_demo", "--quiet")
    counts = (Partnership.objects.count(), Call.objects.count(), Body.objects.count(), User.objects.count())
    call_command("seed_demo", "--quiet")
    assert counts == (Partnership.objects.count(), Call.objects.count(), Body.objects.count(), User.objects.count())
