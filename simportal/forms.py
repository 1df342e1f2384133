"""Form parts every app shares: the kronor field, the posted data, a service's refusal on a form.

Nothing here knows a domain app, so every app may import it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, QueryDict
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
