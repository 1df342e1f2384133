"""Which events tell whom, and what they say: the one table of notifications.

Each event names who receives it (resolved when the work is done, from the memberships of
that day), what the notification says and where its link goes. README's table is printed
from here by ``manage.py notification_table``, and a test keeps the two the same.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application, Message, MessageKind, Signatory, Signature
from partnership.models import BodyKind, Membership, MembershipRole, User
from partnership.rules import VOTING_ROLES, Roles
from simportal.formatting import format_kronor


@dataclass(frozen=True)
class Content:
    title: str
    body: str
    action: str
    url: str


@dataclass(frozen=True)
class Event:
    key: str
    label: Any  # lazy Swedish label
    when: Any
    recipients_text: Any
    recipients: Callable[[dict[str, Any]], Iterable[User]]
    content: Callable[[dict[str, Any]], Content]
    audience: Callable[[Roles], bool]  # whether a person with these roles can receive it at all
    # What one recipient is told, when it differs by who they are (from the content for all).
    personal: Callable[[dict[str, Any], User, Content], Content] | None = None


def _people(memberships: QuerySet[Membership]) -> list[User]:
    users = User.objects.filter(pk__in=memberships.values("person_id"), is_active=True).order_by(
        "last_name", "first_name", "pk"
    )
    return list(users)


def _current(on: datetime.date | None = None) -> QuerySet[Membership]:
    return Membership.objects.current(on or timezone.localdate())


def working_group_members(ctx: dict[str, Any]) -> list[User]:
    return _people(_current().filter(body_id=ctx["application"].working_group_id))


def project_leaders(ctx: dict[str, Any]) -> list[User]:
    partnership_id = ctx["application"].call.partnership_id
    return _people(_current().filter(role=MembershipRole.PROJECT_LEADER, body__partnership_id=partnership_id))


def _serving(kind: str, ctx: dict[str, Any]) -> QuerySet[Membership]:
    """Members of the region-wide bodies of this kind, and of those tied to the application's partnership."""
    members = _current().filter(body__kind=kind)
    application = ctx.get("application")
    if application is None:
        return members
    return members.filter(Q(body__partnership__isnull=True) | Q(body__partnership_id=application.call.partnership_id))


def koncernkontoret(ctx: dict[str, Any]) -> list[User]:
    return _people(_serving(BodyKind.KONCERNKONTORET, ctx))


def secretariat(ctx: dict[str, Any]) -> list[User]:
    return _people(_serving(BodyKind.RUN_SECRETARIAT, ctx))


def steering_group(ctx: dict[str, Any]) -> list[User]:
    meeting = ctx.get("meeting")
    if meeting is not None:
        return _people(_current().filter(body_id=meeting.steering_group_id))
    return _people(
        _current().filter(
            body__kind=BodyKind.STEERING_GROUP, body__partnership_id=ctx["application"].call.partnership_id
        )
    )


def nsv_chairs(ctx: dict[str, Any]) -> list[User]:
    appointed_by = ctx["application"].working_group.appointed_by_id
    if appointed_by is None:
        return []
    return _people(_current().filter(body_id=appointed_by, role__in=[MembershipRole.CHAIR, MembershipRole.VICE_CHAIR]))


def union(*resolvers: Callable[[dict[str, Any]], list[User]]) -> Callable[[dict[str, Any]], list[User]]:
    def resolve(ctx: dict[str, Any]) -> list[User]:
        seen: dict[int, User] = {}
        for resolver in resolvers:
            for user in resolver(ctx):
                seen.setdefault(user.pk, user)
        return list(seen.values())

    return resolve


def members_yet_to_vote(ctx: dict[str, Any]) -> list[User]:
    """Voting members of the meeting's group who have neither voted nor recused themselves on
    every open item."""
    meeting = ctx["meeting"]
    items = list(meeting.items.filter(closed_at__isnull=True).prefetch_related("votes", "recusals"))
    if not items:
        return []
    voters = _people(_current().filter(body_id=meeting.steering_group_id, role__in=VOTING_ROLES))
    return [user for user in voters if any(_awaits(item, user) for item in items)]


