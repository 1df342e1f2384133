"""A large, realistic data set for the page benchmark (``scripts/bench-pages``, ``manage.py bench_data``).

Both demo partnerships (Fyrbodal's and the region-wide one, from ``seed_demo``) get *shapes*: a few
dozen applications in every state the workflow reaches, built one by one through the real services
(written, signed, submitted, returned, withdrawn, accepted, put on a steering-group meeting, voted
on, minuted, forwarded to RUN and decided). The shapes are then copied in bulk, with every row that
belongs to them (sections, budget, partners, signatures, timeline, agenda items, votes, minutes,
RUN's cases, decisions, granted years), into calls spread over ten years: each copy moves every date
back by its own number of days and gets diarienummer of its own year. Last, one very large upcoming
steering-group meeting (``LARGE_MEETING_ITEMS`` items) is scheduled and published through the services.

What is expensive is done once; 10,000 applications take minutes. It refuses a database that
already holds applications (build it on a database of its own).
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone

COPIED_APPS = ("applications", "reviews", "decisions")
FIRST_YEAR = 2017
YEARS = 10
LARGE_MEETING_ITEMS = 150
SHAPES = 56  # applications built through the services in Fyrbodal (28 in the region-wide partnership)
FYRBODAL_GROUPS = ("Uddevalla", "Färgelanda", "Mellerud", "Munkedal")  # the demo groups with a leader
REGION_GROUPS = ("Borås", "Göteborg")
LARGE_MEETING_PLACE = "Stadshuset, stora salen"


class BenchDataRefused(Exception):
    """The database cannot take the benchmark's data (it is not empty)."""


@dataclass
class Shapes:
    """The rows the shapes made: for each model of the copied apps, the primary keys."""

    rows: dict[type[models.Model], list[models.Model]]  # as they were when the shapes were built
    applications: int


