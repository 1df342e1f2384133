import contextlib
import copy
import datetime
import typing
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
    """A draft (the model's default state); every later state is reached through the services."""

    class Meta:
        model = Application

    title = factory.Sequence(lambda n: f"Tidig språkutveckling {n}")


def group_leader(working_group: Body) -> User:
    return Membership.objects.current().get(body=working_group, role=MembershipRole.LEADER).person


def project_leader_of(call: Call) -> User:
    return (
        Membership.objects.current()
        .filter(body__partnership=call.partnership_id, role=MembershipRole.PROJECT_LEADER)
        .order_by("pk")
        .first()
        .person
    )


def submitted_application(
    *,
    call: Call,
    working_group: Body,
    title: str = "Språkstöd i förskolan",
    at: datetime.datetime | None = None,
    **overrides,
) -> Application:
    """A complete draft submitted by the group's leader through ``application_submit``
    (``at``: the moment it counts as submitted; the deadline is checked against it)."""
    from applications import services

    leader = group_leader(working_group)
    application = complete_application(call, working_group, title=title, by=leader, **overrides)
    return services.application_submit(application=application, by=leader, at=at)


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


def published_agenda(
    demo, applications: list[Application], *, place: str = "Stadshuset", starts_at: datetime.datetime | None = None
) -> Meeting:
    """A meeting of the demo's steering group, scheduled by the project leader a week ahead (or at
    ``starts_at``), with the complete ``applications`` on its agenda in that order, and published."""
    from reviews import services as meetings

    project_leader = demo.person("project_leader")
    meeting = meetings.meeting_schedule(
        steering_group=demo.steering_group(),
        starts_at=starts_at or timezone.now() + datetime.timedelta(days=7),
        place=place,
        by=project_leader,
    )
    for application in applications:
        meetings.agenda_add(meeting=meeting, application=application, summary=application.title, by=project_leader)
    return meetings.meeting_publish(meeting=meeting, by=project_leader)


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


def _recommended_together(
    applications: list[Application],
    *,
    call: Call,
    start: datetime.datetime,
    adjuster: User | None = None,
    approve: bool = True,
) -> Meeting:
    """Put complete applications on one steering-group meeting the day after ``start``, scheduled
    and published on ``start``; every voting member recommends each item, the chair closes it,
    and the day after the meeting the minutes get their adjuster (``adjuster``, or the first
    voting member who is not the chair) and, if ``approve``, are approved by both."""
    from reviews import services as meetings
    from reviews import services as review_services
    from reviews.models import voting_memberships_on

    steering_group = Body.objects.get(kind=BodyKind.STEERING_GROUP, partnership=call.partnership_id)
    project_leader = project_leader_of(call)
    meeting_starts = start + datetime.timedelta(days=1)
    # Who votes is who held a vote on the meeting's day.
    voting = voting_memberships_on(steering_group.pk, timezone.localdate(meeting_starts)).order_by("pk")
    voters = [m.person for m in voting]
    chair = next(m.person for m in voting if m.role == MembershipRole.CHAIR)
    adjuster = adjuster or next(person for person in voters if person != chair)
    with at(start):
        meeting = meetings.meeting_schedule(
            steering_group=steering_group, starts_at=meeting_starts, place="Stadshuset", by=project_leader
        )
        for application in applications:
            meetings.agenda_add(meeting=meeting, application=application, summary="Språkstöd.", by=project_leader)
        meeting = meetings.meeting_publish(meeting=meeting, by=project_leader)
    with at(meeting_starts + datetime.timedelta(minutes=30)):
        meetings.attendance_record(meeting=meeting, present=[p.pk for p in voters], by=project_leader)
        for item in meeting.items.order_by("position"):
            for voter in voters:
                meetings.vote_cast(item=item, member=voter, choice="recommend")
            meetings.agenda_item_close(item=item, by=chair)
    with at(meeting_starts + datetime.timedelta(days=1)):
        prepared = review_services.minutes_prepare(meeting=meeting, adjuster=adjuster, by=project_leader)
        if approve:
            review_services.minutes_approve(minutes=prepared, by=chair)
            review_services.minutes_approve(minutes=prepared, by=adjuster)
    return meeting


