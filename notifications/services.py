"""Telling people: events become notifications in the portal and e-mails, at once or in a
daily digest. Everything here runs in background work (see ``outbox``), never in a request.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, F, QuerySet
from django.db.models.functions import Greatest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationPdf, Snapshot
from decisions.models import Decision, DecisionLetter, RunMeeting
from outbox import services as outbox
from outbox.models import OutboxKind, OutboxMessage
from partnership.models import Partnership, User
from partnership.selectors import roles_in_partnership
from reviews.models import Meeting
from simportal.accounts import invitation_tokens, password_mail_answer
from simportal.text import header_value, without_bidi_controls

from .catalogue import EVENTS
from .models import Delivery, Email, Notification, Preference, UnreadCount

log = logging.getLogger(__name__)


class PdfNotStoredYet(Exception):
    """A receipt's PDF is still being rendered; the e-mail waits for it (the outbox retries)."""


# --- telling (in the caller's transaction) ---------------------------------------------


def notify(event: str, *, key: str, by: User | None = None, **refs: Any) -> OutboxMessage:
    """Tell the event's recipients, once the caller's transaction commits (``outbox.event_add``)."""
    return outbox.event_add(event, key=key, by=by, **refs)


def handlers_register() -> None:
    """Make the events known to the outbox and do the work of telling people (``AppConfig.ready()``)."""
    outbox.events_register(EVENTS)
    outbox.handler_register(OutboxKind.EVENT, deliver_event)
    outbox.handler_register(OutboxKind.EMAIL, send_email)
    outbox.handler_register(OutboxKind.PASSWORD_RESET, send_password_reset)
    outbox.handler_register(OutboxKind.INVITATION, send_invitation)
    outbox.handler_register(OutboxKind.ACCOUNT_MAIL_REQUEST, answer_password_mail_request)


# --- the work (inside an outbox message's transaction) ----------------------------------


def _context(payload: dict[str, Any]) -> dict[str, Any]:
    ctx: dict[str, Any] = dict(payload)
    try:
        if payload.get("decision"):
            decision = Decision.objects.select_related("case__application", "case__run_meeting").get(
                pk=payload["decision"]
            )
            ctx["decision"] = decision
            ctx["letter"] = getattr(decision, "letter", None)
            ctx.setdefault("application", decision.case.application_id)
        if ctx.get("application"):
            ctx["application"] = Application.objects.select_related(
                "call", "working_group", "working_group__appointed_by"
            ).get(pk=ctx["application"])
        if payload.get("meeting"):
            ctx["meeting"] = Meeting.objects.get(pk=payload["meeting"])
        if payload.get("run_meeting"):
            ctx["run_meeting"] = RunMeeting.objects.get(pk=payload["run_meeting"])
        if payload.get("snapshot"):
            ctx["snapshot_number"] = Snapshot.objects.values_list("number", flat=True).get(pk=payload["snapshot"])
    except (
        Application.DoesNotExist,
        Decision.DoesNotExist,
        Meeting.DoesNotExist,
        RunMeeting.DoesNotExist,
        Snapshot.DoesNotExist,
    ) as gone:
        raise outbox.PermanentFailure(str(gone)) from gone
    if payload.get("deadline"):
        ctx["deadline"] = datetime.datetime.fromisoformat(payload["deadline"])
    return ctx


def deliveries(event: str, people: list[User]) -> dict[int, str]:
    chosen = dict(Preference.objects.filter(event=event, person__in=people).values_list("person_id", "delivery"))
    return {person.pk: chosen.get(person.pk, Delivery.IMMEDIATE) for person in people}


def _may_have_letter(user: User, ctx: dict[str, Any]) -> bool:
    return ctx.get("letter") is not None and user.has_perm("decisions.view_decision_letter", ctx["decision"])


def _partnership_of(ctx: dict[str, Any]) -> int | None:
    """The partnership an event is about: its application's, or its steering-group meeting's.
    A RUN meeting is shared by every partnership and is about none."""
    if ctx.get("application") is not None:
        return int(ctx["application"].call.partnership_id)
    meeting = ctx.get("meeting")
    if meeting is not None:
        return meeting.steering_group.partnership_id  # type: ignore[no-any-return]
    return None


