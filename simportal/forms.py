"""Form parts every app shares: the kronor field, the posted data, a service's refusal on a form,
error messages that name their field, the "(frivilligt)" mark and dates typed as 2027-04-01.

Nothing here knows a domain app, so every app may import it.

Django's own messages ("Detta fält måste fyllas i.", "Ange ett heltal.") say neither which
field nor what to write. ``ExplainedErrorsMixin`` replaces each of them, when the form is
validated, by a message built from the field's label; a message a form sets itself is kept.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Beyond this an amount is a typing mistake (one zero too many), not a grant.
KRONOR_CEILING = 1_000_000_000


class KronorField(forms.IntegerField):
    """An amount in whole kronor, typed without spaces.

    Never negative unless ``negative=True`` (a budget act may lower a budget, so its example
    is larger). The messages say what to type; a caller's ``error_messages`` override them one by one.
    """

    def __init__(self, *, negative: bool = False, error_messages: dict[str, Any] | None = None, **kwargs: Any) -> None:
        attrs: dict[str, Any] = {"inputmode": "numeric", "step": 1}
        if not negative:
            kwargs.setdefault("min_value", 0)
            kwargs.setdefault("max_value", KRONOR_CEILING)
            attrs["min"] = 0
        kwargs.setdefault("widget", forms.NumberInput(attrs=attrs))
        messages: dict[str, Any] = {
            "invalid": (
                _("Skriv beloppet i hela kronor, utan mellanslag, t.ex. 500000.")
                if negative
                else _("Skriv beloppet i hela kronor, utan mellanslag, t.ex. 250000.")
            ),
            "min_value": _("Beloppet kan inte vara negativt."),
            "max_value": _("Beloppet är orimligt stort; kontrollera antalet nollor."),
        }
        messages.update(error_messages or {})
        super().__init__(error_messages=messages, **kwargs)


def posted(request: HttpRequest) -> QueryDict | None:
    """The posted data, or None for a GET: an empty POST still binds the form and shows its errors."""
    return request.POST if request.method == "POST" else None


def show_refusal(form: forms.BaseForm, refusal: Exception) -> None:
    """Show a service's refusal on the form: on its field when it names one of the form's fields.

    A refusal carries ``message`` (Swedish, says what to do) and may carry ``field``.
    """
    message = getattr(refusal, "message", None) or str(refusal)
    field = getattr(refusal, "field", None)
    form.add_error(field if field in form.fields else None, message)


# The keys whose default wording is generic; validators' codes are included because a
# field's ``error_messages`` also replaces the message of a validator with the same code.
EXPLAINED_KEYS = ("required", "invalid", "invalid_choice", "invalid_list", "invalid_pk_value", "max_length")
OPTIONAL_MARK = _("(frivilligt)")


def plain_label(field: forms.Field, name: str) -> str:
    """The field's label without the "(frivilligt)" mark, for use inside a sentence."""
    label = str(getattr(field, "base_label", None) or field.label or name.replace("_", " "))
    return label.strip().rstrip(":?").strip()


def _in_sentence(label: str) -> str:
    # "Antal barn" -> "antal barn", but "RUN:s beslut" keeps its capitals.
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        label = label[0].lower() + label[1:]
    return label.replace("%", "%%")


def _capitalised(label: str) -> str:
    return (label[:1].upper() + label[1:]).replace("%", "%%")


def _is_choice(field: forms.Field) -> bool:
    return isinstance(field, forms.ChoiceField | forms.ModelChoiceField | forms.BooleanField)


def _explained(field: forms.Field, name: str) -> dict[str, str]:
    label = plain_label(field, name)
    inside, first = _in_sentence(label), _capitalised(label)
    if isinstance(field, forms.FileField):
        required = gettext("Välj en fil att ladda upp under %(label)s.") % {"label": inside}
    elif isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        required = gettext("Välj minst ett alternativ under %(label)s.") % {"label": inside}
    elif _is_choice(field):
        required = gettext("Välj %(label)s.") % {"label": inside}
    else:
        required = gettext("Fyll i %(label)s.") % {"label": inside}
    if isinstance(field, forms.IntegerField):
        invalid = gettext("Skriv %(label)s som ett heltal med siffror, t.ex. 12.") % {"label": inside}
    elif isinstance(field, forms.DateTimeField):
        invalid = gettext("Skriv %(label)s som ÅÅÅÅ-MM-DD TT:MM, t.ex. 2027-02-15 12:00.") % {"label": inside}
    elif isinstance(field, forms.DateField):
        invalid = gettext("Skriv %(label)s som ÅÅÅÅ-MM-DD, t.ex. 2027-04-01.") % {"label": inside}
    elif isinstance(field, forms.FileField):
        invalid = gettext("Filen under %(label)s kunde inte läsas. Välj filen igen.") % {"label": inside}
    elif isinstance(field, forms.EmailField):
        invalid = gettext("Skriv %(label)s som en e-postadress, t.ex. namn@exempel.se.") % {"label": inside}
    else:
        invalid = gettext("%(label)s kunde inte läsas. Skriv det igen.") % {"label": first}
    choice = gettext("Välj ett av alternativen i listan under %(label)s.") % {"label": inside}
    return {
        "required": required,
        "invalid": invalid,
        "invalid_choice": choice,
        "invalid_list": choice,
        "invalid_pk_value": choice,
        "max_length": gettext("%(label)s får vara högst %%(limit_value)d tecken, men är %%(show_value)d. Korta texten.")
        % {"label": first},
        "min_value": gettext("%(label)s måste vara minst %%(limit_value)s.") % {"label": first},
        "max_value": gettext("%(label)s får vara högst %%(limit_value)s.") % {"label": first},
    }