def _awaits(item: Any, user: User) -> bool:
    done = {vote.member_id for vote in item.votes.all()} | {recusal.member_id for recusal in item.recusals.all()}
    return user.pk not in done


def project_leaders_if_submitted(ctx: dict[str, Any]) -> list[User]:
    """A draft withdrawn before it was ever submitted concerns only its group."""
    return project_leaders(ctx) if ctx["application"].submitted_at else []


def working_groups_with_drafts(ctx: dict[str, Any]) -> list[User]:
    return working_group_members(ctx)


# --- what each event says ------------------------------------------------------------


def _app_url(ctx: dict[str, Any]) -> str:
    return reverse("applications:detail", args=[ctx["application"].pk])


def _named(application: Application) -> str:
    if application.reference_number:
        return f"{application.reference_number} {application.title}"
    return application.title


def _submitted(ctx: dict[str, Any]) -> Content:
    application = ctx["application"]
    resubmitted = ctx.get("transition") == "resubmit"
    group = application.working_group.name
    if resubmitted:
        title = _("Komplettering inskickad: %(name)s") % {"name": _named(application)}
        body = _("%(group)s har skickat in kompletteringen av ansökan %(name)s.") % {
            "group": group,
            "name": _named(application),
        }
    else:
        title = _("Ny ansökan: %(name)s") % {"name": _named(application)}
        body = _("%(group)s har skickat in ansökan %(name)s.") % {"group": group, "name": _named(application)}
    action = _("Granska ansökan: godkänn den som komplett eller återförvisa den för komplettering.")
    return Content(title, body, action, _app_url(ctx))


def _submitted_for(ctx: dict[str, Any], user: User, content: Content) -> Content:
    """Koncernkontoret reads and comments; only the project leader triages."""
    if user.pk in {leader.pk for leader in project_leaders(ctx)}:
        return content
    action = _(
        "Läs ansökan och kommentera den om du har synpunkter på hur den går i linje med RUN:s intentioner. "
        "Projektledaren bedömer om den är komplett."
    )
    return Content(content.title, content.body, action, content.url)


def _returned(ctx: dict[str, Any]) -> Content:
    application = ctx["application"]
    from_meeting = ctx.get("transition") == "return_from_meeting"
    who = _("Styrgruppen") if from_meeting else _("Projektledaren")
    body = _("%(who)s har återförvisat ansökan %(name)s för komplettering.") % {"who": who, "name": _named(application)}
    if ctx.get("message"):
        body += "\n\n" + _("Meddelande: %(message)s") % {"message": ctx["message"]}
    action = _("Komplettera ansökan och skicka in den igen.")
    title = _("Återförvisad för komplettering: %(name)s") % {"name": _named(application)}
    return Content(title, body, action, _app_url(ctx))


def _accepted(ctx: dict[str, Any]) -> Content:
    application = ctx["application"]
    body = _(
        "Projektledaren har godkänt ansökan %(name)s som komplett. Den tas upp på ett kommande styrgruppsmöte."
    ) % {"name": _named(application)}
    return Content(
        _("Ansökan är komplett: %(name)s") % {"name": _named(application)},
        body,
        _("Du behöver inte göra något nu."),
        _app_url(ctx),
    )


def _steering_outcome(ctx: dict[str, Any]) -> Content:
    application = ctx["application"]
    if ctx.get("transition") == "recommend":
        title = _("Tillstyrkt av styrgruppen: %(name)s") % {"name": _named(application)}
        body = _("Styrgruppen har tillstyrkt ansökan %(name)s. Den går vidare till RUN för beslut.") % {
            "name": _named(application)
        }
        action = _("Du behöver inte göra något nu. Ni får RUN:s beslut och beslutsbrevet när det är fattat.")
    else:
        title = _("Avstyrkt av styrgruppen: %(name)s") % {"name": _named(application)}
        body = _("Styrgruppen har avstyrkt ansökan %(name)s.") % {"name": _named(application)}
        action = _("Läs styrgruppens protokoll. Projektledaren kontaktar er om hur ni kan gå vidare.")
    if ctx.get("message"):
        body += " " + ctx["message"]
    return Content(title, body, action, _app_url(ctx))