def deliver_event(message: OutboxMessage) -> None:
    payload = message.payload
    event = EVENTS[payload["event"]]
    with translation.override("sv"):
        ctx = _context(payload)
        recipients = [user for user in event.recipients(ctx) if user.pk != payload.get("by")]
        content = event.content(ctx)
        chosen = deliveries(event.key, recipients)
        partnership_id = _partnership_of(ctx)
        for user in recipients:
            letter = ctx["letter"] if _may_have_letter(user, ctx) else None
            mine = event.personal(ctx, user, content) if event.personal is not None else content
            notification, created = notification_add(
                key=f"{message.key}:{user.pk}",
                recipient=user,
                event=event.key,
                title=mine.title,
                body=mine.body,
                action=mine.action,
                url=mine.url,
                delivery=chosen[user.pk],
                letter=letter,
                partnership_id=partnership_id,
                submission_id=payload.get("snapshot"),
            )
            if created and notification.delivery == Delivery.IMMEDIATE and user.email:
                email_for(notification, submission_id=notification.submission_id)


def _absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url if url.startswith("/") else url


def _email(
    *,
    key: str,
    user: User,
    subject: str,
    template: str,
    context: dict[str, Any],
    letter: DecisionLetter | None = None,
    submission_id: int | None = None,
) -> Email:
    # A title typed with a line break must not stop the mail; direction controls must not disguise it.
    subject = header_value(subject, max_length=300)
    context = {**context, "person": user, "site_url": settings.SITE_URL.rstrip("/"), "subject": subject}
    email, created = Email.objects.get_or_create(
        key=key,
        defaults={
            "recipient": user,
            "to": user.email,
            "subject": subject,
            "text": without_bidi_controls(render_to_string(f"notifications/email/{template}.txt", context)),
            "html": without_bidi_controls(render_to_string(f"notifications/email/{template}.html", context)),
            "letter": letter,
            "submission_id": submission_id,
        },
    )
    if created:
        outbox.outbox_add(OutboxKind.EMAIL, f"email:{email.pk}", email=email.pk)
    return email


def email_footer(user: User, partnerships: list[Partnership | None]) -> list[dict[str, str]]:
    """Why the person gets the e-mail: their roles in each partnership it is about, today
    (without a partnership: every role they hold)."""
    lines = []
    seen: set[int | None] = set()
    for partnership in partnerships:
        key = partnership.pk if partnership is not None else None
        if key in seen:
            continue
        seen.add(key)
        roles = roles_in_partnership(user, key)
        lines.append({"partnership": partnership.name if partnership is not None else "", "roles": ", ".join(roles)})
    return lines


def email_for(notification: Notification, *, submission_id: int | None = None) -> Email:
    """The immediate e-mail of one notification (a receipt attaches the PDF of ``submission_id``)."""
    with translation.override("sv"):
        email = _email(
            key=f"notification:{notification.pk}",
            user=notification.recipient,
            subject=f"SIM-portalen: {notification.title}",
            template="notification",
            context={
                "notification": notification,
                "link": _absolute(notification.url),
                "header_partnership": notification.partnership.name if notification.partnership else "",
                "footer": email_footer(notification.recipient, [notification.partnership]),
            },
            letter=notification.letter,
            submission_id=submission_id,
        )
    Notification.objects.filter(pk=notification.pk).update(email=email)
    return email


def submissions_carried(email: Email) -> list[int]:
    """The submissions whose PDFs the e-mail attaches, in the order it tells of them: a single
    receipt's own, and each receipt a digest holds."""
    held = (
        Notification.objects.filter(email=email, submission__isnull=False)
        .order_by("created_at", "pk")
        .values_list("submission_id", flat=True)
    )
    own = [email.submission_id] if email.submission_id is not None else []
    return list(dict.fromkeys([*own, *held]))


def send_email(message: OutboxMessage) -> None:
    email = Email.objects.select_for_update(of=("self",)).select_related("letter").get(pk=message.payload["email"])
    if email.sent_at:
        return
    mail = EmailMultiAlternatives(
        subject=header_value(email.subject),  # also for mails stored before subjects were cleaned
        body=email.text,
        to=[email.to],
        headers={"Message-ID": email.message_id, "Auto-Submitted": "auto-generated"},
        connection=get_connection(timeout=settings.EMAIL_TIMEOUT),
    )
    mail.attach_alternative(email.html, "text/html")
    if email.letter is not None:
        with email.letter.pdf.open("rb") as pdf:
            mail.attach(email.letter.filename, pdf.read(), "application/pdf")
    submissions = submissions_carried(email)
    if submissions:
        documents = {d.snapshot_id: d for d in ApplicationPdf.objects.filter(snapshot_id__in=submissions)}
        missing = [pk for pk in submissions if pk not in documents]
        if missing:
            # A receipt never goes without the application it confirms: the outbox tries again later.
            raise PdfNotStoredYet(f"the PDF of submission {', '.join(map(str, missing))} is not stored yet")
        for pk in submissions:
            with documents[pk].pdf.open("rb") as pdf:
                mail.attach(documents[pk].filename, pdf.read(), "application/pdf")
    mail.send(fail_silently=False)
    email.sent_at = timezone.now()
    email.save(update_fields=["sent_at"])
    log.info("e-mail %s sent to %s: %s", email.pk, email.to, email.subject)


