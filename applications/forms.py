"""The forms of the application's sections. They validate input; saving is the
services' work (``applications.services``)."""

from __future__ import annotations

import datetime
import re
from typing import TypedDict, cast

from django import forms
from django.core.validators import MaxLengthValidator
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partnership.models import Municipality, Organisation, Unit
from simportal.forms import DATE_HINT, ExplainedErrorsMixin, KronorField, TypedDateField, mark_optional

from . import selectors
from .models import (
    Application,
    Criterion,
    Fulfilment,
    LogicLevel,
    LogicModelRow,
    Partner,
)
from .sections import BY_KEY
from .validators import no_personal_identity_number

TEXTAREA = forms.Textarea(attrs={"rows": 6})

# The longest text each long field takes, in characters; the page counts down to it as you type.
TEXT_LIMITS: dict[str, int] = {
    "purpose": 3000,
    "problem": 5000,
    "target_group": 3000,
    "content": 6000,
    "evidence": 4000,
    "child_rights": 3000,
    "follow_up": 4000,
    "implementation": 3000,
    "role": 1000,
    "description": 1000,
    "indicator": 1000,
    "measurement": 1000,
    "justification": 2000,
    "how": 2000,
    "message": 10_000,
    "body": 10_000,
    "reason": 2000,
}

VERSION_MESSAGES = {
    "required": _("Sidan saknar avsnittets version. Ladda om sidan och skriv in ändringarna igen."),
    "invalid": _("Sidan saknar avsnittets version. Ladda om sidan och skriv in ändringarna igen."),
    "min_value": _("Sidan saknar avsnittets version. Ladda om sidan och skriv in ändringarna igen."),
}


def version_field() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, min_value=0, error_messages=VERSION_MESSAGES)


def _base_name(name: str) -> str:
    """A criterion's, a priority area's or a budget year's field by what it asks:
    ``evidence_justification`` -> ``justification``, ``area_7_how`` -> ``how``."""
    if name.startswith(("cost_", "requested_", "cofinancing_")):
        return name.split("_", 1)[0]
    if name.endswith(("_fulfilment", "_justification", "_addressed", "_how")):
        return name.rsplit("_", 1)[1]
    return name


def _guard_text_fields(form: forms.BaseForm) -> None:
    for name, field in form.fields.items():
        if isinstance(field, forms.CharField):
            field.validators.append(no_personal_identity_number)
            limit = TEXT_LIMITS.get(_base_name(name))
            if limit and isinstance(field.widget, forms.Textarea):
                _limit_text(field, limit)


def _limit_text(field: forms.CharField, limit: int) -> None:
    """A long text's limit, counted live on the page (``static/js/character-count.js``).
    The box has no ``maxlength``: like GOV.UK's character count, you may type past the
    limit and then shorten; the form refuses what is too long, and says by how much."""
    if field.max_length is None or field.max_length > limit:
        field.max_length = limit
        field.validators.append(MaxLengthValidator(limit))
    field.widget.attrs.pop("maxlength", None)
    field.widget.attrs["data-character-limit"] = str(field.max_length)
    most = gettext("Du kan skriva upp till %(limit)s tecken.") % {
        "limit": f"{field.max_length:,}".replace(",", "\u00a0")
    }
    # Marked, so that the live count (which says the same and more) can stand in its place.
    hint = format_html('<span class="character-limit-hint">{}</span>', most)
    field.help_text = format_html("{} {}", field.help_text, hint) if field.help_text else hint


def mark_needed(form: forms.BaseForm, section: str) -> None:
    """Mark what submission needs, from the section's definition (``sections.SECTIONS``):
    the fields it needs are left as they are, every other one says "(frivilligt)"."""
    needed = set(BY_KEY[section].needed)
    for name, field in form.fields.items():
        if field.widget.is_hidden:
            continue
        if _base_name(name) in needed:
            field.needed = True  # type: ignore[attr-defined]
        else:
            mark_optional(field)


class VersionedForm(ExplainedErrorsMixin, forms.Form):
    """Every section form carries the version it was opened at (optimistic locking)."""

    version = version_field()


class SectionModelForm(ExplainedErrorsMixin, forms.ModelForm):
    section = ""
    version = version_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _guard_text_fields(self)
        mark_needed(self, self.section)