def _withdrawn(ctx: dict[str, Any]) -> Content:
    application = ctx["application"]
    body = _("%(group)s har återtagit ansökan %(name)s.") % {
        "group": application.working_group.name,
        "name": _named(application),
    }
    if ctx.get("message"):
        body += "\n\n" + _("Meddelande: %(message)s") % {"message": ctx["message"]}
    return Content(
        _("Ansökan återtagen: %(name)s") % {"name": _named(application)},
        body,
        _("Ta bort ansökan från kommande dagordningar om den finns där."),
        _app_url(ctx),
    )


def _meeting_day(meeting: Any) -> str:
    return timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")


def _agenda_published(ctx: dict[str, Any]) -> Content:
    meeting = ctx["meeting"]
    count = meeting.items.count()
    body = _("Dagordningen för styrgruppens möte %(when)s är publicerad med %(count)d ansökningar.") % {
        "when": _meeting_day(meeting),
        "count": count,
    }
    action = _("Läs ansökningarna, anmäl jäv om det finns och rösta före mötet.")
    return Content(
        _("Dagordning publicerad: styrgruppen %(when)s") % {"when": _meeting_day(meeting)},
        body,
        action,
        reverse("reviews:meeting_detail", args=[meeting.pk]),
    )


def _meeting_place(meeting: Any) -> str:
    return ", ".join(part for part in (meeting.place, meeting.video_link) if part)


def _meeting_changed(ctx: dict[str, Any]) -> Content:
    meeting = ctx["meeting"]
    body = _("Styrgruppens möte är ändrat. Nu: %(when)s, %(where)s.") % {
        "when": _meeting_day(meeting),
        "where": _meeting_place(meeting),
    }
    if ctx.get("was"):
        body += " " + _("Tidigare: %(was)s.") % {"was": ctx["was"]}
    return Content(
        _("Ändrat styrgruppsmöte: %(when)s") % {"when": _meeting_day(meeting)},
        body,
        _("Notera den nya tiden eller platsen. Dagordningen är densamma."),
        reverse("reviews:meeting_detail", args=[meeting.pk]),
    )


def _meeting_cancelled(ctx: dict[str, Any]) -> Content:
    meeting = ctx["meeting"]
    body = _("Styrgruppens möte %(when)s är inställt.") % {"when": _meeting_day(meeting)}
    if meeting.cancellation_reason:
        body += " " + _("Skäl: %(reason)s") % {"reason": meeting.cancellation_reason}
    return Content(
        _("Inställt styrgruppsmöte: %(when)s") % {"when": _meeting_day(meeting)},
        body,
        _("Du behöver inte göra något. Ansökningarna på dagordningen tas upp på ett kommande möte."),
        reverse("reviews:meeting_detail", args=[meeting.pk]),
    )


def _taken_back_from_run(ctx: dict[str, Any]) -> Content:
    application = ctx["application"]
    body = _("RUN:s sammanträde ställdes in innan ansökan %(name)s var beslutad. Den är tillstyrkt igen.") % {
        "name": _named(application)
    }
    if ctx.get("message"):
        body += " " + ctx["message"]
    return Content(
        _("Tillbaka från RUN: %(name)s") % {"name": _named(application)},
        body,
        _("Skicka ansökan till ett annat av RUN:s sammanträden."),
        _app_url(ctx),
    )


