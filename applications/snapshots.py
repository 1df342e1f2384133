"""Frozen copies of an application, and what changed between two of them.

A snapshot is plain JSON keyed by section, with values already written as a
reader sees them, so an old snapshot reads the same even after the models change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simportal.formatting import format_kronor

from .models import Application, Criterion, Fulfilment, LogicLevel, logic_level_order
from .sections import BY_KEY


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def snapshot_data(application: Application) -> dict[str, dict[str, str]]:
    """{section key: {label: text}} for every section, in reading order."""
    data: dict[str, dict[str, str]] = {}
    for key in ("basics", "purpose", "target_group", "content", "period", "follow_up"):
        spec = BY_KEY[key]
        section: dict[str, str] = {}
        for name in spec.fields:
            field = Application._meta.get_field(name)
            if name == "municipalities":
                value = ", ".join(m.name for m in application.municipalities.order_by("name"))
            elif name == "project_owner":
                value = _text(application.project_owner)
            else:
                value = _text(getattr(application, name))
            section[str(field.verbose_name).capitalize()] = value
        data[key] = section

    data["partners"] = {
        p.display_name: p.role for p in application.partners.select_related("unit__organisation").order_by("pk")
    }
    data["priority_areas"] = {
        a.area.name: a.how for a in application.addressed_areas.select_related("area").order_by("area__position", "pk")
    }
    budget: dict[str, str] = {}
    for budget_year in application.budget_years.prefetch_related("co_financing__partner__unit").order_by("year"):
        cofinancing = sum(c.amount for c in budget_year.co_financing.all())
        budget[str(budget_year.year)] = (
            f"kostnad {format_kronor(budget_year.cost)}, sökt {format_kronor(budget_year.requested)}, "
            f"medfinansiering {format_kronor(cofinancing)}"
        )
    data["budget"] = budget
    levels = dict(LogicLevel.choices)
    data["logic_model"] = {
        f"{levels.get(row.level, row.level)} {index}": f"{row.description} – {row.indicator} – {row.measurement}"
        for index, row in enumerate(application.logic_rows.order_by(logic_level_order(), "pk"), start=1)
    }
    fulfilment = dict(Fulfilment.choices)
    answers = {a.criterion: a for a in application.criterion_answers.all()}
    data["criteria"] = {
        str(criterion.label): (
            f"{fulfilment.get(answers[criterion.value].fulfilment, '–')}: {answers[criterion.value].justification}"
            if criterion.value in answers
            else ""
        )
        for criterion in Criterion
    }
    data["attachments"] = {a.original_name: a.sha256 for a in application.attachments.order_by("uploaded_at")}
    return data


@dataclass(frozen=True)
class Change:
    section: str
    label: str
    before: str
    after: str


def changes(before: dict[str, dict[str, str]], after: dict[str, dict[str, str]]) -> list[Change]:
    """What differs between two snapshots, section by section."""
    found = []
    for key, spec in BY_KEY.items():
        old, new = before.get(key, {}), after.get(key, {})
        found.extend(
            Change(str(spec.title), label, old.get(label, ""), new.get(label, ""))
            for label in dict.fromkeys([*old, *new])
            if old.get(label, "") != new.get(label, "")
        )
    return found
