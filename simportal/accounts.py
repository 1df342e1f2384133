"""Accounts: logging in, password links and invitations, and the limits that keep them from abuse.

- **Password reset and invitations go through the outbox**, so the request never waits on the
  mail server. Only the person's id is queued: the link and its token are made when the e-mail
  is sent, so no usable token is ever stored in the database.
- **"Forgot password" answers in the same time whatever the address**: the request only queues
  the address that was typed (``password_mail_request``); whether it has an account, a password
  or its share of mails this hour is looked up in the background (``password_mail_answer``), so
  neither the words nor the time of the answer tell anyone (``scripts/bench-password-reset``).
- **A new person gets an invitation** with a one-time link to choose their own password; it is
  valid for ``INVITATION_TIMEOUT`` (72 hours), whatever ``PASSWORD_RESET_TIMEOUT`` says. A person
  who has never chosen a password and asks for a new one gets a fresh invitation.
- **Limits**: at most ``ACCOUNT_MAIL_LIMIT_PER_PERSON`` e-mails an hour to one person and
  ``ACCOUNT_MAIL_LIMIT_PER_ADDRESS`` requests an hour from one address, counted in the database
  (``AccountMailRequest``) so that they hold across every web worker. The answer is the same
  whatever happened.
- **Lockout** (django-axes): an account after ``AXES_FAILURE_LIMIT`` failed logins from any
  address, and an address after ``AXES_ADDRESS_FAILURE_LIMIT`` failed logins at any accounts.
- **The client's address** is ``REMOTE_ADDR``; ``X-Forwarded-For`` is read only when the request
  comes from one of the ``TRUSTED_PROXIES``.
"""

from __future__ import annotations

import datetime
import ipaddress
import uuid
from enum import StrEnum
from typing import Any, cast

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int
from django.utils.translation import gettext_lazy as _

from outbox.models import OutboxKind
from outbox.services import outbox_add
from partnership.models import AccountMailKind, AccountMailRequest, User

from .forms import ExplainedErrorsMixin

RESET_TEMPLATES = [
    "registration/password_reset_subject.txt",
    "registration/password_reset_email.txt",
    "registration/password_reset_email.html",
]
INVITATION_TEMPLATES = [
    "registration/invitation_subject.txt",
    "registration/invitation_email.txt",
    "registration/invitation_email.html",
]


# --- the client's address ---------------------------------------------------------------------


def _networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(entry, strict=False) for entry in settings.TRUSTED_PROXIES]


def _is_trusted(address: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request: HttpRequest) -> str | None:
    """The address the request came from.

    ``REMOTE_ADDR``, unless that is one of the ``TRUSTED_PROXIES``: then ``X-Forwarded-For`` is
    read from the right, past every trusted proxy, and the first address that is not one is the
    client's. Anything a client writes further left is never believed, so nobody can pose as
    another address (and lock out its people) by sending the header themselves.
    """
    remote: str | None = request.META.get("REMOTE_ADDR") or None
    networks = _networks()
    if not networks or remote is None or not _is_trusted(remote, networks):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    client = remote
    for hop in reversed(forwarded):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # garbage in the header: stop at the last address we could trust
        client = hop
        if not _is_trusted(hop, networks):
            break
    return client


# --- locking out guessers ---------------------------------------------------------------------


