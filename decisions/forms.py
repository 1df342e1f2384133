"""Forms for RUN: a meeting, forwarding, a decision, a correction and a budget act.

They validate input; the services in ``decisions.services`` decide and write.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.validators import no_personal_identity_number
from simportal.formatting import format_kronor
from simportal.forms import KronorField

from .models import DecisionOutcome, RunMeeting

DATE_HELP = _("Skriv som 2026-11-23.")


def _date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=DATE_HELP,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


def _text_field(label: Any, *, required: bool = False, rows: int = 4, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=10_000,
        validators=[no_personal_identity_number],
        **kwargs,
    )


class RunMeetingForm(forms.Form):
    held_on = _date_field(_("Sammanträdesdag"))
    place = forms.CharField(label=_("Plats"), max_length=300, required=False)


class ForwardForm(forms.Form):
    run_meeting = forms.ModelChoiceField(
        label=_("RUN-sammanträde"),
        queryset=RunMeeting.objects.none(),
        empty_label=_("Välj sammanträde"),
        error_messages={"required": _("Välj det RUN-sammanträde som ska besluta om ansökan.")},
    )

    def __init__(self, *args: Any, meetings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["run_meeting"]
        field.queryset = meetings  # type: ignore[attr-defined]
        field.label_from_instance = lambda m: (  # type: ignore[attr-defined]
            f"{m.held_on.isoformat()}{' – ' + m.place if m.place else ''}"
        )


class _DecisionFields(forms.Form):
    """The fields a decision and its correction share: § and date, one amount per year
    (for an approval), conditions, payment schedule and reasons."""

    paragraph = forms.CharField(
        label=_("Paragraf (§)"),
        max_length=20,
        help_text=_("Paragrafen i RUN:s protokoll, t.ex. 142."),
        error_messages={"required": _("Ange paragrafen (§) i RUN:s protokoll.")},
    )
    decided_on = _date_field(_("Beslutsdatum"), error_messages={"required": _("Ange beslutsdatum.")})

    def __init__(self, *args: Any, limits: dict[int, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits
        for year, limit in sorted(limits.items()):
            self.fields[f"year_{year}"] = KronorField(
                label=_("Beviljat belopp %(year)s (kr)") % {"year": year},
                required=False,
                max_value=limit,
                help_text=_("Högst %(limit)s.") % {"limit": format_kronor(limit)},
                error_messages={
                    "max_value": _("Högst %(limit)s kan beviljas för %(year)s.")
                    % {"limit": format_kronor(limit), "year": year},
                },
            )
        self.fields["conditions"] = _text_field(_("Villkor"))
        self.fields["payment_schedule"] = _text_field(_("Utbetalningsplan"), rows=3)
        self.fields["reasons"] = _text_field(
            _("Skäl"), help_text=_("Krävs vid avslag och återremiss. Skälen visas för arbetsgruppen.")
        )

    @property
    def year_fields(self) -> list[forms.BoundField]:
        return [self[f"year_{year}"] for year in sorted(self.limits)]

    @property
    def text_fields(self) -> list[forms.BoundField]:
        return [self["conditions"], self["payment_schedule"], self["reasons"]]

    def granted(self) -> dict[int, int]:
        return {year: self.cleaned_data.get(f"year_{year}") or 0 for year in self.limits}

    def _check_outcome(self, outcome: str | None) -> None:
        if not outcome:
            return
        if outcome == DecisionOutcome.APPROVED:
            if self.limits and not any(self.granted().values()) and not self._year_errors():
                self.add_error(self.year_fields[0].name, _("Ange beviljat belopp för minst ett år."))
        elif not (self.cleaned_data.get("reasons") or "").strip() and "reasons" not in self.errors:
            self.add_error("reasons", _("Ett avslag eller en återremiss ska ha skäl."))

    def _year_errors(self) -> bool:
        return any(f"year_{year}" in self.errors for year in self.limits)


class DecisionForm(_DecisionFields):
    outcome = forms.ChoiceField(
        label=_("RUN:s beslut"),
        choices=DecisionOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj RUN:s beslut: bifall, avslag eller återremiss.")},
    )

    field_order = ["outcome", "paragraph", "decided_on"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._check_outcome(cleaned.get("outcome"))
        return cleaned


class CorrectionForm(_DecisionFields):
    correction_reason = _text_field(
        _("Skäl för rättelsen"),
        required=True,
        rows=3,
        error_messages={"required": _("Skriv varför beslutet rättas.")},
    )

    field_order = ["correction_reason", "paragraph", "decided_on"]

    def __init__(self, *args: Any, outcome: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outcome = outcome

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._check_outcome(self.outcome)
        return cleaned


class BudgetAdjustmentForm(forms.Form):
    amount = KronorField(
        negative=True,
        label=_("Ändring (kr)"),
        help_text=_("Ett positivt belopp höjer budgeten, ett negativt (t.ex. -500000) sänker den."),
    )
    decided_on = _date_field(_("Beslutsdatum"), error_messages={"required": _("Ange beslutsdatum.")})
    reason = _text_field(
        _("Skäl"), required=True, rows=3, error_messages={"required": _("Skriv skälet till ändringen.")}
    )

    def clean_amount(self) -> int:
        amount: int = self.cleaned_data["amount"]
        if amount == 0:
            raise forms.ValidationError(_("Ändringen kan inte vara 0 kr."))
        return amount


class RunMeetingCancelForm(forms.Form):
    reason = _text_field(
        _("Skäl"),
        required=True,
        rows=3,
        help_text=_("Skälet står på sammanträdets sida och på de återtagna ansökningarnas tidslinje."),
        error_messages={"required": _("Skriv varför sammanträdet ställs in.")},
    )
