"""Reads of applications. Each selector owns its joins, so a list's query count
is decided here."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse

from partnership.models import Body, Call, Principal, Unit, User
from partnership.rules import Roles, roles_of
from partnership.selectors import calls_open_to

from . import submission
from .models import (
    Application,
    ApplicationPdf,
    Attachment,
    Event,
    LogicModelRow,
    Message,
    Section,
    Signatory,
    Signature,
    SigningPdf,
    SigningVersion,
    Snapshot,
    Source,
    Status,
    logic_level_order,
)
from .sections import SECTIONS, SIGNATURES, SectionSpec
from .snapshots import Change, changes


def _listing() -> QuerySet[Application]:
    return Application.objects.select_related(
        "call__partnership", "working_group__municipality", "working_group__appointed_by"
    )


def get_application_for_user(user: User | AnonymousUser, pk: int, *, write: bool = False) -> Application:
    """Fetch an application and check access in one step.

    Someone who may not see it gets 404 (its existence is not revealed); someone
    who may see but not change it gets 403 when asking to write.
    """
    application = _listing().filter(pk=pk).first()
    if application is None or not user.has_perm("applications.view_application", application):
        raise Http404
    if write and not user.has_perm("applications.change_application", application):
        raise PermissionDenied
    return application


def saved_application(application: Application) -> Application:
    """The application as it is stored, without what a bound form has written onto ``application``."""
    return Application.objects.get(pk=application.pk)


def working_groups(roles: Roles) -> QuerySet[Body]:
    """The working groups this person is a member of, by name."""
    return Body.objects.filter(pk__in=roles.working_groups).order_by("name")


def groups_starting_applications(user: User) -> QuerySet[Body]:
    """The working groups in which this person may start an application, by name
    (``applications.create_application``)."""
    candidates = list(working_groups(roles_of(user)))
    allowed = [group.pk for group in candidates if user.has_perm("applications.create_application", group)]
    return Body.objects.filter(pk__in=allowed).order_by("name")


def calls_for_new_application(group: Body) -> QuerySet[Call]:
    """The open calls offered to the group, the nearest deadline first."""
    return calls_open_to(group).order_by("deadline", "pk")


# How many rows each list on a start page shows; the rest are counted and linked.
START_LIST_SIZE = 10


def status_labels() -> dict[str, str]:
    """Each state's label, looked up once (``get_status_display`` rebuilds the choices on every call)."""
    return {value: str(label) for value, label in Status.choices}


@dataclass(frozen=True)
class StartList:
    """The first rows of a list on the start page, how many there are in all, and where the
    whole list is (``link`` is empty when no page lists that set)."""

    rows: list[Any]
    total: int
    link: str = ""

    @property
    def shown(self) -> int:
        return len(self.rows)

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)


def start_list(queryset: QuerySet[Any], *, link: str = "", labels: Mapping[str, str] | None = None) -> StartList:
    """The first ``START_LIST_SIZE`` rows of an ordered queryset and its count: two queries
    whatever the number of rows. With ``labels``, each row (an application) gets its
    ``status_label`` from them."""
    rows = list(queryset[:START_LIST_SIZE])
    total = queryset.order_by().count()
    if labels is not None:
        for row in rows:
            row.status_label = labels.get(row.status, row.status)
    return StartList(rows=rows, total=total, link=link)


def inbox_link(**params: str) -> str:
    """The inbox filtered by ``params`` (its filters are GET parameters)."""
    return f"{reverse('inbox:list')}?{urlencode(params)}" if params else reverse("inbox:list")


def registered_in_led_partnerships(roles: Roles) -> QuerySet[Application]:
    """Registered applications in the calls of the partnerships this person leads as project
    leader: the set the inbox lists. Drafts never appear, nor withdrawn drafts (they never got
    a diarienummer), nor investments imported from the published list (never applied for here)."""
    return Application.objects.filter(
        call__partnership__in=roles.project_leader_partnerships, source=Source.PORTAL, submitted_at__isnull=False
    ).exclude(status=Status.DRAFT)


def _newest_first(queryset: QuerySet[Application]) -> QuerySet[Application]:
    # The inbox's default order, so the rows shown are the first rows of the linked inbox.
    return queryset.order_by("-submitted_at", "-pk")


def group_applications(roles: Roles) -> QuerySet[Application]:
    """The working groups' applications, drafts included, the latest changed first."""
    return (
        _listing()
        .filter(working_group__in=roles.working_groups)
        .exclude(status=Status.WITHDRAWN)
        .order_by("-updated_at", "-pk")
    )


def led_in_state(roles: Roles, status: str) -> QuerySet[Application]:
    """The project leader's registered applications in one state, newest first: what the
    inbox filtered by that state lists."""
    return _newest_first(
        registered_in_led_partnerships(roles)
        .filter(status=status)
        .select_related("call__partnership", "working_group__municipality")
    )


def awaiting_triage(roles: Roles) -> QuerySet[Application]:
    return led_in_state(roles, Status.SUBMITTED)


def complete_without_meeting(roles: Roles) -> QuerySet[Application]:
    return led_in_state(roles, Status.COMPLETE)