def minuted_meeting(*, call: Call, working_group: Body, adjuster: User, days_ago: int = 10) -> Meeting:
    """A steering-group meeting held ``days_ago - 1`` days ago that recommended one application of
    ``working_group``, whose minutes have ``adjuster`` appointed and are not yet approved."""
    from applications import services

    leader = group_leader(working_group)
    start = timezone.now() - datetime.timedelta(days=days_ago)
    with at(start):
        application = complete_application(call, working_group, title="Protokollförd insats", by=leader)
        services.application_submit(application=application, by=leader)
        application = services.application_accept(application=application, by=project_leader_of(call))
    return _recommended_together([application], call=call, start=start, adjuster=adjuster, approve=False)


def recommended_through_services(
    *, call: Call, working_group: Body, title: str = "Språkstöd i förskolan", days_ago: int = 10
) -> tuple[Application, Meeting]:
    """An application the steering group of the call's partnership recommended, each step made
    through the services on a day it may be made on: written, submitted by the group's leader
    and accepted by the project leader ``days_ago`` days ago and put on a published agenda; voted
    on by every voting member and closed by the chair at the meeting the next day; the minutes
    approved the day after. Returns the application and its meeting."""
    from applications import services

    leader = group_leader(working_group)
    start = timezone.now() - datetime.timedelta(days=days_ago)
    clear_of_factory_reference_numbers(timezone.localtime(start).year)
    with at(start):
        application = complete_application(call, working_group, title=title, by=leader)
        services.application_submit(application=application, by=leader)
        application = services.application_accept(application=application, by=project_leader_of(call))
    meeting = _recommended_together([application], call=call, start=start)
    application.refresh_from_db()
    return application, meeting


# The states the shared builder reaches, in the order of the workflow.
BUILT_STATES = (
    Status.DRAFT,
    Status.SUBMITTED,
    Status.RETURNED,
    Status.COMPLETE,
    Status.WITHDRAWN,
    Status.RECOMMENDED,
    Status.AT_RUN,
)
LATER_STATES = frozenset({Status.RECOMMENDED, Status.AT_RUN})


def _copied(rows, **fields):
    """Unsaved copies of model instances, with ``fields`` set on each."""
    copies = []
    for row in rows:
        duplicate = copy.copy(row)
        duplicate.pk = None
        duplicate._state.adding = True
        for name, value in fields.items():
            setattr(duplicate, name, value)
        copies.append(duplicate)
    return copies


def _complete_drafts(template: Application, titles: list[str]) -> list[Application]:
    """Drafts with every section of ``template`` (a complete draft) copied in a few bulk inserts.
    Whether they are complete is still for ``application_submit`` to decide."""
    from applications.models import (
        AddressedArea,
        BudgetYear,
        CoFinancing,
        CriterionAnswer,
        LogicModelRow,
        Partner,
        Section,
        Signatory,
    )

    drafts = Application.objects.bulk_create(
        [_copied([template], title=title, reference_number=None, submitted_at=None)[0] for title in titles]
    )
    municipality_ids = list(template.municipalities.values_list("pk", flat=True))
    Application.municipalities.through.objects.bulk_create(
        [
            Application.municipalities.through(application_id=draft.pk, municipality_id=pk)
            for draft in drafts
            for pk in municipality_ids
        ]
    )
    for model in (Section, LogicModelRow, CriterionAnswer, AddressedArea, Signatory):
        rows = list(model.objects.filter(application=template).order_by("pk"))
        model.objects.bulk_create([row for draft in drafts for row in _copied(rows, application=draft)])
    partners = list(Partner.objects.filter(application=template).order_by("pk"))
    years = list(BudgetYear.objects.filter(application=template).order_by("pk"))
    shares = list(CoFinancing.objects.filter(budget_year__application=template).order_by("pk"))
    new_partners = Partner.objects.bulk_create([p for draft in drafts for p in _copied(partners, application=draft)])
    new_years = BudgetYear.objects.bulk_create([y for draft in drafts for y in _copied(years, application=draft)])
    partner_at = {p.pk: i for i, p in enumerate(partners)}
    year_at = {y.pk: i for i, y in enumerate(years)}
    CoFinancing.objects.bulk_create(
        [
            _copied(
                [share],
                partner=new_partners[n * len(partners) + partner_at[share.partner_id]],
                budget_year=new_years[n * len(years) + year_at[share.budget_year_id]],
            )[0]
            for n in range(len(drafts))
            for share in shares
        ]
    )
    return drafts