def _vote_reminder(ctx: dict[str, Any]) -> Content:
    # Voting opens on the meeting's day; before it a member reads the agenda and declares jäv.
    meeting = ctx["meeting"]
    body = _(
        "Styrgruppen möts %(when)s och du har inte röstat eller anmält jäv på alla punkter. "
        "Röstningen öppnar på mötesdagen; jäv kan du anmäla redan nu."
    ) % {"when": _meeting_day(meeting)}
    return Content(
        _("Påminnelse: styrgruppen möts %(when)s") % {"when": _meeting_day(meeting)},
        body,
        _("Läs underlaget och anmäl jäv där det behövs; rösta (tillstyrk, avstyrk eller avstår) på mötesdagen."),
        reverse("reviews:meeting_detail", args=[meeting.pk]),
    )


def _forwarded(ctx: dict[str, Any]) -> Content:
    application = ctx["application"]
    body = _("Styrgruppen har tillstyrkt ansökan %(name)s och projektledaren har skickat den till RUN.") % {
        "name": _named(application)
    }
    return Content(
        _("Nytt ärende till RUN: %(name)s") % {"name": _named(application)},
        body,
        _("Förbered ärendet för RUN:s sammanträde och registrera beslutet när det är fattat."),
        _app_url(ctx),
    )


def _decided(ctx: dict[str, Any]) -> Content:
    application = ctx["application"]
    decision = ctx["decision"]
    outcome = decision.get_outcome_display().lower()
    body = _("RUN har beslutat om ansökan %(name)s: %(outcome)s (§ %(paragraph)s, %(day)s).") % {
        "name": _named(application),
        "outcome": outcome,
        "paragraph": decision.paragraph,
        "day": decision.decided_on.isoformat(),
    }
    if decision.corrects_id:
        body = _("RUN:s beslut har rättats.") + " " + body
    total = sum(year.amount for year in decision.granted_years.all())
    if total:
        body += " " + _("Beviljat belopp: %(total)s.") % {"total": format_kronor(total)}
    action = _("Läs beslutsbrevet. Det finns som PDF på ansökans sida.")
    return Content(_("Beslut från RUN: %(name)s") % {"name": _named(application)}, body, action, _app_url(ctx))


def _deadline_reminder(ctx: dict[str, Any]) -> Content:
    application = ctx["application"]
    deadline = ctx["deadline"]
    days = ctx["days_left"]
    when = timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")
    if days <= 1:
        title = _("Sista dagen närmar sig: %(name)s") % {"name": application.title}
    else:
        title = _("%(days)d dagar kvar: %(name)s") % {"days": days, "name": application.title}
    body = _("Ansökan %(name)s är ett utkast. Sista dag för ansökan är %(when)s.") % {
        "name": application.title,
        "when": when,
    }
    return Content(title, body, _("Gör klart ansökan och skicka in den före sista dagen."), _app_url(ctx))


def _run_case_list(ctx: dict[str, Any]) -> Content:
    run_meeting = ctx["run_meeting"]
    cases = list(run_meeting.cases.select_related("application__call__partnership").order_by("forwarded_at"))
    # A RUN meeting is shared by every partnership: each case says whose it is.
    lines = [f"– {_named(case.application)} ({case.application.call.partnership})" for case in cases]
    body = _("RUN sammanträder %(day)s. %(count)d ärenden:") % {
        "day": run_meeting.held_on.isoformat(),
        "count": len(cases),
    }
    body += "\n" + "\n".join(lines) if lines else "\n" + _("Inga ärenden ännu.")
    return Content(
        _("RUN %(day)s: ärendelista") % {"day": run_meeting.held_on.isoformat()},
        body,
        _("Kontrollera ärendena och förbered beslutsunderlaget."),
        reverse("run:meeting_detail", args=[run_meeting.pk]),
    )


# --- nobody left uninformed: the thread and the approved minutes (issue 11 §8) ---------------


def _thread_message(ctx: dict[str, Any]) -> Message:
    if "thread_message_row" not in ctx:
        ctx["thread_message_row"] = Message.objects.select_related("author").get(pk=ctx["thread_message"])
    return ctx["thread_message_row"]  # type: ignore[no-any-return]