class BasicsForm(SectionModelForm):
    section = "basics"

    class Meta:
        model = Application
        fields = ["title", "municipalities", "project_owner"]
        widgets = {"municipalities": forms.CheckboxSelectMultiple}
        help_texts = {
            "title": _("Ett kort namn som beskriver insatsen, t.ex. ”Tidig språkutveckling i förskolan”."),
            "project_owner": _("Den organisation som äger projektet och ansvarar för ekonomin."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        application: Application = self.instance
        sub_region = application.call.partnership.sub_region_id
        municipalities = Municipality.objects.order_by("name")
        if sub_region:
            municipalities = municipalities.filter(sub_region_id=sub_region)
        self.fields["municipalities"].queryset = municipalities
        self.fields["municipalities"].required = False
        self.fields["project_owner"].queryset = Organisation.objects.order_by("name")


class PurposeForm(SectionModelForm):
    section = "purpose"

    class Meta:
        model = Application
        fields = ["purpose", "problem"]
        widgets = {"purpose": TEXTAREA, "problem": TEXTAREA}
        help_texts = {
            "purpose": _("Vad ska insatsen åstadkomma för barnen?"),
            "problem": _(
                "Vilket problem har er kartläggning visat, och vilka är orsakerna? Beskriv grupper och antal, "
                "aldrig enskilda barn."
            ),
        }


class TargetGroupForm(SectionModelForm):
    section = "target_group"

    class Meta:
        model = Application
        fields = ["target_group", "target_age_min", "target_age_max", "expected_children", "expected_families"]
        widgets = {"target_group": TEXTAREA}
        help_texts = {"target_group": _("Vilka barn och familjer insatsen vänder sig till.")}

    def clean(self):
        data = super().clean()
        low, high = data.get("target_age_min"), data.get("target_age_max")
        if low is not None and high is not None and low > high:
            self.add_error("target_age_max", _("Den högsta åldern måste vara minst lika hög som den lägsta."))
        return data


class ContentForm(SectionModelForm):
    section = "content"

    class Meta:
        model = Application
        fields = ["content", "evidence", "child_rights"]
        widgets = {"content": TEXTAREA, "evidence": TEXTAREA, "child_rights": TEXTAREA}
        help_texts = {
            "content": _("Vad görs, av vem och med vilken metod?"),
            "evidence": _("Vilket stöd finns för att metoden fungerar? Ange källor."),
            "child_rights": _("Hur tas barnens åsikter och barnets bästa till vara (barnkonventionen)?"),
        }


class PeriodForm(SectionModelForm):
    section = "period"

    class Meta:
        model = Application
        fields = ["starts_on", "ends_on"]
        field_classes = {"starts_on": TypedDateField, "ends_on": TypedDateField}
        help_texts = {
            "starts_on": DATE_HINT,
            "ends_on": format_lazy("{} {}", _("Sista dagen med finansiering från RUN."), DATE_HINT),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end <= start:
            self.add_error("ends_on", _("Slutdatum måste ligga efter startdatum."))
        return data


class FollowUpForm(SectionModelForm):
    section = "follow_up"

    class Meta:
        model = Application
        fields = ["follow_up", "implementation"]
        widgets = {"follow_up": TEXTAREA, "implementation": TEXTAREA}
        help_texts = {
            "follow_up": _("Hur följs insatsen upp: enkäter före och efter, antal barn som nåtts, vem gör det."),
            "implementation": _("Hur blir insatsen ordinarie verksamhet när finansieringen från RUN tar slut?"),
        }


class UnitChoiceField(forms.ModelChoiceField):
    """Units named with their organisation and principal, so that both sides are easy to find.

    Given the units to ``offer``, it lists and accepts only those, read once for the whole
    formset, instead of listing every unit and reading the chosen one again for each row."""

    offered: dict[str, Unit] | None = None

    def label_from_instance(self, obj: Unit) -> str:
        side = _("region") if obj.organisation.principal == "region" else _("kommun")
        return f"{obj.name} – {obj.organisation.name} ({side})"

    def offer(self, units: list[Unit]) -> None:
        self.offered = {str(unit.pk): unit for unit in units}
        self.widget.choices = [("", self.empty_label or ""), *((str(u.pk), self.label_from_instance(u)) for u in units)]

    def to_python(self, value):
        if self.offered is None:
            return super().to_python(value)
        if value in self.empty_values:
            return None
        key = str(value.pk if isinstance(value, Unit) else value)
        if key not in self.offered:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return self.offered[key]


class PartnerForm(ExplainedErrorsMixin, forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["unit", "role"]
        field_classes = {"unit": UnitChoiceField}
        widgets = {"role": forms.Textarea(attrs={"rows": 2})}
        labels = {"unit": _("Enhet"), "role": _("Roll i insatsen")}
        help_texts = {
            "unit": _(
                "Listan har enheterna i ansökans kommuner och regionens gemensamma enheter; regionens står först. "
                "Finns enheten inte i listan, sök efter den ovanför samverkansparterna."
            )
        }

    def __init__(self, *args, units: list[Unit] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        if units is None:
            field.queryset = Unit.objects.select_related("organisation").order_by(
                "-organisation__principal", "organisation__name", "name"
            )
        else:
            field.offer(units)
            field.error_messages["invalid_choice"] = _(
                "Enheten kan inte väljas i den här ansökan. Välj en enhet i listan under Enhet, eller sök efter "
                "enheten med sökfältet ovanför samverkansparterna."
            )
        field.required = True
        _guard_text_fields(self)
        mark_needed(self, "partners")


class RebasingInlineFormSet(forms.BaseInlineFormSet):
    """A section's rows as posted, on top of what is saved *now*.

    After an edit conflict the person's rows are posted again ("save again"). A row someone
    else deleted meanwhile is kept as a new row (its text is not lost); a deletion of a row
    that is already gone is dropped. So a stale row never makes the formset fail or the save
    crash."""

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and kwargs.get("instance") is not None:
            data = self._rebased(data, kwargs.get("prefix") or self.get_default_prefix(), kwargs["instance"])
        super().__init__(data, *args, **kwargs)

    def rows(self) -> list[dict]:
        """The rows as the page shows them: a removed row stays in the form, hidden, until
        the section is saved (then it is deleted); the others are numbered 1, 2, 3 …"""
        shown, rows = 0, []
        for index, form in enumerate(self.forms):
            removed = bool(self.can_delete and form["DELETE"].value())
            if not removed:
                shown += 1
            rows.append({"form": form, "index": index, "number": shown, "removed": removed})
        return rows

    def without_errors(self) -> RebasingInlineFormSet:
        """Show the rows as typed after a row was added or removed, without judging them:
        nothing is saved, and the person has not asked to save yet."""
        for form in self.forms:
            form._errors = ErrorDict()
        self._errors = [form._errors for form in self.forms]
        self._non_form_errors = self.error_class()
        return self

    @staticmethod
    def with_rows_changed(data, prefix: str, *, add: bool, remove: str | None):
        """The posted rows with one more empty row (``add``) or with row ``remove`` marked for deletion."""
        data = data.copy()
        try:
            total = int(data.get(f"{prefix}-TOTAL_FORMS", ""))
        except ValueError:
            return data
        if add:
            data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
        if remove is not None and remove.isdigit() and int(remove) < total:
            data[f"{prefix}-{int(remove)}-DELETE"] = "on"
        return data

    @classmethod
    def _rebased(cls, data, prefix: str, instance):
        try:
            total = min(int(data.get(f"{prefix}-TOTAL_FORMS", "")), cls.absolute_max)
            initial = min(int(data.get(f"{prefix}-INITIAL_FORMS", "")), total)
        except (TypeError, ValueError):
            return data  # the management form's own validation reports it
        saved = {
            str(pk) for pk in cls.model._default_manager.filter(**{cls.fk.name: instance}).values_list("pk", flat=True)
        }
        kept, moved = [], []
        for index in range(total):
            start = f"{prefix}-{index}-"
            row = {key[len(start) :]: data.getlist(key) for key in data if key.startswith(start)}
            if index >= initial:
                moved.append(row)
            elif (row.get("id") or [""])[0] in saved:
                kept.append(row)
            elif not row.get("DELETE"):
                moved.append({**row, "id": [""]})
        if len(kept) == initial and len(kept) + len(moved) == total:
            return data
        rebased = data.copy()
        for key in list(rebased):
            if key.startswith(f"{prefix}-") and key.split("-")[1].isdigit():
                del rebased[key]
        for index, row in enumerate(kept + moved):
            for name, values in row.items():
                rebased.setlist(f"{prefix}-{index}-{name}", values)
        rebased[f"{prefix}-TOTAL_FORMS"] = str(len(kept) + len(moved))
        rebased[f"{prefix}-INITIAL_FORMS"] = str(len(kept))
        return rebased


class BasePartnerFormSet(RebasingInlineFormSet):
    """The partners section's rows. Every row's select lists the same units
    (``selectors.partner_units``: the application's municipalities, the region's common units,
    the units chosen and those found by ``search``), read once for the formset."""

    def __init__(self, data=None, *args, search: str = "", **kwargs):
        super().__init__(data, *args, **kwargs)
        self.units = selectors.partner_units(self.instance, chosen=self._posted_units(), search=search)

    def _posted_units(self) -> set[int]:
        if not self.is_bound:
            return set()
        pattern = re.compile(rf"^{re.escape(self.prefix)}-\d+-unit$")
        posted = {str(value) for key, value in self.data.items() if pattern.match(key)}
        # A forged number beyond the key's range would fail the query instead of the row.
        return {int(value) for value in posted if value.isdigit() and len(value) < 19}

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "units": self.units.offered}

    def clean(self):
        super().clean()
        # A unit is a partner once (a database constraint). Someone else may have added it
        # meanwhile: say so on the row instead of failing the save.
        taken = dict(Partner.objects.filter(application=self.instance, unit__isnull=False).values_list("unit_id", "pk"))
        deleted = {f.instance.pk for f in self.deleted_forms if f.instance.pk}
        for form in self.forms:
            if form in self.deleted_forms or not form.has_changed():
                continue
            unit = form.cleaned_data.get("unit")
            owner = taken.get(unit.pk) if unit else None
            if owner is None or owner == form.instance.pk:
                continue
            if owner in deleted and form.instance.pk is None:
                continue  # new rows are saved after the deletions
            form.add_error(
                "unit",
                _(
                    "%(unit)s är redan samverkanspart i ansökan (den kan ha lagts till av någon annan medan du "
                    "skrev). Välj en annan enhet, eller ta bort den här raden."
                )
                % {"unit": unit.name},
            )


PartnerFormSet = forms.inlineformset_factory(
    Application,
    Partner,
    form=PartnerForm,
    formset=BasePartnerFormSet,
    extra=1,
    can_delete=True,
    max_num=30,
    validate_max=True,
)


class LogicRowForm(ExplainedErrorsMixin, forms.ModelForm):
    class Meta:
        model = LogicModelRow
        fields = ["level", "description", "indicator", "measurement"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "indicator": forms.Textarea(attrs={"rows": 2}),
            "measurement": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A blank first choice keeps an untouched extra row empty (and ignored).
        self.fields["level"].choices = [("", "–"), *LogicLevel.choices]
        _guard_text_fields(self)
        mark_needed(self, "logic_model")


LogicRowFormSet = forms.inlineformset_factory(
    Application,
    LogicModelRow,
    form=LogicRowForm,
    formset=RebasingInlineFormSet,
    extra=1,
    can_delete=True,
    max_num=60,
    validate_max=True,
)


class CriteriaForm(VersionedForm):
    """The nine criteria: how well each is met, and why."""

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        answers = {a.criterion: a for a in application.criterion_answers.all()}
        for criterion in Criterion:
            answer = answers.get(criterion.value)
            self.fields[f"{criterion.value}_fulfilment"] = forms.ChoiceField(
                label=_("%(criterion)s: uppfylls kriteriet?") % {"criterion": criterion.label},
                choices=[("", "–"), *Fulfilment.choices],
                required=False,
                initial=answer.fulfilment if answer else "",
            )
            self.fields[f"{criterion.value}_justification"] = forms.CharField(
                label=_("%(criterion)s: motivering") % {"criterion": criterion.label},
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                initial=answer.justification if answer else "",
            )
        _guard_text_fields(self)
        mark_needed(self, "criteria")

    def answers(self) -> list[tuple[str, str, str]]:
        return [
            (c.value, self.cleaned_data[f"{c.value}_fulfilment"], self.cleaned_data[f"{c.value}_justification"])
            for c in Criterion
        ]

    def rows(self):
        for criterion in Criterion:
            yield criterion, self[f"{criterion.value}_fulfilment"], self[f"{criterion.value}_justification"]


class PriorityAreasForm(VersionedForm):
    """The call's priority areas: which the intervention addresses, and how."""

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = list(application.call.priority_areas.order_by("position", "pk"))
        addressed = {a.area_id: a for a in application.addressed_areas.all()}
        for area in self.areas:
            answer = addressed.get(area.pk)
            self.fields[f"area_{area.pk}_addressed"] = forms.BooleanField(
                label=_("Insatsen tar upp %(area)s") % {"area": area.name.lower()},
                required=False,
                initial=answer is not None,
            )
            self.fields[f"area_{area.pk}_how"] = forms.CharField(
                label=_("%(area)s: hur insatsen arbetar med området") % {"area": area.name},
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                initial=answer.how if answer else "",
            )
        _guard_text_fields(self)
        mark_needed(self, "priority_areas")

    def clean(self):
        data = super().clean()
        for area in self.areas:
            if data.get(f"area_{area.pk}_how", "").strip() and not data.get(f"area_{area.pk}_addressed"):
                # Never dropped without a word: the text would be lost on saving.
                self.add_error(
                    f"area_{area.pk}_addressed",
                    _("Du har skrivit hur insatsen arbetar med ”%(area)s”. Kryssa i området, eller ta bort texten.")
                    % {"area": area.name},
                )
        return data

    def chosen(self) -> dict[int, str]:
        """{area id: how} for every area ticked."""
        return {
            area.pk: self.cleaned_data[f"area_{area.pk}_how"]
            for area in self.areas
            if self.cleaned_data[f"area_{area.pk}_addressed"]
        }

    def rows(self):
        for area in self.areas:
            yield area, self[f"area_{area.pk}_addressed"], self[f"area_{area.pk}_how"]


def budget_years(application: Application) -> list[int]:
    """The years of the budget follow the period; without a period, the call's RUN year and two more."""
    if application.starts_on and application.ends_on:
        return list(range(application.starts_on.year, application.ends_on.year + 1))
    first = application.call.run_meeting_on.year
    return [first, first + 1, first + 2]


class BudgetRow(TypedDict):
    """One year of a budget as the form gives it: amounts in kronor, co-financing per partner id."""

    cost: int
    requested: int
    cofinancing: dict[int, int]


COFINANCER = "cofinancer"
COFINANCERS_SHOWN = "cofinancers_shown"


class BudgetForm(VersionedForm):
    """Cost, amount requested from RUN and each partner's co-financing, per year."""

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        self.years = budget_years(application)
        self.all_partners = list(application.partners.select_related("unit"))
        existing = {b.year: b for b in application.budget_years.prefetch_related("co_financing")}
        shown = self._cofinancers(existing)
        # The partners whose co-financing is in the table; the others can be added in place.
        self.partners = [p for p in self.all_partners if p.pk in shown]
        self.other_partners = [p for p in self.all_partners if p.pk not in shown]
        for year in self.years:
            row = existing.get(year)
            cofinancing = {c.partner_id: c.amount for c in row.co_financing.all()} if row else {}
            self.fields[f"cost_{year}"] = self._amount(
                _("Kostnad %(year)s") % {"year": year}, row.cost if row else None
            )
            self.fields[f"requested_{year}"] = self._amount(
                _("Sökt från RUN %(year)s") % {"year": year}, row.requested if row else None
            )
            for partner in self.partners:
                self.fields[f"cofinancing_{year}_{partner.pk}"] = self._amount(
                    _("Medfinansiering %(partner)s %(year)s") % {"partner": partner.display_name, "year": year},
                    cofinancing.get(partner.pk),
                )
        mark_needed(self, "budget")

    def _cofinancers(self, existing) -> set[int]:
        """Which partners' co-financing the table shows: as the page posted them; before
        that, those with co-financing saved, or every partner while none has any."""
        ids = {p.pk for p in self.all_partners}
        if self.is_bound and COFINANCERS_SHOWN in self.data:
            return {int(v) for v in self.data.getlist(COFINANCER) if v.isdigit()} & ids
        if self.is_bound:
            return ids
        saved = {c.partner_id for row in existing.values() for c in row.co_financing.all() if c.amount}
        return saved or ids

    @staticmethod
    def with_cofinancers_changed(data, *, add: str | None, remove: str | None):
        """The posted budget with partner ``add`` put in the table or partner ``remove`` taken out."""
        data = data.copy()
        shown = [v for v in data.getlist(COFINANCER) if v.isdigit()]
        if add and add.isdigit() and add not in shown:
            shown.append(add)
        if remove in shown:
            shown.remove(remove)
            for key in [k for k in data if k.startswith("cofinancing_") and k.endswith(f"_{remove}")]:
                del data[key]
        data.setlist(COFINANCER, shown)
        data[COFINANCERS_SHOWN] = "1"
        return data

    def without_errors(self) -> BudgetForm:
        """Show the table as typed after a co-financing partner was added or removed, unjudged."""
        self._errors = ErrorDict()
        return self

    @staticmethod
    def _amount(label, initial) -> KronorField:
        return KronorField(label=label, required=False, initial=initial)

    def clean(self):
        data = super().clean()
        for year in self.years:
            cost = data.get(f"cost_{year}") or 0
            requested = data.get(f"requested_{year}") or 0
            if requested > cost:
                self.add_error(
                    f"requested_{year}",
                    _("Det sökta beloppet för %(year)s är större än kostnaden.") % {"year": year},
                )
        return data

    def rows(self) -> list[dict]:
        return [
            {
                "year": year,
                "cost": self[f"cost_{year}"],
                "requested": self[f"requested_{year}"],
                "cofinancing": [self[f"cofinancing_{year}_{p.pk}"] for p in self.partners],
            }
            for year in self.years
        ]

    def values(self) -> dict[int, BudgetRow]:
        """{year: {"cost": int, "requested": int, "cofinancing": {partner_id: int}}} from cleaned data."""
        return {
            year: {
                "cost": self.cleaned_data.get(f"cost_{year}") or 0,
                "requested": self.cleaned_data.get(f"requested_{year}") or 0,
                # A partner taken out of the table co-finances nothing.
                "cofinancing": {
                    p.pk: self.cleaned_data.get(f"cofinancing_{year}_{p.pk}") or 0 for p in self.all_partners
                },
            }
            for year in self.years
        }


def budget_totals(form_data, years: list[int], partner_ids: list[int]) -> dict:
    """Totals for the live budget summary; tolerant of half-typed numbers."""

    def number(key: str) -> int:
        raw = str(form_data.get(key, "") or "").replace(" ", "").replace("\u00a0", "")
        try:
            return max(int(raw), 0)
        except ValueError:
            return 0

    per_year = []
    for year in years:
        cost = number(f"cost_{year}")
        requested = number(f"requested_{year}")
        cofinancing = sum(number(f"cofinancing_{year}_{pid}") for pid in partner_ids)
        per_year.append(
            {
                "year": year,
                "cost": cost,
                "requested": requested,
                "cofinancing": cofinancing,
                "difference": cost - requested - cofinancing,
            }
        )
    return {
        "years": per_year,
        "cost": sum(r["cost"] for r in per_year),
        "requested": sum(r["requested"] for r in per_year),
        "cofinancing": sum(r["cofinancing"] for r in per_year),
        "difference": sum(r["difference"] for r in per_year),
    }


class WorkingGroupChoiceForm(ExplainedErrorsMixin, forms.Form):
    """The first step for a person in several working groups: which group writes the application."""

    working_group = forms.ModelChoiceField(
        label=_("Vilken arbetsgrupp skriver ansökan?"),
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        help_text=_("Du är med i flera arbetsgrupper. Ansökan hör till den grupp du väljer."),
        error_messages={
            "required": _("Välj vilken arbetsgrupp som skriver ansökan."),
            "invalid_choice": _("Välj en av arbetsgrupperna i listan – du kan bara skriva för en grupp du är med i."),
        },
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["working_group"].queryset = groups


class CallChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        deadline = timezone.localtime(obj.deadline).strftime("%Y-%m-%d %H:%M")
        return _("%(call)s – sista dag %(deadline)s") % {"call": obj.name, "deadline": deadline}


class NewApplicationForm(ExplainedErrorsMixin, forms.Form):
    title = forms.CharField(
        label=_("Insatsens namn"),
        max_length=200,
        help_text=_("Du kan ändra namnet senare."),
        validators=[no_personal_identity_number],
    )
    call = CallChoiceField(
        label=_("Vilken utlysning gäller ansökan?"),
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Välj vilken utlysning ansökan gäller."),
            "invalid_choice": _("Utlysningen är inte öppen för er arbetsgrupp. Välj en av utlysningarna i listan."),
        },
    )

    def __init__(self, *args, calls, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = calls
        if len(calls) == 1:
            # Only one call is open to the group: nothing to choose, the page names it.
            self.fields["call"].widget = forms.HiddenInput()
            self.fields["call"].initial = calls[0].pk


class MessageForm(ExplainedErrorsMixin, forms.Form):
    body = forms.CharField(
        label=_("Meddelande"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        validators=[no_personal_identity_number],
    )


class TransitionForm(ExplainedErrorsMixin, forms.Form):
    message = forms.CharField(
        label=_("Meddelande"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=10_000,
        validators=[no_personal_identity_number],
    )

    def __init__(self, *args, needs_message: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].required = needs_message
        if needs_message:
            self.fields["message"].error_messages["required"] = _(
                "Skriv ett meddelande som förklarar varför – det visas för arbetsgruppen."
            )


class DeadlineExtensionForm(ExplainedErrorsMixin, forms.Form):
    deadline = forms.DateTimeField(
        label=_("Ny sista dag och tid"),
        help_text=_("Skriv datum och tid som ÅÅÅÅ-MM-DD TT:MM, t.ex. 2027-02-15 12:00."),
        # A plain text box, taken as typed: no browser widget showing another format than the hint.
        input_formats=["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"autocomplete": "off", "spellcheck": "false"}, format="%Y-%m-%d %H:%M"),
    )
    reason = forms.CharField(
        label=_("Skäl"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        validators=[no_personal_identity_number],
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call

    def clean_deadline(self):
        deadline: datetime.datetime = self.cleaned_data["deadline"]
        if deadline <= self.call.deadline:
            raise forms.ValidationError(_("Den nya tiden måste ligga efter utlysningens sista dag."))
        return deadline


class SignatoryForm(ExplainedErrorsMixin, forms.Form):
    """Who signs for one principal: a manager at one of the principal's organisations."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        empty_label=_("Välj organisation"),
        error_messages={"required": _("Välj den organisation som personen skriver under för.")},
    )
    first_name = forms.CharField(
        label=_("Förnamn"), max_length=150, error_messages={"required": _("Skriv förnamnet på den som skriver under.")}
    )
    last_name = forms.CharField(
        label=_("Efternamn"),
        max_length=150,
        error_messages={"required": _("Skriv efternamnet på den som skriver under.")},
    )
    title = forms.CharField(
        label=_("Befattning"),
        max_length=200,
        help_text=_("T.ex. förvaltningschef eller verksamhetschef: en chef med rätt att förbinda organisationen."),
        error_messages={"required": _("Skriv befattningen, t.ex. förvaltningschef.")},
    )
    email = forms.EmailField(
        label=_("E-postadress"),
        help_text=_("Har personen inget konto i portalen får hen en inbjudan till den här adressen."),
        error_messages={
            "required": _("Skriv e-postadressen till den som skriver under."),
            "invalid": _("Skriv en hel e-postadress, t.ex. namn@kommun.se."),
        },
    )

    def __init__(self, *args: object, organisations: list[Organisation], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = cast("forms.ModelChoiceField[Organisation]", self.fields["organisation"])
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations]).order_by("name")
        if len(organisations) == 1 and not self.is_bound:
            self.initial.setdefault("organisation", organisations[0].pk)
