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
            # Out of the range the real counter gives (SIM 2026/0001 …), so a test may submit beside it.
            reference_number=factory.Sequence(lambda n: f"SIM 2026/9{n:04d}"),
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


def clear_of_factory_reference_numbers(year: int) -> None:
    """Let the year's real diarienummer counter start above the numbers ApplicationFactory's
    sequence makes up (``SIM <year>/0001`` …), so that both can be used in one test."""
    from applications.models import ReferenceCounter

    ReferenceCounter.objects.bulk_create([ReferenceCounter(year=year)], ignore_conflicts=True)
    ReferenceCounter.objects.filter(year=year, last_number__lt=7000).update(last_number=7000)


def recommended_through_services(
    *, call: Call, working_group: Body, title: str = "Språkstöd i förskolan", days_ago: int = 10
) -> tuple[Application, Meeting]:
    """An application the steering group of the call's partnership recommended, each step made
    through the services on a day it may be made on: written, submitted by the group's leader
    and accepted by the project leader ``days_ago`` days ago and put on a published agenda; voted
    on by every voting member and closed by the chair at the meeting the next day; the minutes
    approved the day after. Returns the application and its meeting."""
    from applications import services
    from reviews import meetings, minutes
    from reviews.models import voting_memberships_on

    steering_group = Body.objects.get(kind=BodyKind.STEERING_GROUP, partnership=call.partnership_id)
    leader = Membership.objects.current().get(body=working_group, role=MembershipRole.LEADER).person
    project_leader = (
        Membership.objects.current()
        .filter(body__partnership=call.partnership_id, role=MembershipRole.PROJECT_LEADER)
        .order_by("pk")
        .first()
        .person
    )
    start = timezone.now() - datetime.timedelta(days=days_ago)
    meeting_starts = start + datetime.timedelta(days=1)
    # Who votes is who held a vote on the meeting's day.
    voting = voting_memberships_on(steering_group.pk, timezone.localdate(meeting_starts)).order_by("pk")
    voters = [m.person for m in voting]
    chair = next(m.person for m in voting if m.role == MembershipRole.CHAIR)
    adjuster = next(person for person in voters if person != chair)
    clear_of_factory_reference_numbers(timezone.localtime(start).year)
    with at(start):
        application = complete_application(call, working_group, title=title, by=leader)
        services.application_submit(application=application, by=leader)
        application = services.application_accept(application=application, by=project_leader)
        meeting = meetings.meeting_schedule(
            steering_group=steering_group, starts_at=meeting_starts, place="Stadshuset", by=project_leader
        )
        meetings.agenda_add(meeting=meeting, application=application, summary="Språkstöd.", by=project_leader)
        meeting = meetings.meeting_publish(meeting=meeting, by=project_leader)
    with at(meeting_starts + datetime.timedelta(minutes=30)):
        meetings.attendance_record(meeting=meeting, present=[p.pk for p in voters], by=project_leader)
        for voter in voters:
            meetings.vote_cast(item=meeting.items.get(), member=voter, choice="recommend")
        meetings.agenda_item_close(item=meeting.items.get(), by=chair)
    with at(meeting_starts + datetime.timedelta(days=1)):
        prepared = minutes.minutes_prepare(meeting=meeting, adjuster=adjuster, by=project_leader)
        minutes.minutes_approve(minutes=prepared, by=chair)
        minutes.minutes_approve(minutes=prepared, by=adjuster)
    application.refresh_from_db()
    return application, meeting


def decided_through_services(
    application: Application, *, secretariat: User, days_ago: int = 5, decide: bool = True, with_letter: bool = True
):
    """Forward a recommended application (as its project leader) to RUN's meeting ``days_ago``
    days ago, entered by the secretariat three days before, and record RUN's rejection on
    that day (unless not ``decide``); the letter is stored as a stand-in file (nothing is rendered). Returns the case
    and the decision."""
    from django.core.files.base import ContentFile

    from decisions import services as decision_services
    from decisions.models import DecisionLetter, RunMeeting

    project_leader = (
        Membership.objects.current()
        .filter(body__partnership=application.call.partnership_id, role=MembershipRole.PROJECT_LEADER)
        .order_by("pk")
        .first()
        .person
    )
    held_on = timezone.localdate() - datetime.timedelta(days=days_ago)
    with at(timezone.now() - datetime.timedelta(days=days_ago + 3)):
        meeting = RunMeeting.objects.filter(held_on=held_on).first() or decision_services.run_meeting_create(
            held_on=held_on, place="Regionens hus, Vänersborg", by=secretariat
        )
        case = decision_services.case_forward(application=application, run_meeting=meeting, by=project_leader)
    if not decide:
        return case, None
    noon = datetime.datetime.combine(held_on, datetime.time(12, 0), tzinfo=timezone.get_current_timezone())
    with at(noon):
        decision = decision_services.decision_record(
            case=case,
            outcome="rejected",
            paragraph=f"{case.pk + 200}",
            decided_on=held_on,
            reasons="Insatsen ryms inte i utlysningens inriktning.",
            by=secretariat,
        )
    if with_letter:
        letter = DecisionLetter(decision=decision, filename=f"beslutsbrev-{decision.pk}.pdf", sha256="0" * 64, size=9)
        letter.pdf.save(letter.filename, ContentFile(b"%PDF-1.4\n"), save=True)
    return case, decision