def send_password_reset(message: OutboxMessage) -> None:
    """Make the reset link now (its token is never stored) and send it, once."""
    user = User.objects.filter(pk=message.payload["user"], is_active=True).first()
    if user is None or not user.has_usable_password():
        return  # deactivated or without a password since: nothing to send
    _send_account_link(message, user, default_token_generator.make_token(user))


def answer_password_mail_request(message: OutboxMessage) -> None:
    """Look up who "forgot password" was asked for, and queue their link (or nothing)."""
    payload = message.payload
    password_mail_answer(email=payload["email"], address=payload["address"], site=payload["site"])


def send_invitation(message: OutboxMessage) -> None:
    """Make the invitation's one-time link now (its token is never stored) and send it, once."""
    user = User.objects.filter(pk=message.payload["user"], is_active=True).first()
    if user is None or user.has_usable_password():
        return  # deactivated, or has chosen a password since: nothing to send
    _send_account_link(message, user, invitation_tokens.make_token(user))


def _send_account_link(message: OutboxMessage, user: User, token: str) -> None:
    payload = message.payload
    subject_template, text_template, html_template = payload["templates"]
    context = {
        "email": payload["to"],
        "domain": payload["domain"],
        "site_name": payload["site_name"],
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": token,
        "protocol": payload["protocol"],
        "invitation_hours": settings.INVITATION_TIMEOUT // 3600,
    }
    with translation.override(payload.get("language") or "sv"):
        subject = header_value(render_to_string(subject_template, context))
        mail = EmailMultiAlternatives(
            subject,
            without_bidi_controls(render_to_string(text_template, context)),
            to=[payload["to"]],
            headers={"Auto-Submitted": "auto-generated"},
            connection=get_connection(timeout=settings.EMAIL_TIMEOUT),
        )
        if html_template:
            mail.attach_alternative(without_bidi_controls(render_to_string(html_template, context)), "text/html")
    mail.send(fail_silently=False)


# --- the daily digest --------------------------------------------------------------------


def awaiting_digest() -> QuerySet[Notification]:
    return Notification.objects.filter(delivery=Delivery.DIGEST, email__isnull=True)


def digests_send(now: datetime.datetime | None = None) -> list[Email]:
    """One e-mail per person with what they chose to hear about once a day. Run twice, it
    sends nothing more: each day's digest has its own key."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    sent = []
    people = User.objects.filter(
        pk__in=awaiting_digest().filter(created_at__lte=now).values("recipient_id"), is_active=True
    ).exclude(email="")
    for person in people:
        with transaction.atomic():
            waiting = list(
                awaiting_digest()
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("partnership")
                .filter(recipient=person, created_at__lte=now)
            )
            if not waiting:
                continue
            for notification in waiting:
                # The digest's template reads the absolute link off each notification; it is no column.
                notification.link = _absolute(notification.url)  # type: ignore[attr-defined]
            with translation.override("sv"):
                email = _email(
                    key=f"digest:{person.pk}:{day.isoformat()}",
                    user=person,
                    subject=_("SIM-portalen: dagens sammanfattning %(day)s (%(count)d)")
                    % {"day": day.isoformat(), "count": len(waiting)},
                    template="digest",
                    context={
                        "notifications": waiting,
                        "day": day,
                        "footer": email_footer(person, [n.partnership for n in waiting]),
                    },
                )
            Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(email=email)
            sent.append(email)
    return sent


# --- keeping no more than is needed -------------------------------------------------------


@dataclass
class Pruned:
    notifications: int
    emails: int
    outbox: int


@transaction.atomic
def prune(now: datetime.datetime | None = None) -> Pruned:
    """Delete what has served its purpose: read notifications and sent e-mails older than
    NOTIFICATION_RETENTION_DAYS, and finished background work older than OUTBOX_RETENTION_DAYS.
    Unread notifications, unsent e-mails and failed work are kept for people to see."""
    now = now or timezone.now()
    kept_since = now - datetime.timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
    notifications, _ = Notification.objects.filter(read_at__isnull=False, created_at__lt=kept_since).delete()
    emails, _ = (
        Email.objects.filter(sent_at__isnull=False, created_at__lt=kept_since)
        .exclude(notifications__isnull=False)
        .delete()
    )
    work_since = now - datetime.timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    outbox_rows, _ = OutboxMessage.objects.filter(done_at__isnull=False, done_at__lt=work_since).delete()
    return Pruned(notifications=notifications, emails=emails, outbox=outbox_rows)


# --- the person's own list and choices -----------------------------------------------------


def notification_add(
    *, key: str, recipient: User, event: str, title: str, body: str, url: str = "", action: str = "", **fields: Any
) -> tuple[Notification, bool]:
    """Tell ``recipient`` something in the portal, once per ``key`` (again with the same key: the
    one already there, and False). The person's unread count grows in the same transaction."""
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            key=key,
            defaults={
                "recipient": recipient,
                "event": event,
                "title": title[:300],
                "body": body,
                "action": action[:500],
                "url": url,
                **fields,
            },
        )
        if created and notification.read_at is None:
            _count_unread(recipient, +1)
    return notification, created