def the_other_side(ctx: dict[str, Any]) -> list[User]:
    """Who a message in the application's thread is for: the group hears from the project leader,
    the project leader from the group; a comment from Koncernkontoret goes to the project leader."""
    message = _thread_message(ctx)
    if message.kind == MessageKind.COMMENT:
        return project_leaders(ctx)
    if message.author_id in {user.pk for user in working_group_members(ctx)}:
        return project_leaders_if_submitted(ctx)
    return working_group_members(ctx)


def _message_posted(ctx: dict[str, Any]) -> Content:
    application = ctx["application"]
    message = _thread_message(ctx)
    who = message.author.get_full_name() or message.author.username
    if message.kind == MessageKind.COMMENT:
        title = _("Kommentar från Koncernkontoret: %(name)s") % {"name": _named(application)}
        body = _("%(who)s på Koncernkontoret har kommenterat ansökan %(name)s:") % {
            "who": who,
            "name": _named(application),
        }
        action = _("Läs kommentaren på ansökans sida.")
    else:
        title = _("Nytt meddelande: %(name)s") % {"name": _named(application)}
        body = _("%(who)s har skrivit i tråden om ansökan %(name)s:") % {"who": who, "name": _named(application)}
        action = _("Läs meddelandet och svara i tråden på ansökans sida.")
    body += "\n\n" + message.body
    return Content(title, body, action, _app_url(ctx) + "#meddelanden")


def steering_group_and_koncernkontoret(ctx: dict[str, Any]) -> list[User]:
    """The steering group's members and adjuncts, and Koncernkontoret serving its partnership."""
    meeting = ctx["meeting"]
    partnership_id = meeting.steering_group.partnership_id
    serving = _current().filter(body__kind=BodyKind.KONCERNKONTORET)
    serving = serving.filter(Q(body__partnership__isnull=True) | Q(body__partnership_id=partnership_id))
    return union(steering_group, lambda _ctx: _people(serving))(ctx)


def _minutes_approved(ctx: dict[str, Any]) -> Content:
    meeting = ctx["meeting"]
    body = _(
        "Protokollet från styrgruppens möte %(when)s är justerat av ordföranden och justeraren och är nu låst."
    ) % {"when": _meeting_day(meeting)}
    return Content(
        _("Justerat protokoll: styrgruppen %(when)s") % {"when": _meeting_day(meeting)},
        body,
        _("Läs protokollet. Det finns som PDF på mötets sida."),
        reverse("reviews:meeting_detail", args=[meeting.pk]),
    )


THREAD_AND_MINUTES_EVENTS = [
    Event(
        "message_posted",
        gettext_lazy("Nytt meddelande i en ansökans tråd"),
        gettext_lazy("någon skriver i ansökans tråd, eller Koncernkontoret kommenterar"),
        gettext_lazy("den andra parten: arbetsgruppen eller projektledaren"),
        the_other_side,
        _message_posted,
        lambda roles: roles.is_group_member or roles.is_project_leader,
    ),
    Event(
        "minutes_approved",
        gettext_lazy("Protokollet justerat"),
        gettext_lazy("ordföranden och justeraren har justerat styrgruppens protokoll"),
        gettext_lazy("styrgruppens ledamöter och adjungerade, Koncernkontoret"),
        steering_group_and_koncernkontoret,
        _minutes_approved,
        lambda roles: roles.is_steering_member or roles.koncernkontoret,
    ),
]


