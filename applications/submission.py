"""The submission rules: what must be true before an application can be submitted.

Each rule is its own function returning the problems it finds; every problem
names the section and the field so that the page can link straight to it.
The services run ``problems`` before the submit transition.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from partnership.models import Call
from simportal.formatting import format_kronor

from .models import Application, Criterion, DeadlineExtension, LogicLevel
from .signatures import PRINCIPALS, current_signatories, principal_label, valid_signatures


@dataclass(frozen=True)
class Problem:
    section: str
    field: str  # the id of the field to link to, without "#"
    message: str


def latest_end(start: datetime.date, months: int) -> datetime.date:
    """The last day of a period of ``months`` calendar months from ``start``
    (36 months from 2027-01-01 end on 2029-12-31; one month from 2027-01-31 on 2027-02-27)."""
    end: datetime.date = start + relativedelta(months=months) - datetime.timedelta(days=1)
    return end


def earmarked_budget(call: Call) -> int:
    """The call's budget with every recorded budget act (raises and cuts) included."""
    acts = call.budget_adjustments.aggregate(total=Sum("amount"))["total"]
    return int(call.budget + (acts or 0))


def required_fields(application: Application) -> list[Problem]:
    labels = {
        ("basics", "title"): _("Skriv insatsens namn."),
        ("basics", "project_owner"): _("Välj projektägare."),
        ("purpose", "purpose"): _("Beskriv insatsens syfte."),
        ("purpose", "problem"): _("Beskriv problemet och dess orsaker från er kartläggning."),
        ("target_group", "target_group"): _("Beskriv målgruppen."),
        ("target_group", "expected_children"): _("Ange hur många barn insatsen väntas nå."),
        ("content", "content"): _("Beskriv insatsens innehåll och metod."),
        ("content", "evidence"): _("Beskriv vilket stöd (evidens) metoden har."),
        ("content", "child_rights"): _("Beskriv hur barnrättsperspektivet tas till vara."),
        ("follow_up", "follow_up"): _("Beskriv hur insatsen följs upp."),
        ("follow_up", "implementation"): _("Beskriv hur insatsen blir ordinarie verksamhet efter finansieringen."),
    }
    problems = []
    for (section, name), message in labels.items():
        value = getattr(application, f"{name}_id" if name == "project_owner" else name)
        if value in (None, "") or (isinstance(value, str) and not value.strip()):
            problems.append(Problem(section, f"id_{name}", message))
    if not application.municipalities.exists():
        problems.append(Problem("basics", "id_municipalities_0", _("Välj minst en kommun.")))
    return problems


def partners_from_both_principals(application: Application) -> list[Problem]:
    principals = {p.unit.organisation.principal for p in application.partners.all() if p.unit is not None}
    problems = []
    if "region" not in principals:
        problems.append(
            Problem(
                "partners",
                "id_partners-0-unit",
                _("Lägg till minst en samverkanspart från regionens hälso- och sjukvård."),
            )
        )
    if "municipality" not in principals:
        problems.append(
            Problem("partners", "id_partners-0-unit", _("Lägg till minst en samverkanspart från kommunen."))
        )
    for index, partner in enumerate(application.partners.all()):
        if not partner.role.strip():
            problems.append(
                Problem(
                    "partners",
                    f"id_partners-{index}-role",
                    _("Beskriv vilken roll %(partner)s har i insatsen.") % {"partner": partner.display_name},
                )
            )
    return problems


def age_span_inside_call(application: Application) -> list[Problem]:
    call = application.call
    low, high = application.target_age_min, application.target_age_max
    if low is None or high is None:
        return [Problem("target_group", "id_target_age_min", _("Ange målgruppens ålder, från och till."))]
    if low < call.target_age_min or high > call.target_age_max:
        return [
            Problem(
                "target_group",
                "id_target_age_max" if high > call.target_age_max else "id_target_age_min",
                _("Utlysningen gäller barn %(min)s–%(max)s år; målgruppen är %(low)s–%(high)s år.")
                % {"min": call.target_age_min, "max": call.target_age_max, "low": low, "high": high},
            )
        ]
    return []


def period_within_call(application: Application) -> list[Problem]:
    call = application.call
    start, end = application.starts_on, application.ends_on
    if start is None or end is None:
        return [Problem("period", "id_starts_on", _("Ange insatsens start- och slutdatum."))]
    problems = []
    if start <= call.run_meeting_on:
        problems.append(
            Problem(
                "period",
                "id_starts_on",
                _("Insatsen kan starta tidigast dagen efter RUN:s beslut (%(date)s).")
                % {"date": call.run_meeting_on.isoformat()},
            )
        )
    if end <= start:
        problems.append(Problem("period", "id_ends_on", _("Slutdatum måste ligga efter startdatum.")))
    elif end > latest_end(start, call.max_duration_months):
        problems.append(
            Problem(
                "period",
                "id_ends_on",
                _("Insatsen får vara högst %(months)s månader, alltså sluta senast %(date)s; korta perioden.")
                % {"months": call.max_duration_months, "date": latest_end(start, call.max_duration_months).isoformat()},
            )
        )
    return problems