def signed_again(draft: Application, *, by: User | None = None) -> Application:
    """The signatories already named are asked to sign the application as it reads now (after an
    edit voided their signatures, or on a copy that has its template's signatories) and sign it,
    through the services. ``by``: the group member who asks (default: the group's leader)."""
    from applications import signatures
    from applications.signature_methods import Confirmation

    draft = Application.objects.get(pk=draft.pk)
    signatures.signatures_request(application=draft, by=by or group_leader(draft.working_group))
    version = draft.signing_versions.order_by("-number").first()
    for signatory in signatures.current_signatories(draft).values():
        signatures.signature_add(
            signatory=signatory,
            version=version,
            by=signatory.person,
            confirmation=Confirmation(method="demo", identity=signatory.person.username),
        )
    return draft


def applications_through_services(
    demo,
    count: int,
    *,
    states: tuple[str, ...] = (Status.SUBMITTED,),
    municipalities: tuple[str, ...] = ("Uddevalla",),
    first: int = 1,
    title: str = "Insats nummer {number}",
    submitted_at: datetime.datetime | None = None,
) -> list[Application]:
    """``count`` applications of the demo's open call, numbered from ``first``: number ``n`` is
    written for the working group of ``municipalities[n % len]`` and reaches ``states[n % len]``
    through the real services (submitted by the group's leader, in number order, so that the
    diarienummer follow the numbers; accepted, returned or withdrawn by who may do it).

    What is expensive is shared: the drafts are copies of one complete draft per group, and the
    recommended ones (and those sent on to RUN) share one steering-group meeting ten days ago
    and one RUN meeting a week ahead. ``submitted_at`` (default: now, or ten days ago when
    later states are asked for) is when the first one counts as submitted, each next one a
    minute later. A state it cannot reach is refused (ValueError)."""
    from applications import services

    unknown = set(states) - set(BUILT_STATES)
    if unknown:
        raise ValueError(f"applications_through_services cannot reach {sorted(unknown)}")
    call = demo.call()
    project_leader = demo.person("project_leader")
    numbers = list(range(first, first + count))
    state_of = {n: states[n % len(states)] for n in numbers}
    group_of = {n: demo.working_group(municipalities[n % len(municipalities)]) for n in numbers}
    later = any(state in LATER_STATES for state in state_of.values())
    start = timezone.now() - datetime.timedelta(days=10) if later else timezone.now()
    first_moment = submitted_at or start
    drafts: dict[int, Application] = {}
    with at(start) if later else contextlib.nullcontext():
        for group in {g.pk: g for g in group_of.values()}.values():
            mine = [n for n in numbers if group_of[n].pk == group.pk]
            template = complete_application(call, group, title=title.format(number=mine[0]), by=group_leader(group))
            drafts[mine[0]] = template
            copies = _complete_drafts(template, [title.format(number=n) for n in mine[1:]])
            for copy_of_template in copies:
                signed_again(copy_of_template, by=group_leader(group))
            drafts.update(zip(mine[1:], copies, strict=True))
        built = []
        for offset, n in enumerate(numbers):
            application, state = drafts[n], state_of[n]
            leader = group_leader(group_of[n])
            if state != Status.DRAFT:
                moment = first_moment + datetime.timedelta(minutes=offset)
                application = services.application_submit(application=application, by=leader, at=moment)
            if state == Status.RETURNED:
                application = services.application_request_completion(
                    application=application, by=project_leader, message="Komplettera budgeten."
                )
            elif state == Status.WITHDRAWN:
                application = services.application_withdraw(
                    application=application, by=leader, message="Vi söker i nästa omgång."
                )
            elif state in {Status.COMPLETE} | LATER_STATES:
                application = services.application_accept(application=application, by=project_leader)
            built.append(application)
    recommended = [a for n, a in zip(numbers, built, strict=True) if state_of[n] in LATER_STATES]
    if recommended:
        _recommended_together(recommended, call=call, start=start)
        for n, application in zip(numbers, built, strict=True):
            if state_of[n] == Status.AT_RUN:
                decided_through_services(application, secretariat=demo.person("secretariat"), days_ago=-7, decide=False)
    for application in built:
        application.refresh_from_db()
    return built


