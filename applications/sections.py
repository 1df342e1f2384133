"""The sections of an application: their order, titles, forms, and what makes each complete.

A section is *complete* when everything the submission rules need from it is
there; the task list shows each section's state from this.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .models import Application, Criterion, LogicLevel


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    description: str
    kind: str  # "fields", "partners", "priorities", "budget", "logic", "criteria", "attachments"
    fields: tuple[str, ...] = field(default_factory=tuple)
    complete: Callable[[Application], bool] = lambda application: True
    # The form fields the submission rules (``submission.py``) need; every other field of the
    # section's form is optional and its label says "(frivilligt)". A test keeps the two in step.
    needed: tuple[str, ...] = field(default_factory=tuple)


def _filled(application: Application, *names: str) -> bool:
    return all(getattr(application, name) not in (None, "") for name in names)


def _partners_complete(application: Application) -> bool:
    principals = {p.unit.organisation.principal for p in application.partners.all() if p.unit_id}
    return {"region", "municipality"} <= principals and all(p.role.strip() for p in application.partners.all())


def _budget_complete(application: Application) -> bool:
    years = list(application.budget_years.all())
    return bool(years) and sum(b.requested for b in years) > 0


def _logic_complete(application: Application) -> bool:
    levels = {r.level for r in application.logic_rows.all() if r.indicator.strip()}
    return levels >= {level.value for level in LogicLevel}


def _priority_areas_complete(application: Application) -> bool:
    """At least one of the call's areas ticked and every ticked one explained; a call without
    priority areas asks nothing here."""
    if not application.call.priority_areas.exists():
        return True
    addressed = list(application.addressed_areas.all())
    return bool(addressed) and all(a.how.strip() for a in addressed)


def _criteria_complete(application: Application) -> bool:
    answered = {a.criterion for a in application.criterion_answers.all() if a.fulfilment and a.justification.strip()}
    return answered >= {c.value for c in Criterion}


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        "basics",
        _("Grunduppgifter"),
        _("Insatsens namn, kommuner och projektägare."),
        "fields",
        ("title", "municipalities", "project_owner"),
        lambda a: _filled(a, "title", "project_owner_id") and a.municipalities.exists(),
        needed=("title", "municipalities", "project_owner"),
    ),
    SectionSpec(
        "partners",
        _("Samverkansparter"),
        _("Minst en enhet från regionen och en från kommunen, och vad var och en gör."),
        "partners",
        complete=_partners_complete,
        needed=("unit", "role"),
    ),
    SectionSpec(
        "purpose",
        _("Syfte och problem"),
        _("Vad insatsen ska åstadkomma, och vad kartläggningen visat."),
        "fields",
        ("purpose", "problem"),
        lambda a: _filled(a, "purpose", "problem"),
        needed=("purpose", "problem"),
    ),
    SectionSpec(
        "priority_areas",
        _("Prioriterade områden"),
        _("Vilka av utlysningens prioriterade områden insatsen tar upp, och hur."),
        "priorities",
        complete=_priority_areas_complete,
        needed=("addressed", "how"),
    ),
    SectionSpec(
        "target_group",
        _("Målgrupp"),
        _("Vilka barn och familjer, i vilken ålder och hur många."),
        "fields",
        ("target_group", "target_age_min", "target_age_max", "expected_children", "expected_families"),
        lambda a: _filled(a, "target_group", "target_age_min", "target_age_max", "expected_children"),
        needed=("target_group", "target_age_min", "target_age_max", "expected_children"),
    ),
    SectionSpec(
        "content",
        _("Innehåll, evidens och barnrätt"),
        _("Vad som görs, med vilken metod, vilket stöd metoden har och hur barnens röst tas till vara."),
        "fields",
        ("content", "evidence", "child_rights"),
        lambda a: _filled(a, "content", "evidence", "child_rights"),
        needed=("content", "evidence", "child_rights"),
    ),
    SectionSpec(
        "period",
        _("Tidsperiod"),
        _("Start- och slutdatum, högst så många månader som utlysningen tillåter."),
        "fields",
        ("starts_on", "ends_on"),
        lambda a: _filled(a, "starts_on", "ends_on"),
        needed=("starts_on", "ends_on"),
    ),
    SectionSpec(
        "budget",
        _("Budget"),
        _("Kostnad, sökt belopp och medfinansiering per år."),
        "budget",
        complete=_budget_complete,
        needed=("cost", "requested"),
    ),
    SectionSpec(
        "logic_model",
        _("Logikmodell"),
        _("Resurser, aktiviteter, prestationer, resultat och effekter – med indikatorer."),
        "logic",
        complete=_logic_complete,
        needed=("level", "description", "indicator"),
    ),
    SectionSpec(
        "follow_up",
        _("Uppföljning och implementering"),
        _("Hur insatsen följs upp, och hur den blir ordinarie verksamhet efteråt."),
        "fields",
        ("follow_up", "implementation"),
        lambda a: _filled(a, "follow_up", "implementation"),
        needed=("follow_up", "implementation"),
    ),
    SectionSpec(
        "criteria",
        _("Självskattning"),
        _("Hur insatsen uppfyller de nio kriterierna för sociala investeringar."),
        "criteria",
        complete=_criteria_complete,
        needed=("fulfilment", "justification"),
    ),
    SectionSpec(
        "attachments",
        _("Bilagor"),
        _("Till exempel kartläggning eller underskrifter (PDF, DOCX, XLSX, ODT)."),
        "attachments",
    ),
)
BY_KEY: dict[str, SectionSpec] = {s.key: s for s in SECTIONS}
FIELD_SECTION: dict[str, str] = {name: s.key for s in SECTIONS for name in s.fields}


# Not a section the group writes (it is not in SECTIONS, nor counted among them): the principals'
# signatures, shown beside the sections on the task list and when checking the answers.
SIGNATURES = SectionSpec(
    "signatures",
    _("Underskrifter från huvudmännen"),
    _("En behörig chef hos regionen och hos kommunen skriver under ansökan som den ser ut när den skickas in."),
    "signatures",
)
