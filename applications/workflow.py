"""The application's workflow: every state change, where it may start, where it
ends, and who may make it. Services ask this module; views ask the services.

Who may make a transition is a permission in ``partnership.rules``; the table
below names it, so the two never drift apart. Extra guards (the submission rules,
the deadline) live in ``applications.submission`` and are called by the
services before a transition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from partnership.models import User

from .models import Application, Status

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Before a decision the group may withdraw; after one, nobody can.
WITHDRAWABLE = frozenset(
    {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.RETURNED,
        Status.COMPLETE,
        Status.ON_AGENDA,
        Status.RECOMMENDED,
        Status.NOT_RECOMMENDED,
        Status.AT_RUN,
        Status.REFERRED_BACK,
    }
)


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[Status]
    target: Status
    permission: str
    label: StrOrPromise
    needs_message: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition(
            "submit", frozenset({Status.DRAFT}), Status.SUBMITTED, "applications.submit_application", _("Skicka in")
        ),
        Transition(
            "resubmit",
            frozenset({Status.RETURNED}),
            Status.SUBMITTED,
            "applications.submit_application",
            _("Skicka in kompletteringen"),
        ),
        Transition(
            "request_completion",
            frozenset({Status.SUBMITTED, Status.REFERRED_BACK}),
            Status.RETURNED,
            "applications.triage_application",
            _("Återförvisa för komplettering"),
            needs_message=True,
        ),
        Transition(
            "accept",
            frozenset({Status.SUBMITTED}),
            Status.COMPLETE,
            "applications.triage_application",
            _("Godkänn som komplett"),
        ),
        # The steering group (reviews) and RUN: same table, same rules module.
        Transition(
            "put_on_agenda",
            frozenset({Status.COMPLETE, Status.REFERRED_BACK}),
            Status.ON_AGENDA,
            "applications.triage_application",
            _("Sätt upp på dagordningen"),
        ),
        Transition(
            "take_off_agenda",
            frozenset({Status.ON_AGENDA}),
            Status.COMPLETE,
            "applications.triage_application",
            _("Ta bort från dagordningen"),
        ),
        Transition(
            "recommend",
            frozenset({Status.ON_AGENDA}),
            Status.RECOMMENDED,
            "applications.close_agenda_item",
            _("Tillstyrk"),
        ),
        Transition(
            "not_recommend",
            frozenset({Status.ON_AGENDA}),
            Status.NOT_RECOMMENDED,
            "applications.close_agenda_item",
            _("Avstyrk"),
        ),
        Transition(
            "return_from_meeting",
            frozenset({Status.ON_AGENDA}),
            Status.RETURNED,
            "applications.close_agenda_item",
            _("Återförvisa för komplettering"),
            needs_message=True,
        ),
        Transition(
            "forward_to_run",
            frozenset({Status.RECOMMENDED}),
            Status.AT_RUN,
            "applications.triage_application",
            _("Skicka till RUN"),
        ),
        Transition(
            "approve",
            frozenset({Status.AT_RUN}),
            Status.APPROVED,
            "applications.record_decision",
            _("Bifall"),
        ),
        Transition(
            "reject",
            frozenset({Status.AT_RUN}),
            Status.REJECTED,
            "applications.record_decision",
            _("Avslag"),
            needs_message=True,
        ),
        Transition(
            "refer_back",
            frozenset({Status.AT_RUN}),
            Status.REFERRED_BACK,
            "applications.record_decision",
            _("Återremiss"),
            needs_message=True,
        ),
        # RUN's meeting is cancelled before it decided: the case goes back to the recommendation.
        Transition(
            "take_back_from_run",
            frozenset({Status.AT_RUN}),
            Status.RECOMMENDED,
            "applications.take_back_from_run",
            _("Ta tillbaka från RUN"),
            needs_message=True,
        ),
        Transition(
            "withdraw",
            WITHDRAWABLE,
            Status.WITHDRAWN,
            "applications.withdraw_application",
            _("Återta ansökan"),
            needs_message=True,
        ),
    ]
}


# Which workflow transition tells which event (an event key of notifications/catalogue.py, told
# through the outbox). RUN's decisions are not here: they tell ``decided`` once the decision
# letter is stored, so that the letter goes with the e-mail.
TRANSITION_EVENTS: dict[str, str] = {
    "submit": "submitted",
    "resubmit": "submitted",
    "request_completion": "returned",
    "return_from_meeting": "returned",
    "accept": "accepted",
    "recommend": "steering_outcome",
    "not_recommend": "steering_outcome",
    "withdraw": "withdrawn",
    "forward_to_run": "forwarded_to_run",
    "take_back_from_run": "taken_back_from_run",
}


class TransitionNotAllowed(Exception):
    """The transition cannot be made from this state, or not by this person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def transition_for(name: str) -> Transition:
    return TRANSITIONS[name]


def can(user: User, application: Application, name: str) -> bool:
    transition = TRANSITIONS[name]
    return application.status in transition.sources and user.has_perm(transition.permission, application)


def check(user: User, application: Application, name: str) -> Transition:
    """The transition, if this person may make it now; otherwise TransitionNotAllowed."""
    transition = TRANSITIONS[name]
    if application.status not in transition.sources:
        raise TransitionNotAllowed(
            _("Det går inte att %(action)s när ansökan har status ”%(status)s”.")
            % {"action": str(transition.label).lower(), "status": application.get_status_display()}
        )
    if not user.has_perm(transition.permission, application):
        raise TransitionNotAllowed(
            _("Du har inte behörighet att %(action)s.") % {"action": str(transition.label).lower()}
        )
    return transition


def available(user: User, application: Application) -> list[Transition]:
    """The transitions this person can make now, for the buttons on the page."""
    return [t for name, t in TRANSITIONS.items() if can(user, application, name)]


def can_be_returned(application: Application) -> bool:
    """Whether some transition from the application's state gives it back to the group for completion."""
    return any(application.status in t.sources and t.target == Status.RETURNED for t in TRANSITIONS.values())