EVENTS: dict[str, Event] = {
    event.key: event
    for event in [
        Event(
            "submitted",
            gettext_lazy("Ansökan inskickad"),
            gettext_lazy("en arbetsgrupp skickar in en ansökan eller en komplettering"),
            gettext_lazy("projektledaren (bedömer den), Koncernkontoret (läser och kan kommentera)"),
            union(project_leaders, koncernkontoret),
            _submitted,
            lambda roles: roles.is_project_leader or roles.koncernkontoret,
            personal=_submitted_for,
        ),
        Event(
            "returned",
            gettext_lazy("Återförvisad för komplettering"),
            gettext_lazy("projektledaren eller styrgruppen återförvisar ansökan för komplettering"),
            gettext_lazy("arbetsgruppen"),
            working_group_members,
            _returned,
            lambda roles: roles.is_group_member,
        ),
        Event(
            "accepted",
            gettext_lazy("Ansökan godkänd som komplett"),
            gettext_lazy("projektledaren godkänner ansökan som komplett"),
            gettext_lazy("arbetsgruppen"),
            working_group_members,
            _accepted,
            lambda roles: roles.is_group_member,
        ),
        Event(
            "steering_outcome",
            gettext_lazy("Styrgruppens ställningstagande"),
            gettext_lazy("styrgruppen tillstyrker eller avstyrker ansökan"),
            gettext_lazy("arbetsgruppen"),
            working_group_members,
            _steering_outcome,
            lambda roles: roles.is_group_member,
        ),
        Event(
            "withdrawn",
            gettext_lazy("Ansökan återtagen"),
            gettext_lazy("arbetsgruppen återtar en inskickad ansökan"),
            gettext_lazy("projektledaren"),
            project_leaders_if_submitted,
            _withdrawn,
            lambda roles: roles.is_project_leader,
        ),
        Event(
            "agenda_published",
            gettext_lazy("Dagordning publicerad"),
            gettext_lazy("projektledaren publicerar dagordningen för ett styrgruppsmöte"),
            gettext_lazy("styrgruppens ledamöter och adjungerade"),
            steering_group,
            _agenda_published,
            lambda roles: roles.is_steering_member,
        ),
        Event(
            "vote_reminder",
            gettext_lazy("Påminnelse inför styrgruppsmötet"),
            gettext_lazy("2 dagar före ett styrgruppsmöte (påminnelse)"),
            gettext_lazy("ledamöter som inte har röstat eller anmält jäv på alla punkter"),
            members_yet_to_vote,
            _vote_reminder,
            lambda roles: bool(roles.voting_steering_groups),
        ),
        Event(
            "forwarded_to_run",
            gettext_lazy("Ärende skickat till RUN"),
            gettext_lazy("projektledaren skickar en tillstyrkt ansökan till RUN"),
            gettext_lazy("RUN:s sekretariat"),
            secretariat,
            _forwarded,
            lambda roles: roles.run_secretariat,
        ),
        Event(
            "decided",
            gettext_lazy("Beslut från RUN"),
            gettext_lazy("sekretariatet registrerar RUN:s beslut (eller en rättelse); beslutsbrevet bifogas"),
            gettext_lazy("arbetsgruppen, NSV:s ordförande, projektledaren, styrgruppen"),
            union(working_group_members, nsv_chairs, project_leaders, steering_group),
            _decided,
            lambda roles: bool(
                roles.is_group_member or roles.chaired_nsv_groups or roles.is_project_leader or roles.is_steering_member
            ),
        ),
        Event(
            "deadline_reminder",
            gettext_lazy("Påminnelse om sista dag för ansökan"),
            gettext_lazy("7 dagar och 1 dag före sista dag, för ansökningar som är utkast (påminnelse)"),
            gettext_lazy("arbetsgruppen som har utkastet"),
            working_groups_with_drafts,
            _deadline_reminder,
            lambda roles: roles.is_group_member,
        ),
        Event(
            "run_case_list",
            gettext_lazy("Ärendelista inför RUN"),
            gettext_lazy("en vecka före RUN:s sammanträde (påminnelse)"),
            gettext_lazy("RUN:s sekretariat"),
            secretariat,
            _run_case_list,
            lambda roles: roles.run_secretariat,
        ),
        Event(
            "meeting_changed",
            gettext_lazy("Styrgruppsmöte ändrat"),
            gettext_lazy("projektledaren ändrar tid, plats eller videolänk för ett publicerat styrgruppsmöte"),
            gettext_lazy("styrgruppens ledamöter och adjungerade"),
            steering_group,
            _meeting_changed,
            lambda roles: roles.is_steering_member,
        ),
        Event(
            "meeting_cancelled",
            gettext_lazy("Styrgruppsmöte inställt"),
            gettext_lazy("projektledaren ställer in ett publicerat styrgruppsmöte"),
            gettext_lazy("styrgruppens ledamöter och adjungerade"),
            steering_group,
            _meeting_cancelled,
            lambda roles: roles.is_steering_member,
        ),
        Event(
            "taken_back_from_run",
            gettext_lazy("Tillbaka från RUN"),
            gettext_lazy("sekretariatet ställer in ett RUN-sammanträde innan ärendet är beslutat"),
            gettext_lazy("projektledaren"),
            project_leaders,
            _taken_back_from_run,
            lambda roles: roles.is_project_leader,
        ),
        *THREAD_AND_MINUTES_EVENTS,
    ]
}