def budget_consistent(application: Application) -> list[Problem]:
    years = list(application.budget_years.all())
    if not years:
        return [Problem("budget", "budget-table", _("Fyll i budgeten: kostnad och sökt belopp per år."))]
    problems = []
    if application.starts_on and application.ends_on:
        period = range(application.starts_on.year, application.ends_on.year + 1)
        problems += [
            Problem(
                "budget",
                f"id_cost_{b.year}",
                _("Budgeten har belopp för %(year)s, som ligger utanför insatsens period.") % {"year": b.year},
            )
            for b in years
            if b.year not in period and (b.cost or b.requested)
        ]
    for budget_year in years:
        cofinancing = sum(c.amount for c in budget_year.co_financing.all())
        if budget_year.cost <= 0 and budget_year.requested <= 0:
            continue
        if budget_year.requested + cofinancing != budget_year.cost:
            problems.append(
                Problem(
                    "budget",
                    f"id_cost_{budget_year.year}",
                    _(
                        "%(year)s går inte ihop: kostnaden är %(cost)s men sökt belopp och medfinansiering är "
                        "tillsammans %(sum)s."
                    )
                    % {
                        "year": budget_year.year,
                        "cost": format_kronor(budget_year.cost),
                        "sum": format_kronor(budget_year.requested + cofinancing),
                    },
                )
            )
    total = sum(b.requested for b in years)
    if total <= 0:
        problems.append(Problem("budget", f"id_requested_{years[0].year}", _("Ange hur mycket ni söker från RUN.")))
    elif total > (budget := earmarked_budget(application.call)):
        problems.append(
            Problem(
                "budget",
                f"id_requested_{years[0].year}",
                _("Ni söker %(total)s, men utlysningens hela budget är %(budget)s. Sänk det sökta beloppet.")
                % {"total": format_kronor(total), "budget": format_kronor(budget)},
            )
        )
    return problems


def logic_model_complete(application: Application) -> list[Problem]:
    with_indicator = {r.level for r in application.logic_rows.all() if r.indicator.strip()}
    return [
        Problem(
            "logic_model",
            "id_logic_rows-0-level",
            _("Logikmodellen saknar en rad med indikator för ”%(level)s”.") % {"level": level.label},
        )
        for level in LogicLevel
        if level.value not in with_indicator
    ]


def priority_areas_addressed(application: Application) -> list[Problem]:
    """When the call names priority areas: at least one ticked, and each ticked one explained."""
    areas = list(application.call.priority_areas.order_by("position", "pk"))
    if not areas:
        return []
    addressed = {a.area_id: a for a in application.addressed_areas.all()}
    if not addressed:
        return [
            Problem(
                "priority_areas",
                f"id_area_{areas[0].pk}_addressed",
                _("Kryssa i minst ett av utlysningens prioriterade områden som insatsen tar upp."),
            )
        ]
    return [
        Problem(
            "priority_areas",
            f"id_area_{area.pk}_how",
            _("Beskriv hur insatsen arbetar med det prioriterade området ”%(area)s”.") % {"area": area.name},
        )
        for area in areas
        if area.pk in addressed and not addressed[area.pk].how.strip()
    ]


def criteria_answered(application: Application) -> list[Problem]:
    answers = {a.criterion: a for a in application.criterion_answers.all()}
    problems = []
    for criterion in Criterion:
        answer = answers.get(criterion.value)
        if answer is None or not answer.fulfilment:
            problems.append(
                Problem(
                    "criteria",
                    f"id_{criterion.value}_fulfilment",
                    _("Ta ställning till kriteriet ”%(criterion)s”.") % {"criterion": criterion.label},
                )
            )
        elif not answer.justification.strip():
            problems.append(
                Problem(
                    "criteria",
                    f"id_{criterion.value}_justification",
                    _("Motivera er bedömning av kriteriet ”%(criterion)s”.") % {"criterion": criterion.label},
                )
            )
    return problems


def deadline_for(application: Application) -> datetime.datetime:
    """The call's deadline, or the later one the project leader gave this group."""
    extension = DeadlineExtension.objects.filter(
        call_id=application.call_id, working_group_id=application.working_group_id
    ).first()
    return extension.deadline if extension else application.call.deadline


def before_deadline(application: Application, at: datetime.datetime | None = None) -> list[Problem]:
    at = at or timezone.now()
    deadline = deadline_for(application)
    if at > deadline:
        return [
            Problem(
                "basics",
                "id_title",
                _(
                    "Sista dag för ansökan var %(deadline)s. Kontakta projektledaren om ni behöver mer tid – "
                    "projektledaren kan förlänga tiden för er arbetsgrupp."
                )
                % {"deadline": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")},
            )
        ]
    return []


def signed_by_both_principals(application: Application, sha256: str | None = None) -> list[Problem]:
    """Both principals' signatories have signed the application as it reads now (or the content
    with checksum ``sha256``)."""
    signatories = current_signatories(application)
    valid = valid_signatures(application, sha256) if signatories else {}
    problems = []
    for principal in PRINCIPALS:
        name = principal_label(principal).lower()
        if principal not in signatories:
            message = _("Ingen är utsedd att skriva under för %(principal)s. Utse en behörig chef under Underskrifter.")
        elif principal not in valid:
            message = _(
                "%(principal)s har inte skrivit under ansökan som den ser ut nu. Be om underskrift under Underskrifter."
            )
            name = principal_label(principal)
        else:
            continue
        problems.append(Problem("signatures", f"signatory-{principal}", message % {"principal": name}))
    return problems


RULES = (
    required_fields,
    partners_from_both_principals,
    priority_areas_addressed,
    age_span_inside_call,
    period_within_call,
    budget_consistent,
    logic_model_complete,
    criteria_answered,
    signed_by_both_principals,
)


def problems(application: Application, at: datetime.datetime | None = None) -> list[Problem]:
    """Every reason the application cannot be submitted now; empty when it can."""
    found = [problem for rule in RULES for problem in rule(application)]
    # A resubmission answers a request for completion and is not bound by the call's deadline.
    if application.status == "draft":
        found += before_deadline(application, at)
    return found