def django_defaults(field: forms.Field, key: str) -> set[str]:
    """Django's own wordings of ``key`` for this kind of field, in the current language."""
    found = set()
    for cls in type(field).__mro__:
        message = getattr(cls, "default_error_messages", {}).get(key)
        if message is not None:
            found.add(str(message))
    for validator in field.validators:
        if getattr(validator, "code", None) == key:
            found.add(str(getattr(type(validator), "message", "")))
    return found


def explain_errors(form: forms.BaseForm) -> None:
    """Give every field of ``form`` messages that name the field, unless the form chose its own."""
    for name, field in form.fields.items():
        explained = _explained(field, name)
        for key, message in explained.items():
            current = field.error_messages.get(key)
            if key in {"min_value", "max_value"} and not any(getattr(v, "code", None) == key for v in field.validators):
                continue
            if current is None or str(current) in django_defaults(field, key):
                field.error_messages[key] = message


class ExplainedErrorsMixin:
    """Explains the errors of every field, including fields a form adds in its ``__init__``."""

    fields: dict[str, forms.Field]

    def full_clean(self) -> None:
        explain_errors(self)  # type: ignore[arg-type]
        super().full_clean()  # type: ignore[misc]


def mark_optional(field: forms.Field) -> None:
    """Add "(frivilligt)" to the label of a field that submission does not need."""
    if getattr(field, "base_label", None) is None:
        field.base_label = field.label  # type: ignore[attr-defined]
        field.label = f"{field.label} {OPTIONAL_MARK}"


# --- dates typed as 2027-04-01 ----------------------------------------------------------------

DATE_HINT = _("Skriv datum som ÅÅÅÅ-MM-DD, t.ex. 2027-04-01.")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
MONTHS = (
    _("januari"),
    _("februari"),
    _("mars"),
    _("april"),
    _("maj"),
    _("juni"),
    _("juli"),
    _("augusti"),
    _("september"),
    _("oktober"),
    _("november"),
    _("december"),
)


class TypedDateInput(forms.TextInput):
    """A plain text box for a date: no browser date picker that shows another format than the hint."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, datetime.date):
            return value.isoformat()
        formatted: str | None = super().format_value(value)
        return formatted


class TypedDateField(forms.DateField):
    """A date written as ``2027-04-01``; an impossible date is explained (``2027-02-30``)."""

    widget = TypedDateInput
    input_formats = ["%Y-%m-%d"]

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, str):
            value = value.strip().replace("\u2010", "-").replace("\u2013", "-").replace("\u2212", "-")
            match = _ISO_DATE.match(value)
            if match:
                year, month, day = (int(part) for part in match.groups())
                if year < 1:
                    raise ValidationError(self.error_messages["invalid"], code="invalid")
                try:
                    return datetime.date(year, month, day)
                except ValueError:
                    raise ValidationError(self._impossible(year, month, day), code="impossible") from None
        return super().to_python(value)

    def _impossible(self, year: int, month: int, day: int) -> str:
        label = _capitalised(plain_label(self, "datum")).replace("%%", "%")
        if not 1 <= month <= 12:
            return gettext("%(label)s: månaden måste vara 01–12, inte %(month)02d. Skriv datum som ÅÅÅÅ-MM-DD.") % {
                "label": label,
                "month": month,
            }
        following = datetime.date(year + month // 12, month % 12 + 1, 1)
        days = (following - datetime.timedelta(days=1)).day
        return gettext(
            "%(label)s: %(typed)s finns inte – %(month)s %(year)s har %(days)s dagar. Kontrollera dagen."
        ) % {
            "label": label,
            "typed": f"{year:04d}-{month:02d}-{day:02d}",
            "month": MONTHS[month - 1],
            "year": year,
            "days": days,
        }
