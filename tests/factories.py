import datetime

import factory
from django.utils import timezone

from applications.models import Application, Status
from partnership.models import Membership, MembershipRole, User
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
    from applications.models import (
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
    from partnership.models import Organisation, Unit

    start = call.run_meeting_on + datetime.timedelta(days=14)
    fields = {
        "title": title,
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
    application = ApplicationFactory(call=call, working_group=working_group, created_by=by, **fields)
    application.municipalities.set([working_group.municipality])
    region_unit = Unit.objects.filter(organisation__principal="region").order_by("pk").first()
    municipal_unit = Unit.objects.filter(organisation__municipality=working_group.municipality).order_by("pk").first()
    region = Partner.objects.create(application=application, unit=region_unit, role="BVC gör språkscreening.")
    municipal = Partner.objects.create(application=application, unit=municipal_unit, role="Förskolan har språkombud.")
    for year in range(fields["starts_on"].year, fields["ends_on"].year + 1):
        budget_year = BudgetYear.objects.create(application=application, year=year, cost=500_000, requested=300_000)
        CoFinancing.objects.create(budget_year=budget_year, partner=region, amount=100_000)
        CoFinancing.objects.create(budget_year=budget_year, partner=municipal, amount=100_000)
    for level in LogicLevel:
        LogicModelRow.objects.create(
            application=application,
            level=level,
            description=f"{level.label} i insatsen",
            indicator="Antal barn",
            measurement="Räknas varje termin",
        )
    for criterion in Criterion:
        CriterionAnswer.objects.create(
            application=application, criterion=criterion, fulfilment="yes", justification="Se ansökan."
        )
    from applications.sections import SECTIONS

    Section.objects.bulk_create(
        [Section(application=application, key=s.key, state=SectionState.COMPLETE) for s in SECTIONS],
        ignore_conflicts=True,
    )
    return application