def _served(partnerships: frozenset[int], everywhere: bool) -> Q:
    return Q() if everywhere else Q(call__partnership__in=partnerships)


def submitted_for_koncernkontoret(roles: Roles) -> QuerySet[Application]:
    """Registered applications of the partnerships Koncernkontoret serves, newest first."""
    return _newest_first(
        _listing()
        .filter(
            _served(roles.koncernkontoret_partnerships, roles.koncernkontoret_everywhere), submitted_at__isnull=False
        )
        .exclude(status__in=[Status.DRAFT, Status.WITHDRAWN])
    )


def at_run(roles: Roles) -> QuerySet[Application]:
    """Applications at RUN of the partnerships the secretariat serves, newest first."""
    return _newest_first(
        _listing().filter(_served(roles.secretariat_partnerships, roles.secretariat_everywhere), status=Status.AT_RUN)
    )


def followed_by_nsv(roles: Roles) -> QuerySet[Application]:
    return _newest_first(
        _listing()
        .filter(working_group__appointed_by__in=roles.nsv_groups, submitted_at__isnull=False)
        .exclude(status=Status.WITHDRAWN)
    )


def section_overview(application: Application) -> list[tuple[SectionSpec, Section | None]]:
    """Every section in order with its saved state (None: never opened)."""
    saved = {s.key: s for s in application.sections.select_related("updated_by")}
    return [(spec, saved.get(spec.key)) for spec in SECTIONS]


@dataclass(frozen=True)
class Task:
    """One section on the task list: its state and what submission still misses in it."""

    spec: SectionSpec
    section: Section | None
    state: str  # "complete", "in_progress", "not_started", or "optional" (nothing is needed)
    missing: list[submission.Problem]

    @property
    def done(self) -> bool:
        return self.state in {"complete", "optional"}


@dataclass(frozen=True)
class TaskList:
    tasks: list[Task]
    # The principals' signatures: beside the sections, not counted among them.
    signatures: Task | None = None

    @property
    def done(self) -> int:
        return sum(task.done for task in self.tasks)

    @property
    def total(self) -> int:
        return len(self.tasks)


def task_list(application: Application) -> TaskList:
    """Every section with what the submission rules still miss in it (the deadline aside:
    that is no section's to fix). A section is *Klar* when its rules find nothing."""
    saved = {s.key: s for s in application.sections.select_related("updated_by")}
    missing: dict[str, list[submission.Problem]] = {}
    for rule in submission.RULES:
        for problem in rule(application):
            missing.setdefault(problem.section, []).append(problem)
    tasks = []
    for spec in SECTIONS:
        section = saved.get(spec.key)
        found = missing.get(spec.key, [])
        if not spec.needed:
            state = "optional"
        elif not found:
            state = "complete"
        elif section is not None and section.updated_at is not None:
            state = "in_progress"
        else:
            state = "not_started"
        tasks.append(Task(spec=spec, section=section, state=state, missing=found))
    unsigned = missing.get(SIGNATURES.key, [])
    signed_state = (
        "complete" if not unsigned else ("in_progress" if application.signatories.exists() else "not_started")
    )
    return TaskList(tasks=tasks, signatures=Task(spec=SIGNATURES, section=None, state=signed_state, missing=unsigned))


def logic_rows(application: Application) -> QuerySet[LogicModelRow]:
    """The logic model's rows in its own order: resources first, long-term effects last."""
    return application.logic_rows.order_by(logic_level_order(), "pk")


def timeline(application: Application) -> QuerySet[Event]:
    return application.events.select_related("actor").order_by("at", "pk")


def thread(application: Application) -> QuerySet[Message]:
    return application.messages.select_related("author").order_by("created_at", "pk")


def changes_since_return(application: Application) -> list[Change]:
    """What changed between the version the project leader returned and the resubmitted one."""
    snapshots = list(application.snapshots.order_by("-number")[:2])
    if len(snapshots) < 2:
        return []
    latest, returned = snapshots
    return changes(returned.data, latest.data)


def partner_ids(application: Application) -> list[int]:
    return list(application.partners.values_list("pk", flat=True))


def attachments(application: Application) -> QuerySet[Attachment]:
    return application.attachments.select_related("uploaded_by")


def get_attachment(application: Application, pk: int) -> Attachment:
    """One of the application's attachments; 404 for any other."""
    attachment = application.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment


def latest_meeting_id(application: Application) -> int | None:
    """The latest steering-group meeting the application is on, if any."""
    meeting_id: int | None = (
        application.agenda_items.order_by("-meeting__starts_at").values_list("meeting_id", flat=True).first()
    )
    return meeting_id


def latest_run_case_id(application: Application) -> int | None:
    """The application's latest case at RUN, if any."""
    case_id: int | None = application.run_cases.order_by("-pk").values_list("pk", flat=True).first()
    return case_id


def latest_snapshot(application: Application) -> Snapshot | None:
    """The version the group sent last (None before the first submission)."""
    snapshot: Snapshot | None = application.snapshots.order_by("-number").first()
    return snapshot


