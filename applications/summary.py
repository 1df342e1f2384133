"""*Check your answers*: every section of an application summarised, with its problems.

Built from the section definitions (``sections.SECTIONS``) and the same reading of the
application a snapshot freezes (``snapshots.snapshot_data``), so the summary shows what
would be sent, and a new section appears here without a template of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .models import Application
from .sections import SECTIONS, SIGNATURES, SectionSpec
from .signatures import signing_state
from .snapshots import snapshot_data
from .submission import Problem

# The name of the parameter that brings a person back to where they came from after saving.
RETURN_PARAMETER = "next"


@dataclass(frozen=True)
class ProblemLink:
    message: str
    url: str


@dataclass(frozen=True)
class SectionSummary:
    spec: SectionSpec
    rows: list[tuple[str, str]]
    problems: list[ProblemLink]
    change_url: str


def section_url(application: Application, key: str) -> str:
    if key == SIGNATURES.key:
        return reverse("applications:signatures", args=[application.pk])
    if key == "attachments":
        return reverse("applications:attachments", args=[application.pk])
    return reverse("applications:section", args=[application.pk, key])


def summary_url(application: Application) -> str:
    return reverse("applications:submit", args=[application.pk])


def with_return(url: str, back_to: str, fragment: str = "") -> str:
    """``url`` that brings the person back to ``back_to`` after saving (and opens at ``fragment``)."""
    return f"{url}?{urlencode({RETURN_PARAMETER: back_to})}" + (f"#{fragment}" if fragment else "")


def check_answers(application: Application, problems: list[Problem]) -> list[SectionSummary]:
    """Each section in order: what it says now, what submission still needs from it, and its
    "Ändra" link that returns to the summary."""
    data = snapshot_data(application)
    data[SIGNATURES.key] = signature_rows(application)
    back_to = summary_url(application)
    summaries = []
    for spec in (*SECTIONS, SIGNATURES):
        content = data.get(spec.key, {})
        # A snapshot keeps each file's checksum; a reader needs the names.
        rows = [(str(_("Filer")), ", ".join(content))] if spec.kind == "attachments" else list(content.items())
        url = section_url(application, spec.key)
        summaries.append(
            SectionSummary(
                spec=spec,
                rows=rows,
                problems=[
                    ProblemLink(problem.message, with_return(url, back_to, problem.field))
                    for problem in problems
                    if problem.section == spec.key
                ],
                change_url=with_return(url, back_to),
            )
        )
    return summaries


def signature_rows(application: Application) -> dict[str, str]:
    """{principal: who signs and whether their signature counts for the application as it reads now}."""
    rows = {}
    for state in signing_state(application):
        if state.signatory is None:
            text = _("Ingen utsedd")
        else:
            who = f"{state.signatory.person.get_full_name() or state.signatory.person.email}, {state.signatory.role}"
            if state.signature is not None:
                status = _("underskriven %(when)s") % {
                    "when": timezone.localtime(state.signature.signed_at).strftime("%Y-%m-%d %H:%M")
                }
            elif state.earlier is not None:
                status = _("behöver skriva under igen: ansökan har ändrats sedan underskriften")
            else:
                status = _("väntar på underskrift")
            text = f"{who} – {status}"
        rows[state.label] = text
    return rows


def return_url(raw: str | None, application: Application) -> str | None:
    """``raw`` if it is a page of this same application on this site, else None.

    Only a local path is accepted (no scheme, no host, no ``//``) that resolves to one of the
    application pages of ``application`` itself; anything else is ignored.
    """
    if not raw or not url_has_allowed_host_and_scheme(raw, allowed_hosts=set()):
        return None
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.namespace != "applications" or match.kwargs.get("pk") != application.pk:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