# --- the group's receipt when it sends an application (its PDF is attached to the e-mail) ---


def _receipt(ctx: dict[str, Any]) -> Content:
    from simportal.next_steps import next_steps

    application = ctx["application"]
    steps = next_steps(application)
    pending = _("datum meddelas")
    steering = timezone.localtime(steps.steering_meeting).date().isoformat() if steps.steering_meeting else pending
    run = steps.run_meeting.isoformat() if steps.run_meeting else pending
    resubmitted = ctx.get("snapshot_number", 1) > 1
    if resubmitted:
        body = _("Kompletteringen av ansökan %(title)s är inskickad under samma diarienummer, %(number)s.")
    else:
        body = _("Ansökan %(title)s är inskickad och har fått diarienummer %(number)s.")
    body = body % {"title": application.title, "number": application.reference_number}
    body += "\n\n" + _(
        "Vad händer nu: projektledaren läser ansökan och godkänner den som komplett eller återförvisar den för "
        "komplettering. Styrgruppen tar ställning på sitt möte (%(steering)s) och RUN beslutar på sitt "
        "sammanträde (%(run)s)."
    ) % {"steering": steering, "run": run}
    return Content(
        _("Kvitto: %(name)s är inskickad") % {"name": _named(application)},
        body,
        _(
            "Du behöver inte göra något nu. Ansökan som den skickades in finns som PDF i e-postmeddelandet "
            "och på ansökans sida."
        ),
        _app_url(ctx),
    )


RECEIPT = Event(
    "receipt",
    gettext_lazy("Kvitto på inskickad ansökan"),
    gettext_lazy("en arbetsgrupp skickar in en ansökan eller en komplettering; ansökan som PDF bifogas"),
    gettext_lazy("arbetsgruppen"),
    working_group_members,
    _receipt,
    lambda roles: roles.is_group_member,
)
EVENTS[RECEIPT.key] = RECEIPT

# --- end of the receipt ---


# --- the principals' signatures (applications/signatures.py) ---


def _signatory(ctx: dict[str, Any]) -> Signatory:
    return Signatory.objects.select_related("person", "organisation").get(pk=ctx["signatory"])


def asked_signatory(ctx: dict[str, Any]) -> list[User]:
    person = _signatory(ctx).person
    return [person] if person.is_active else []


def voided_signatories(ctx: dict[str, Any]) -> list[User]:
    people = Signatory.objects.filter(pk__in=ctx.get("signatories", []), person__is_active=True)
    return list(User.objects.filter(pk__in=people.values("person_id")).order_by("last_name", "first_name", "pk"))


def _signing_url(ctx: dict[str, Any]) -> str:
    return reverse("applications:signing", args=[ctx["signatory"]])


def _signature_requested(ctx: dict[str, Any]) -> Content:
    application = ctx["application"]
    signatory = _signatory(ctx)
    return Content(
        _("Skriv under ansökan: %(name)s") % {"name": _named(application)},
        _(
            "%(group)s ber dig skriva under ansökan %(name)s om sociala investeringsmedel som %(role)s. "
            "Med underskriften förbinder du din organisation att genomföra insatsen enligt ansökan."
        )
        % {"group": application.working_group.name, "name": _named(application), "role": signatory.role},
        _("Logga in, läs ansökan som PDF och skriv under på sidan som länken leder till."),
        _signing_url(ctx),
    )


