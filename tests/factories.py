import datetime
from dataclasses import dataclass

import factory
from django.utils import timezone

from applications.models import Application, Status
from partnership.models import (
    Body,
    BodyKind,
    Call,
    Membership,
    MembershipRole,
    Municipality,
    Organisation,
    Part,
    Partnership,
    Principal,
    Region,
    SubRegion,
    Unit,
    UnitKind,
    User,
)
from reviews.models import AgendaItem, Meeting


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Testsson {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.se")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(UserFactory)
    role = MembershipRole.MEMBER
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    title = factory.Sequence(lambda n: f"Tidig språkutveckling {n}")
    status = Status.DRAFT

    class Params:
        submitted = factory.Trait(
            status=Status.SUBMITTED,
            submitted_at=factory.LazyFunction(timezone.now),
            reference_number=factory.Sequence(lambda n: f"SIM 2026/{n + 1:04d}"),
        )


def submitted_application(**kwargs) -> Application:
    return ApplicationFactory(submitted=True, **kwargs)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    place = "Vänerparken, Vänersborg"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)


def complete_application(call, working_group, *, by=None, title="Språkstöd i förskolan", **overrides):
    """A draft with every section filled in so that it can be submitted."""
    from applications.demo import complete_draft

    return complete_draft(call=call, working_group=working_group, title=title, by=by, **overrides)


def accepted_application(demo, municipality: str = "Uddevalla", title: str = "Språkstöd i förskolan"):
    """Submitted by the group's leader and accepted as complete by the project leader."""
    from applications import services
    from partnership.models import Membership, MembershipRole

    group = demo.working_group(municipality)
    leader = Membership.objects.get(body=group, role=MembershipRole.LEADER).person
    application = complete_application(demo.call(), group, title=title, by=leader)
    services.application_submit(application=application, by=leader)
    return services.application_accept(application=application, by=demo.person("project_leader"))


# --- a second partnership, for access between partnerships ----------------------------------


@dataclass
class OtherPartnership:
    """SIM Skaraborg: a partnership beside Fyrbodal's, with its own people and call."""

    partnership: Partnership
    call: Call
    steering_group: Body
    groups: dict[str, Body]
    people: dict[str, User]

    def person(self, key: str) -> User:
        return self.people[key]


OTHER_PEOPLE = {
    # key: (username, membership body key, role)
    "project_leader": ("projektledare-skaraborg", "steering", MembershipRole.PROJECT_LEADER),
    "steering_chair": ("styrgrupp-ordf-skaraborg", "steering", MembershipRole.CHAIR),
    "steering_member": ("styrgrupp-skaraborg", "steering", MembershipRole.MEMBER),
    "steering_member_2": ("styrgrupp2-skaraborg", "steering", MembershipRole.MEMBER),
    "leader": ("gruppledare-skovde", "wg:Skövde", MembershipRole.LEADER),
    "leader_lidkoping": ("gruppledare-lidkoping", "wg:Lidköping", MembershipRole.LEADER),
}


