"""Filled-in applications for the demo and the tests: every section complete, so they can be submitted."""

from __future__ import annotations

import datetime
from typing import Any

from partnership.models import Body, Call, Organisation, Unit, User

from .models import (
    AddressedArea,
    Application,
    BudgetYear,
    CoFinancing,
    Criterion,
    CriterionAnswer,
    LogicLevel,
    LogicModelRow,
    Partner,
    Section,
    SectionState,
)
from .sections import SECTIONS


def fill_application(application: Application, **overrides: Any) -> Application:
    """Write a complete application's sections onto a draft (texts about groups, never individuals)."""
    call: Call = application.call
    start = call.run_meeting_on + datetime.timedelta(days=14)
    fields = {
        "project_owner": Organisation.objects.get(name="NU-sjukvården"),
        "purpose": "Fler barn ska ha ett åldersadekvat språk när de börjar skolan.",
        "problem": "Kartläggningen visar att var fjärde femåring behöver språkstöd.",
        "target_group": "Barn i förskolan och deras föräldrar.",
        "target_age_min": 1,
        "target_age_max": 6,
        "expected_children": 120,
        "expected_families": 90,
        "content": "Språkombud i varje förskola och gemensamma träffar med BVC.",
        "evidence": "Dialogisk läsning har god evidens (SBU).",
        "child_rights": "Barnens egna berättelser följs upp två gånger per år.",
        "starts_on": start,
        "ends_on": start.replace(year=start.year + 2) - datetime.timedelta(days=1),
        "follow_up": "Språkscreening före och efter, enkät till föräldrar och personal.",
        "implementation": "Språkombuden blir en del av förskolans ordinarie uppdrag.",
        **overrides,
    }
    for name, value in fields.items():
        setattr(application, name, value)
    application.save()
    working_group: Body | None = application.working_group
    if working_group is not None:
        application.municipalities.set([working_group.municipality_id])
    region_unit = Unit.objects.filter(organisation__principal="region").order_by("pk").first()
    municipal_unit = (
        Unit.objects.filter(organisation__municipality=working_group.municipality_id).order_by("pk").first()
        if working_group is not None
        else Unit.objects.filter(organisation__principal="municipality").order_by("pk").first()
    )
    region = Partner.objects.create(application=application, unit=region_unit, role="BVC gör språkscreening.")
    municipal = Partner.objects.create(application=application, unit=municipal_unit, role="Förskolan har språkombud.")
    for year in range(fields["starts_on"].year, fields["ends_on"].year + 1):
        budget_year = BudgetYear.objects.create(application=application, year=year, cost=500_000, requested=300_000)
        CoFinancing.objects.create(budget_year=budget_year, partner=region, amount=100_000)
        CoFinancing.objects.create(budget_year=budget_year, partner=municipal, amount=100_000)
    # As the budget section's service keeps it: the sum of what is requested from RUN.
    application.requested_total = 300_000 * (fields["ends_on"].year - fields["starts_on"].year + 1)
    Application.objects.filter(pk=application.pk).update(requested_total=application.requested_total)
    for level in LogicLevel:
        LogicModelRow.objects.create(
            application=application,
            level=level,
            description=f"{level.label} i insatsen",
            indicator="Antal barn",
            measurement="Räknas varje termin",
        )
    # A priority area of the call, when it names any (an application ticks at least one).
    areas = call.priority_areas.order_by("position", "pk")
    area = areas.filter(name__icontains="språk").first() or areas.first()
    if area is not None:
        AddressedArea.objects.create(
            application=application, area=area, call=call, how="Språkombuden arbetar med barnens språk varje dag."
        )
    for criterion in Criterion:
        CriterionAnswer.objects.create(
            application=application, criterion=criterion, fulfilment="yes", justification="Se ansökan."
        )
    for spec in SECTIONS:
        Section.objects.update_or_create(
            application=application, key=spec.key, defaults={"state": SectionState.COMPLETE, "version": 1}
        )
    return application


def complete_draft(
    *, call: Call, working_group: Body, title: str, by: User | None = None, **overrides: Any
) -> Application:
    application = Application.objects.create(call=call, working_group=working_group, title=title, created_by=by)
    return fill_application(application, **overrides)