def _application_signed(ctx: dict[str, Any]) -> Content:
    application = ctx["application"]
    signature = Signature.objects.select_related("person").get(pk=ctx["signature"])
    return Content(
        _("Underskriven: %(name)s") % {"name": _named(application)},
        _("%(person)s har skrivit under ansökan %(name)s som %(role)s.")
        % {
            "person": signature.person.get_full_name() or signature.person.username,
            "name": _named(application),
            "role": signature.role,
        },
        _("Ansökan kan skickas in när båda huvudmännen har skrivit under; se Underskrifter på ansökans sida."),
        reverse("applications:signatures", args=[application.pk]),
    )


def _signatures_voided(ctx: dict[str, Any]) -> Content:
    application = ctx["application"]
    return Content(
        _("Underskriften gäller inte längre: %(name)s") % {"name": _named(application)},
        _(
            "Ansökan %(name)s har ändrats efter att du skrev under (%(what)s), så din underskrift gäller inte "
            "längre. Arbetsgruppen ber dig skriva under den nya versionen när den är klar."
        )
        % {"name": _named(application), "what": ctx.get("what", "")},
        _("Du behöver inte göra något förrän du får en ny begäran om underskrift."),
        _app_url_for_signatory(ctx),
    )


def _app_url_for_signatory(ctx: dict[str, Any]) -> str:
    signatories = ctx.get("signatories") or []
    return reverse("applications:signing", args=[signatories[0]]) if signatories else ""


def _voided_personal(ctx: dict[str, Any], user: User, content: Content) -> Content:
    """Each signatory's link leads to their own signing page."""
    mine = Signatory.objects.filter(pk__in=ctx.get("signatories", []), person=user).order_by("-pk").first()
    if mine is None:
        return content
    return Content(content.title, content.body, content.action, reverse("applications:signing", args=[mine.pk]))


SIGNATURE_EVENTS = [
    Event(
        "signature_requested",
        gettext_lazy("Begäran om underskrift"),
        gettext_lazy("arbetsgruppen utser den som skriver under för en huvudman, eller ber om underskrift igen"),
        gettext_lazy("den som är utsedd att skriva under"),
        asked_signatory,
        _signature_requested,
        # Personal duties, not a role's: never a choice, always told at once.
        lambda roles: False,
    ),
    Event(
        "application_signed",
        gettext_lazy("Ansökan underskriven av en huvudman"),
        gettext_lazy("en huvudmans undertecknare skriver under ansökan"),
        gettext_lazy("arbetsgruppen"),
        working_group_members,
        _application_signed,
        lambda roles: roles.is_group_member,
    ),
    Event(
        "signatures_voided",
        gettext_lazy("Underskrift upphävd"),
        gettext_lazy("ansökan ändras efter att någon har skrivit under"),
        gettext_lazy("de som hade skrivit under"),
        voided_signatories,
        _signatures_voided,
        lambda roles: False,
        personal=_voided_personal,
    ),
]
EVENTS.update({signature_event.key: signature_event for signature_event in SIGNATURE_EVENTS})

# --- end of the signatures ---


def events_for(roles: Roles) -> list[Event]:
    """The kinds of event a person with these roles can be told about (for their choices)."""
    return [event for event in EVENTS.values() if event.audience(roles)]


def table_markdown(language: str = "sv") -> str:
    """The table of events and recipients, as README shows it (in Swedish, as the portal speaks)."""
    with translation.override(language):
        lines = ["| Händelse | När | Vem får den |", "|---|---|---|"]
        lines += [
            f"| {event.label} (`{event.key}`) | {event.when} | {event.recipients_text} |" for event in EVENTS.values()
        ]
    return "\n".join(lines)