def other_partnership(*, name: str = "Skaraborg", municipalities: tuple[str, ...] = ("Skövde", "Lidköping")):
    """A second partnership in another sub-region, built beside the demo (which must exist):
    its project leader, a steering group with a chair and two members, a working group per
    municipality appointed by that municipality's NSV group, and a call open now for them."""
    from partnership.management.commands.seed_demo import current_round_dates

    region = Region.objects.get(name="Västra Götalandsregionen")
    partnership = Partnership.objects.create(
        name=f"Sociala investeringsmedel – partnerskapssatsning i {name}",
        short_name=f"SIM {name}",
        region=region,
        sub_region=SubRegion.objects.get(region=region, name=name),
    )
    part = Part.objects.create(partnership=partnership, number=1, name=f"Del I – {name}")
    places = {m.name: m for m in Municipality.objects.filter(name__in=municipalities)}
    part.municipalities.set(places.values())
    dates = current_round_dates(timezone.localdate())
    dates.pop("name")
    call = Call.objects.create(
        partnership=partnership, name=f"SIM {name} – ansökningsomgång", budget=5_000_000, **dates
    )
    call.parts.set([part])
    bodies = {
        "steering": Body.objects.create(
            kind=BodyKind.STEERING_GROUP, name=f"Styrgrupp SIM {name}", partnership=partnership
        )
    }
    for municipality_name, municipality in places.items():
        Organisation.objects.get_or_create(
            name=f"{municipality_name} kommun",
            defaults={"principal": Principal.MUNICIPALITY, "municipality": municipality},
        )
        organisation = Organisation.objects.get(name=f"{municipality_name} kommun")
        Unit.objects.get_or_create(
            organisation=organisation,
            name=f"Förskolan {municipality_name}",
            defaults={"kind": UnitKind.PRESCHOOL, "municipality": municipality},
        )
        nsv, _created = Body.objects.get_or_create(
            kind=BodyKind.NSV,
            municipality=municipality,
            defaults={"name": f"Lokal närsjukvårdsgrupp {municipality_name}"},
        )
        bodies[f"wg:{municipality_name}"] = Body.objects.create(
            kind=BodyKind.LOCAL_WORKING_GROUP,
            name=f"Lokal SIM-arbetsgrupp {municipality_name} ({name})",
            partnership=partnership,
            municipality=municipality,
            appointed_by=nsv,
            appointed_on=timezone.localdate() - datetime.timedelta(days=60),
        )
    people = {}
    for key, (username, body_key, role) in OTHER_PEOPLE.items():
        if body_key not in bodies:
            continue
        people[key] = UserFactory(username=username, first_name=key.replace("_", " ").capitalize(), last_name=name)
        MembershipFactory(
            person=people[key],
            body=bodies[body_key],
            role=role,
            starts_on=timezone.localdate() - datetime.timedelta(days=60),
        )
    groups = {key.removeprefix("wg:"): body for key, body in bodies.items() if key.startswith("wg:")}
    return OtherPartnership(
        partnership=partnership, call=call, steering_group=bodies["steering"], groups=groups, people=people
    )


def at(moment: datetime.datetime):
    """Travel to ``moment`` (the clock stands still there), to reach each state on its own day."""
    import time_machine

    return time_machine.travel(moment, tick=False)


def recommended_through_services(
    other: OtherPartnership, *, municipality: str = "Skövde", title: str = "Språkstöd i Skövde", days_ago: int = 10
):
    """An application of the other partnership that the steering group recommended, each step
    made through the services on a day it may be made on: written and submitted by the group's
    leader and accepted ``days_ago`` days ago, voted on and closed at the meeting the next
    day, and the minutes approved the day after. Returns (application, meeting)."""
    from applications import services
    from reviews import meetings, minutes

    group = other.groups[municipality]
    leader = Membership.objects.get(body=group, role=MembershipRole.LEADER).person
    project_leader = other.person("project_leader")
    chair, member, member_2 = (other.person(k) for k in ("steering_chair", "steering_member", "steering_member_2"))
    start = timezone.now() - datetime.timedelta(days=days_ago)
    meeting_starts = start + datetime.timedelta(days=1)
    with at(start):
        application = complete_application(other.call, group, title=title, by=leader)
        services.application_submit(application=application, by=leader)
        application = services.application_accept(application=application, by=project_leader)
        meeting = meetings.meeting_schedule(
            steering_group=other.steering_group, starts_at=meeting_starts, place="Stadshuset, Skövde", by=project_leader
        )
        meetings.agenda_add(meeting=meeting, application=application, summary="Språkstöd.", by=project_leader)
        meeting = meetings.meeting_publish(meeting=meeting, by=project_leader)
    with at(meeting_starts + datetime.timedelta(minutes=30)):
        meetings.attendance_record(meeting=meeting, present=[chair.pk, member.pk, member_2.pk], by=project_leader)
        item = meeting.items.get()
        for voter in (chair, member, member_2):
            meetings.vote_cast(item=item, member=voter, choice="recommend")
        meetings.agenda_item_close(item=meeting.items.get(), by=chair)
    with at(meeting_starts + datetime.timedelta(days=1)):
        prepared = minutes.minutes_prepare(meeting=meeting, adjuster=member, by=project_leader)
        minutes.minutes_approve(minutes=prepared, by=chair)
        minutes.minutes_approve(minutes=prepared, by=member)
    application.refresh_from_db()
    return application, meeting