def decided_through_services(
    application: Application,
    *,
    secretariat: User,
    days_ago: int = 5,
    decide: bool = True,
    with_letter: bool = True,
    outcome: str = "rejected",
):
    """Forward a recommended application (as its project leader) to RUN's meeting ``days_ago``
    days ago, entered by the secretariat three days before, and record RUN's decision on
    that day (unless not ``decide``): a rejection, or with ``outcome="approved"`` a grant of what
    was applied for each year; the letter is stored as a stand-in file (nothing is rendered).
    Returns the case and the decision."""
    from django.core.files.base import ContentFile

    from decisions import selectors as decision_selectors
    from decisions import services as decision_services
    from decisions.models import DecisionLetter, RunMeeting

    project_leader = project_leader_of(application.call)
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
            outcome=outcome,
            paragraph=f"{case.pk + 200}",
            decided_on=held_on,
            reasons="" if outcome == "approved" else "Insatsen ryms inte i utlysningens inriktning.",
            granted=decision_selectors.grant_limits(case) if outcome == "approved" else None,
            by=secretariat,
        )
    if with_letter:
        letter = DecisionLetter(decision=decision, filename=f"beslutsbrev-{decision.pk}.pdf", sha256="0" * 64, size=9)
        letter.pdf.save(letter.filename, ContentFile(b"%PDF-1.4\n"), save=True)
    return case, decision


def imported_investments(*investments: dict) -> list[Application]:
    """Granted investments read in through ``investments_import``, as from the published list.

    Each investment is a dict with ``title`` and, optionally, ``completed`` (else ongoing) and
    the texts of its lines: ``partners``, ``purpose``, ``target_group``, ``period`` (as the page
    writes it, e.g. ``2019-01-01 - 2021-12-31``; ``None`` leaves the line out) and ``content``.
    Returns the imported applications in the order given."""
    from applications.importers import investments_import

    def block(investment: dict) -> str:
        lines = [
            investment["title"],
            f"Samverkansparter: {investment.get('partners', '')}",
            f"Syfte: {investment.get('purpose', '')}",
            f"Målgrupp: {investment.get('target_group', '')}",
        ]
        if investment.get("period", "2019-01-01 - 2021-12-31") is not None:
            lines.append(f"Tidsperiod: {investment.get('period', '2019-01-01 - 2021-12-31')}")
        lines.append(f"Innehåll: {investment.get('content', '')}")
        return "\n".join(lines)

    ongoing = [block(i) for i in investments if not i.get("completed")]
    completed = [block(i) for i in investments if i.get("completed")]
    text = "\n\n".join(["Pågående sociala investeringar", *ongoing, "Avslutade investeringar", *completed])
    investments_import(text=text)
    titles = [investment["title"] for investment in investments]
    by_title = {a.title: a for a in Application.objects.filter(source="import", title__in=titles)}
    return [by_title[title] for title in titles]


def a_notification(**fields: typing.Any):
    """A notification added through the service (so the person's unread count includes it)."""
    from notifications.services import notification_add

    return notification_add(**fields)[0]