def log(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def database_check() -> None:
    from applications.models import Application

    if Application.objects.exists():
        raise BenchDataRefused(
            "Databasen har redan ansökningar. Bygg jämförelsedata på en egen, tom databas "
            "(scripts/bench-pages gör det), eller mät på den som den är med --reuse."
        )


def _demos():
    from tests.conftest import Demo, RegionDemo

    return Demo(), RegionDemo()


def shapes_build(shapes: int = SHAPES) -> Shapes:
    """The demo's two partnerships and applications in every state built through the services:
    ``shapes`` in Fyrbodal (spread over its groups), half as many (at least one a state) in the region-wide one."""
    from django.core.management import call_command

    from applications.models import Application, Status
    from partnership.management.commands.seed_demo import Command
    from tests.factories import BUILT_STATES, applications_through_services, decided_through_services

    database_check()
    with transaction.atomic():
        Command().build(demo_logins=True)
        Command().build_region_wide(demo_logins=True)
    call_command("import_investments", verbosity=0)
    fyrbodal, region = _demos()
    for demo, groups, count in (
        (fyrbodal, FYRBODAL_GROUPS, max(7, shapes)),
        (region, REGION_GROUPS, max(7, shapes // 2)),
    ):
        log(f"{demo.call().partnership.short_name}: {count} applications through the services")
        built = applications_through_services(demo, count, states=BUILT_STATES, municipalities=groups)
        recommended = [a for a in built if a.status == Status.RECOMMENDED]
        for number, application in enumerate(recommended):
            decided_through_services(
                application,
                secretariat=demo.person("secretariat"),
                days_ago=3,
                outcome="approved" if number % 2 == 0 else "rejected",
                with_letter=False,  # the service has made the letter
            )
    # The imported investments are the archive's; they (and what hangs on them) are not copied.
    imported = Application.objects.filter(source="import").values_list("pk", flat=True)
    keys = shape_rows(excluded={Application: set(imported)})
    rows = {model: list(model._default_manager.filter(pk__in=pks).order_by("pk")) for model, pks in keys.items()}
    return Shapes(rows=rows, applications=len(rows[Application]))


def copied_models() -> list[type[models.Model]]:
    """The models copied with an application: applications, steering-group meetings and RUN's
    meetings, and every model of the three apps that points at one of them (many-to-many tables
    included), each after every copied model it points to."""
    candidates = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in COPIED_APPS and not model.__name__.startswith("Historical")
    ]
    roots = {"applications.application", "reviews.meeting", "decisions.runmeeting"}
    ordered: list[type[models.Model]] = [m for m in candidates if m._meta.label_lower in roots]
    remaining = [m for m in candidates if m not in ordered]
    while True:
        for model in remaining:
            targets = {
                f.related_model
                for f in model._meta.concrete_fields
                if f.is_relation and f.related_model in candidates and f.related_model is not model
            }
            if targets and targets <= set(ordered):
                ordered.append(model)
                remaining.remove(model)
                break
        else:
            return ordered


def shape_rows(*, excluded: dict[type[models.Model], set[int]]) -> dict[type[models.Model], list[int]]:
    """The primary keys of every copied model's rows, without ``excluded`` and what points at them."""
    order = copied_models()
    kept: dict[type[models.Model], set[int]] = {}
    for model in order:
        links = [
            f for f in model._meta.concrete_fields if f.is_relation and f.related_model in kept and not f.primary_key
        ]
        pk_name = model._meta.pk.attname
        names = [pk_name, *(f.attname for f in links)]
        if model._meta.pk.is_relation:
            links = [model._meta.pk, *links]
        keep = set()
        for values in model._default_manager.values_list(*names):
            row = dict(zip(names, values, strict=True))
            if row[pk_name] in excluded.get(model, set()):
                continue
            if all(row[f.attname] is None or row[f.attname] in kept[f.related_model] for f in links):
                keep.add(row[pk_name])
        kept[model] = keep
    return {model: sorted(pks) for model, pks in kept.items()}


def calls_over_years() -> dict[str, dict[int, dict[int, int]]]:
    """For each partnership, a call for each of the ten years (the open call is this year's),
    copied from the open call with its priority areas. Returns ``{"calls": {year: {open call's pk:
    that year's pk}}, "areas": the same for the priority areas}``."""
    from partnership.models import PriorityArea

    year_now = timezone.localdate().year
    calls: dict[int, dict[int, int]] = defaultdict(dict)
    areas: dict[int, dict[int, int]] = defaultdict(dict)
    for demo in _demos():
        current = demo.call()
        calls[year_now][current.pk] = current.pk
        current_areas = list(PriorityArea.objects.filter(call=current).order_by("pk"))
        for area in current_areas:
            areas[year_now][area.pk] = area.pk
        parts = list(current.parts.values_list("pk", flat=True))
        for year in range(year_now - YEARS + 1, year_now):
            back = datetime.timedelta(days=round(365.25 * (year_now - year)))
            made = copy.copy(current)
            made.pk = None
            made._state.adding = True
            made.name = f"{current.partnership.short_name}, ansökningsomgång {year}"
            made.opens_on -= back
            made.deadline -= back
            made.steering_group_meeting_on -= back
            made.run_meeting_on -= back
            made.save()
            made.parts.set(parts)
            calls[year][current.pk] = made.pk
            for area in current_areas:
                copied = PriorityArea.objects.create(
                    **{
                        f.attname: getattr(area, f.attname)
                        for f in PriorityArea._meta.concrete_fields
                        if not f.primary_key and f.name != "call"
                    },
                    call=made,
                )
                areas[year][area.pk] = copied.pk
    return {"calls": dict(calls), "areas": dict(areas)}


@contextlib.contextmanager
def pdfs_stood_in() -> Iterator[None]:
    """The documents the services make (application PDFs, signing versions, decision letters,
    minutes) are stored as a one-page stand-in: rendering each with WeasyPrint takes a second or
    more, and what the benchmark measures are the pages, which only link to them."""
    import hashlib
    from unittest import mock

    from simportal import pdf

    # One real (small) document, rendered once, that every reader of a PDF can open.
    content = pdf.html_to_pdf("<!doctype html><title>SIM-portalen</title><p>Jämförelsedata.</p>").content

    def stand_in(html: str, *, variant: str | None = pdf.PDF_VARIANT) -> pdf.RenderedPdf:
        return pdf.RenderedPdf(
            content=content,
            sha256=hashlib.sha256(content + html.encode()).hexdigest(),
            variant=None,
            tagged=False,
            seconds=0.0,
            served_urls=(),
            refused_urls=(),
        )

    with mock.patch.object(pdf, "html_to_pdf", stand_in):
        yield


@contextlib.contextmanager
def dates_as_given() -> Iterator[None]:
    """Let bulk_create keep the copied created/updated moments instead of stamping them now."""
    touched = []
    for model in copied_models():
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                touched.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in touched:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def grow(shapes: Shapes, applications: int, *, chunk: int = 8) -> int:
    """Copy the shapes until the database holds about ``applications`` applications of the two
    partnerships; returns how many copies were made."""
    from applications.models import Application, ReferenceCounter
    from decisions import totals
    from partnership.models import Call, PriorityArea

    copies = max(0, round((applications - shapes.applications) / shapes.applications))
    if not copies:
        return 0
    years = calls_over_years()
    year_now = timezone.localdate().year
    # Whole weeks back, a different number for each copy, spread over the ten years: the dates of
    # two copies never meet (RUN meets at most once a day), the shapes' own are ten days apart.
    weeks = YEARS * 52
    plan = []
    for k in range(copies):
        back = datetime.timedelta(weeks=1 + (k * weeks // copies if copies <= weeks else k))
        year = max(year_now - YEARS + 1, (timezone.localdate() - back).year)
        plan.append((year, back))
    order = copied_models()
    copied = set(order)
    templates = shapes.rows
    last_number: dict[int, int] = dict(ReferenceCounter.objects.values_list("year", "last_number"))
    made = 0
    with dates_as_given():
        for start in range(0, copies, chunk):
            batch = plan[start : start + chunk]
            with transaction.atomic():
                mapping: list[dict[type[models.Model], dict[int, int]]] = [defaultdict(dict) for _ in batch]
                for model in order:
                    rows = templates.get(model, [])
                    if not rows:
                        continue
                    fresh = [
                        _copy_row(
                            row,
                            mapping[index],
                            copied=copied,
                            back=back,
                            calls=years["calls"][year],
                            areas=years["areas"][year],
                            numbers=last_number,
                            call_model=Call,
                            area_model=PriorityArea,
                            application_model=Application,
                        )
                        for index, (year, back) in enumerate(batch)
                        for row in rows
                    ]
                    model._default_manager.bulk_create(fresh, batch_size=2000)
                    pk_name = model._meta.pk.attname
                    for index in range(len(batch)):
                        for position, row in enumerate(rows):
                            made_row = fresh[index * len(rows) + position]
                            mapping[index][model][getattr(row, pk_name)] = getattr(made_row, pk_name)
                for year, number in last_number.items():
                    ReferenceCounter.objects.update_or_create(year=year, defaults={"last_number": number})
            made += len(batch)
            log(f"{shapes.applications * (made + 1)} of about {applications} applications")
    # The ledger's running totals are kept by the services that record; the copies did not go through them.
    totals.rebuild()
    return made


def _copy_row(row, mapping, *, copied, back, calls, areas, numbers, call_model, area_model, application_model):
    duplicate = copy.copy(row)
    duplicate._state = copy.copy(row._state)
    duplicate._state.adding = True
    duplicate._state.fields_cache = {}
    meta = row._meta
    if not meta.pk.is_relation:
        setattr(duplicate, meta.pk.attname, None)
    for field in meta.concrete_fields:
        value = getattr(duplicate, field.attname)
        if value is None:
            continue
        if field.is_relation:
            target = field.related_model
            if target in copied:
                setattr(duplicate, field.attname, mapping[target][value])
            elif target is call_model:
                setattr(duplicate, field.attname, calls.get(value, value))
            elif target is area_model:
                setattr(duplicate, field.attname, areas.get(value, value))
        elif isinstance(field, models.DateTimeField | models.DateField):
            setattr(duplicate, field.attname, value - back)
    if isinstance(row, application_model) and row.reference_number:
        moment = duplicate.submitted_at or duplicate.created_at
        year = timezone.localtime(moment).year if isinstance(moment, datetime.datetime) else moment.year
        numbers[year] = numbers.get(year, 0) + 1
        duplicate.reference_number = f"SIM {year}/{numbers[year]:04d}"
    return duplicate


def large_meeting_build(items: int = LARGE_MEETING_ITEMS):
    """An upcoming steering-group meeting of Fyrbodal, published, with up to ``items`` complete
    applications of the partnership (the newest first, of any of its calls) on its agenda, through the services."""
    from applications.models import Application, Status
    from reviews import services as meetings
    from tests.factories import project_leader_of

    fyrbodal, _ = _demos()
    call = fyrbodal.call()
    steering_group = fyrbodal.steering_group()
    project_leader = project_leader_of(call)
    starts_at = timezone.now().replace(microsecond=0) + datetime.timedelta(days=14)
    meeting = meetings.meeting_schedule(
        steering_group=steering_group, starts_at=starts_at, place=LARGE_MEETING_PLACE, by=project_leader
    )
    complete = Application.objects.filter(call__partnership=call.partnership, status=Status.COMPLETE).order_by(
        "-submitted_at", "-pk"
    )
    for application in complete[:items]:
        meetings.agenda_add(meeting=meeting, application=application, summary="Språkstöd.", by=project_leader)
    return meetings.meeting_publish(meeting=meeting, by=project_leader)


def build(applications: int, *, shapes: int = SHAPES) -> None:
    """The whole data set on an empty database: the shapes, copies up to ``applications`` and the large meeting."""
    with pdfs_stood_in():
        made = shapes_build(shapes)
        grow(made, applications)
        large_meeting_build()
