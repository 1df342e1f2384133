"""How a signatory proves who they are when they sign: one small interface.

The portal's own method asks the logged-in signatory to confirm with their password (a fresh
proof, not only an open session). An e-identification service (BankID, Freja eID, SITHS through
the region's IdP) replaces it by settings, without touching the signatures or the workflow:

- write a class with ``name``, ``label``, ``form(request, data)`` and ``confirm(request, form)``;
  ``confirm`` returns a ``Confirmation`` naming the method and the identity the service vouched
  for, or raises ``SigningFailed`` with a Swedish message; a method that must send the person to
  the service first does so from its form's page and confirms when the service sends them back;
- set ``SIMPORTAL_SIGNATURE_METHOD`` to its dotted path.

``applications.signatures.signature_add`` records whatever ``Confirmation`` it is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from simportal.forms import ExplainedErrorsMixin

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Confirmation:
    """Who the method vouches for: its name and the identity it confirmed (a username, an e-ID's subject)."""

    method: str
    identity: str


class SigningFailed(Exception):
    def __init__(self, field: str | None, message: StrOrPromise) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


class SigningMethod(Protocol):
    name: str
    label: StrOrPromise

    def form(self, request: HttpRequest, data: dict[str, str] | None = None) -> forms.Form: ...

    def confirm(self, request: HttpRequest, form: forms.Form) -> Confirmation: ...


class CommitmentForm(ExplainedErrorsMixin, forms.Form):
    """What every method asks: that the signatory has read the version and commits to it."""

    commits = forms.BooleanField(
        label=_("Jag har läst ansökan och förbinder min organisation att genomföra insatsen enligt ansökan."),
        error_messages={
            "required": _("Kryssa i att du har läst ansökan och förbinder din organisation, om du vill skriva under.")
        },
    )


class PasswordForm(CommitmentForm):
    password = forms.CharField(
        label=_("Ditt lösenord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Du bekräftar underskriften med samma lösenord som du loggar in med."),
        error_messages={"required": _("Skriv ditt lösenord för att bekräfta underskriften.")},
    )


class PasswordConfirmation:
    """The portal's own method: the logged-in person confirms with their password.

    The password is checked through Django's authentication, so failed attempts count towards the
    same lockout as failed logins.
    """

    name = "password"
    label = _("Bekräfta med ditt lösenord")

    def form(self, request: HttpRequest, data: dict[str, str] | None = None) -> forms.Form:
        return PasswordForm(data)

    def confirm(self, request: HttpRequest, form: forms.Form) -> Confirmation:
        user = request.user
        confirmed = authenticate(request, username=user.get_username(), password=form.cleaned_data["password"])
        if confirmed is None or confirmed.pk != user.pk:
            raise SigningFailed(
                "password", _("Lösenordet stämmer inte. Skriv samma lösenord som du loggar in med och försök igen.")
            )
        return Confirmation(method=self.name, identity=user.get_username())


def signing_method() -> SigningMethod:
    method: SigningMethod = import_string(settings.SIMPORTAL_SIGNATURE_METHOD)()
    return method