class LoginFailureHandler(AxesDatabaseHandler):  # type: ignore[misc]  # django-axes ships no types
    """Counts failed logins per account (from any address) and per address (at any account).

    ``AXES_LOCKOUT_PARAMETERS`` is ``["username", "ip_address"]``; axes compares a single number
    with ``AXES_FAILURE_LIMIT``, so the address's count is given on the account's scale: an
    address is locked after ``AXES_ADDRESS_FAILURE_LIMIT`` failures.
    """

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        by_account: int
        by_address: int
        by_account, by_address = (
            attempts.aggregate(failures=Sum("failures_since_start"))["failures"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        account_limit = int(settings.AXES_FAILURE_LIMIT)
        return max(by_account, by_address * account_limit // int(settings.AXES_ADDRESS_FAILURE_LIMIT))

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        # A successful login clears that account's failures, never the address's: otherwise one
        # valid account would wipe out what the address tried at everybody else's.
        count: int
        count, _ = AccessAttempt.objects.filter(username=get_client_username(request, credentials)).delete()
        return count


class LoginForm(ExplainedErrorsMixin, AuthenticationForm):
    """The login form, which refuses an over-long username as an error of the field."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "username_too_long": _("Användarnamnet kan vara högst %(limit_value)s tecken. Kontrollera vad du skrev."),
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        field = cast(forms.CharField, self.fields["username"])
        # AuthenticationForm sets max_length after the field is built, so it is never checked.
        field.validators.append(MaxLengthValidator(field.max_length, message=self.error_messages["username_too_long"]))
        # The field's own message for the code wins over the validator's; keep the login's wording.
        field.error_messages["max_length"] = self.error_messages["username_too_long"]


# --- invitations ----------------------------------------------------------------------------


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """One-time links to choose a first password, valid for ``INVITATION_TIMEOUT`` seconds.

    The token hashes the password field, so it stops working once a password is chosen.
    """

    key_salt = "simportal.accounts.InvitationTokenGenerator"

    def check_token(self, user: User | None, token: str | None) -> bool:
        if not (user and token):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        signed = any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )
        return signed and self._num_seconds(self._now()) - timestamp <= settings.INVITATION_TIMEOUT


invitation_tokens = InvitationTokenGenerator()


class Outcome(StrEnum):
    SENT = "sent"
    LIMITED = "limited"
    HAS_PASSWORD = "has_password"  # noqa: S105 - an outcome, not a password
    NO_ADDRESS = "no_address"


def _site(request: HttpRequest) -> dict[str, str]:
    return {
        "domain": request.get_host(),
        "site_name": str(settings.SIMPORTAL_NAME),
        "protocol": "https" if request.is_secure() else "http",
        "language": translation.get_language() or "sv",
    }


def _queue(person: User, kind: AccountMailKind, site: dict[str, str]) -> None:
    outbox_kind = OutboxKind.INVITATION if kind == AccountMailKind.INVITATION else OutboxKind.PASSWORD_RESET
    templates = INVITATION_TEMPLATES if kind == AccountMailKind.INVITATION else RESET_TEMPLATES
    outbox_add(
        outbox_kind,
        f"{outbox_kind.value.replace('_', '-')}:{person.pk}:{uuid.uuid4().hex}",
        user=person.pk,
        to=person.email,
        templates=templates,
        **site,
    )


def _hour_ago() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=1)


def _person_may_receive(person: User) -> bool:
    sent = AccountMailRequest.objects.filter(person=person, sent=True, requested_at__gte=_hour_ago()).count()
    limit: int = settings.ACCOUNT_MAIL_LIMIT_PER_PERSON
    return sent < limit


def _forget_old_requests() -> None:
    AccountMailRequest.objects.filter(requested_at__lt=timezone.now() - datetime.timedelta(days=1)).delete()


@transaction.atomic
def invitation_send(*, person: User, by: User, request: HttpRequest) -> Outcome:
    """An administrator (re)sends ``person`` an invitation to choose their password."""
    person = User.objects.select_for_update().get(pk=person.pk)  # one at a time per person
    _forget_old_requests()
    if person.has_usable_password():
        return Outcome.HAS_PASSWORD
    if not person.email:
        return Outcome.NO_ADDRESS
    sent = person.is_active and _person_may_receive(person)
    AccountMailRequest.objects.create(
        address=client_address(request),
        person=person,
        requested_by=by,
        kind=AccountMailKind.INVITATION,
        sent=sent,
    )
    if not sent:
        return Outcome.LIMITED
    _queue(person, AccountMailKind.INVITATION, _site(request))
    return Outcome.SENT


@transaction.atomic
def password_mail_request(*, email: str, request: HttpRequest) -> None:
    """Someone asked for a password link for ``email`` on the login page: queue the question.

    The same work whatever the address is, so that the time of the answer tells nothing; the
    background answers it (``password_mail_answer``).
    """
    outbox_add(
        OutboxKind.ACCOUNT_MAIL_REQUEST,
        f"account-mail-request:{uuid.uuid4().hex}",
        email=email,
        address=client_address(request),
        site=_site(request),
    )


@transaction.atomic
def password_mail_answer(*, email: str, address: str | None, site: dict[str, str]) -> None:
    """Answer a request for a password link for ``email`` from ``address`` (in the background).

    Each active account with the address gets a reset link, or an invitation if it has never
    had a password, unless the address asking or the person has had their share this hour.
    """
    _forget_old_requests()
    from_address = AccountMailRequest.objects.filter(
        requested_by__isnull=True, address=address, requested_at__gte=_hour_ago()
    ).count()
    address_allowed = from_address < settings.ACCOUNT_MAIL_LIMIT_PER_ADDRESS
    # The rows are locked so that simultaneous requests for one person are counted one by one.
    people = list(User.objects.select_for_update().filter(email__iexact=email, is_active=True).order_by("pk"))
    if not people:
        AccountMailRequest.objects.create(address=address)
        return
    for person in people:
        kind = AccountMailKind.PASSWORD_RESET if person.has_usable_password() else AccountMailKind.INVITATION
        sent = address_allowed and _person_may_receive(person)
        AccountMailRequest.objects.create(address=address, person=person, kind=kind, sent=sent)
        if sent:
            _queue(person, kind, site)


class QueuedPasswordResetForm(ExplainedErrorsMixin, PasswordResetForm):
    """The "forgot password" form: the same answer whatever happens (``password_mail_request``)."""

    # Keyword-only, unlike Django's: the view passes everything by name and only the request is read.
    def save(self, *, request: HttpRequest, **kwargs: Any) -> None:  # type: ignore[override]
        password_mail_request(email=self.cleaned_data["email"], request=request)


MISMATCH = _("Det bekräftade lösenordet är inte samma som det nya. Skriv samma nya lösenord i båda fälten.")


class ChosenPasswordForm(ExplainedErrorsMixin, SetPasswordForm):  # type: ignore[type-arg]
    """Choosing a password from a reset or invitation link; every error names its field."""

    error_messages = {**SetPasswordForm.error_messages, "password_mismatch": MISMATCH}


class ChangedPasswordForm(ExplainedErrorsMixin, PasswordChangeForm):
    """Changing one's password; every error names its field."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_mismatch": MISMATCH,
        "password_incorrect": _("Det nuvarande lösenordet stämmer inte. Skriv lösenordet du loggar in med i dag."),
    }
