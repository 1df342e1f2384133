"""Filled-in applications for the demo and the tests: every section complete, so they can be submitted."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.text import slugify

from partnership.models import Body, Call, Membership, MembershipRole, Organisation, Principal, Unit, User

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


def demo_signatory(organisation: Organisation) -> User:
    """The demo's manager who signs for ``organisation`` (``seed_demo`` gives the demo's own their names)."""
    username = f"chef-{slugify(organisation.name)}"
    person, _created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": "Chef",
            "last_name": organisation.name,
            "email": f"{username}@demo.simportal.local",
            "title": "Förvaltningschef" if organisation.principal == Principal.MUNICIPALITY else "Verksamhetschef",
            "organisation": organisation,
        },
    )
    return person


def _signing_organisations(application: Application) -> dict[str, Organisation]:
    from .signatures import organisations_for

    chosen = {}
    for principal in (Principal.REGION, Principal.MUNICIPALITY):
        offered = organisations_for(application, principal)
        partners = [
            p.unit.organisation
            for p in application.partners.select_related("unit__organisation")
            if p.unit is not None and p.unit.organisation in offered
        ]
        owner = application.project_owner if application.project_owner in offered else None
        chosen[principal] = owner or (partners[0] if partners else offered[0])
    return chosen


def sign_as_demo(application: Application, *, by: User | None = None) -> None:
    """Name the demo's managers as the principals' signatories and have both sign the application as
    it reads now, through the services (``by``: the group member who names them)."""
    from .signature_methods import Confirmation
    from .signatures import Nominee, current_sha256, signatory_name, signature_add, version_for_content

    application = Application.objects.get(pk=application.pk)  # as it is stored now
    if by is None or not by.has_perm("applications.name_signatory", application):
        by = (
            Membership.objects.current()
            .filter(body=application.working_group, role=MembershipRole.LEADER)
            .select_related("person")
            .order_by("pk")
            .first()
            .person
        )
    for principal, organisation in _signing_organisations(application).items():
        person = demo_signatory(organisation)
        nominee = Nominee(person.email, person.first_name, person.last_name, person.title or "Chef", organisation)
        named = signatory_name(application=application, principal=principal, nominee=nominee, by=by)
        version = version_for_content(application, current_sha256(application))
        signature_add(
            signatory=named.signatory,
            version=version,
            by=person,
            confirmation=Confirmation(method="demo", identity=person.username),
        )


def complete_draft(
    *, call: Call, working_group: Body, title: str, by: User | None = None, signed: bool = True, **overrides: Any
) -> Application:
    """A draft with every section filled in and, unless ``signed`` is False, signed by both principals."""
    application = Application.objects.create(call=call, working_group=working_group, title=title, created_by=by)
    fill_application(application, **overrides)
    if signed:
        sign_as_demo(application, by=by)
    return application