def _count_unread(user: User, change: int) -> None:
    """Move the person's stored unread count by ``change`` (an UPDATE relative to the stored value,
    so that two requests at once both count), creating it the first time."""
    counted = UnreadCount.objects.filter(person_id=user.pk)
    if not counted.update(count=Greatest(F("count") + change, 0)):
        try:
            with transaction.atomic():
                UnreadCount.objects.create(person_id=user.pk, count=max(change, 0))
        except IntegrityError:  # another request created it first
            counted.update(count=Greatest(F("count") + change, 0))
    related = User.unread_count.related
    if related.is_cached(user):
        related.delete_cached_value(user)  # the next read asks the database


def unread_count(user: User) -> int:
    """The person's unread notifications, as stored: read with the person when a request logs them
    in (no query then), else in one small query."""
    descriptor = User.unread_count
    if descriptor.is_cached(user):
        try:
            return int(user.unread_count.count)
        except UnreadCount.DoesNotExist:
            return 0
    return UnreadCount.objects.filter(person_id=user.pk).values_list("count", flat=True).first() or 0


def mark_read(user: User, notification_ids: list[int] | None = None) -> int:
    """Mark the person's own notifications read (all when no ids are given)."""
    with transaction.atomic():
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
        if notification_ids is not None:
            unread = unread.filter(pk__in=notification_ids)
        marked = unread.update(read_at=timezone.now())
        if marked:
            _count_unread(user, -marked)
    return marked


def unread_recount(people: Iterable[User] | None = None) -> int:
    """Count the unread notifications again from the notifications themselves and store the counts
    (an operator's repair; ``manage.py recount_unread``). Returns how many counts were wrong."""
    users = User.objects.all() if people is None else User.objects.filter(pk__in=[p.pk for p in people])
    actual = dict(
        Notification.objects.filter(read_at__isnull=True, recipient__in=users)
        .values("recipient")
        .annotate(n=Count("pk"))
        .values_list("recipient", "n")
    )
    stored = dict(UnreadCount.objects.filter(person__in=users).values_list("person_id", "count"))
    wrong = 0
    for person_id in users.values_list("pk", flat=True):
        if stored.get(person_id, 0) != actual.get(person_id, 0):
            wrong += 1
            UnreadCount.objects.update_or_create(person_id=person_id, defaults={"count": actual.get(person_id, 0)})
    return wrong


def preferences_of(user: User) -> dict[str, str]:
    chosen = dict(Preference.objects.filter(person=user).values_list("event", "delivery"))
    return {key: chosen.get(key, Delivery.IMMEDIATE) for key in EVENTS}


@transaction.atomic
def preferences_save(user: User, choices: dict[str, str]) -> None:
    for event, delivery in choices.items():
        if event not in EVENTS or delivery not in Delivery.values:
            raise ValueError(f"{event}={delivery}")
        Preference.objects.update_or_create(person=user, event=event, defaults={"delivery": delivery})