def get_submitted_application_for_user(user: User | AnonymousUser, pk: int) -> Application:
    """A submitted application this person may see; 404 for a draft or anyone else's."""
    application = get_application_for_user(user, pk)
    if not application.is_submitted:
        raise Http404
    return application


def get_application_pdf_for_user(user: User | AnonymousUser, pk: int) -> tuple[Application, ApplicationPdf | None]:
    """The application and the PDF of the version it was last sent as (None while it is being
    rendered), if this person may read it; 404 for everyone else and before any submission."""
    application = _listing().filter(pk=pk).first()
    if application is None or not user.has_perm("applications.view_application_pdf", application):
        raise Http404
    snapshot = latest_snapshot(application)
    if snapshot is None:
        raise Http404
    return application, ApplicationPdf.objects.filter(snapshot=snapshot).first()


# --- the principals' signatures ---------------------------------------------------------------


def get_signatory_for_user(user: User | AnonymousUser, pk: int) -> Signatory:
    """A signing duty, for the person named in it only: anyone else gets 404."""
    signatory = (
        Signatory.objects.select_related("application__call__partnership", "application__working_group", "organisation")
        .filter(pk=pk)
        .first()
    )
    if signatory is None or not user.has_perm("applications.view_signing", signatory):
        raise Http404
    return signatory


def get_signing_pdf_for_user(user: User | AnonymousUser, pk: int) -> tuple[SigningVersion, SigningPdf | None]:
    version = SigningVersion.objects.select_related("application").filter(pk=pk).first()
    if version is None or not user.has_perm("applications.view_signing_version", version):
        raise Http404
    return version, SigningPdf.objects.filter(version=version).first()


def signing_versions(application: Application) -> QuerySet[SigningVersion]:
    return application.signing_versions.select_related("pdf").order_by("-number")


def sent_signatures(application: Application) -> list[Signature]:
    """The principals' signatures of the version last sent."""
    snapshot = application.snapshots.order_by("-number").first()
    if snapshot is None:
        return []
    return list(snapshot.signatures.select_related("person", "version").order_by("principal"))


def signing_duties(user: User) -> list[Signatory]:
    """What this person is asked to sign now (one query when nothing)."""
    from .signatures import open_duties

    return open_duties(user)


# --- the units a partners section offers ------------------------------------------------------

UNIT_SEARCH_LIMIT = 25


@dataclass(frozen=True)
class PartnerUnits:
    """The units the partners section's selects list, and the units found by a search.

    ``offered``: the units of the application's municipalities (of both principals), the
    region's units that belong to no one municipality, the units already chosen (saved or
    posted) and the units found. ``found``: the search's hits, at most ``UNIT_SEARCH_LIMIT``
    (``more`` when there were more)."""

    offered: list[Unit]
    found: list[Unit]
    search: str
    more: bool


def _units_allowed(application: Application) -> Q:
    """The units an application of this call may name as partners: those of the partnership's
    sub-region (of the whole region for a region-wide partnership) and those of no municipality."""
    place = (
        Call.objects.filter(pk=application.call_id)
        .values_list("partnership__sub_region_id", "partnership__region_id")
        .first()
    )
    sub_region_id, region_id = place if place is not None else (None, None)
    if sub_region_id:
        nearby = Q(municipality__sub_region_id=sub_region_id)
    else:
        nearby = Q(municipality__sub_region__region_id=region_id)
    return nearby | Q(municipality__isnull=True)


def _units_in_order(units: QuerySet[Unit]) -> QuerySet[Unit]:
    # The region's units first, then by organisation and name.
    return units.select_related("organisation").order_by("-organisation__principal", "organisation__name", "name")


def partner_units(application: Application, *, chosen: set[int], search: str = "") -> PartnerUnits:
    """What the partners section offers (three queries whatever the number of units and rows).

    ``chosen``: the units the page posted; those allowed stay offered. A unit already saved as
    a partner stays offered whatever it is. ``search``: part of a unit's (or its organisation's)
    name; the allowed units that match are offered too."""
    allowed = _units_allowed(application)
    search = " ".join(search.replace("\x00", "").split())[:100]  # PostgreSQL takes no NUL in a string
    found: list[Unit] = []
    if search:
        matches = Unit.objects.filter(allowed).filter(
            Q(name__icontains=search) | Q(organisation__name__icontains=search)
        )
        found = list(_units_in_order(matches)[: UNIT_SEARCH_LIMIT + 1])
    more = len(found) > UNIT_SEARCH_LIMIT
    found = found[:UNIT_SEARCH_LIMIT]
    own = Q(municipality__in=application.municipalities.values("pk")) | Q(
        organisation__principal=Principal.REGION, municipality__isnull=True
    )
    offered = _units_in_order(
        Unit.objects.filter(
            own
            | Q(pk__in=application.partners.filter(unit__isnull=False).values("unit_id"))
            | (Q(pk__in=chosen | {unit.pk for unit in found}) & allowed)
        )
    )
    return PartnerUnits(offered=list(offered), found=found, search=search, more=more)
