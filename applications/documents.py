"""The application as a PDF: the whole application exactly as it was sent.

Each submission (and each resubmission) freezes a snapshot; its PDF is rendered once from
that snapshot, in the background (``application_pdf_store``, the outbox's work of kind
APPLICATION_PDF, registered in ``ApplicationsConfig.ready()``), and stored with its checksum.
What is stored is what was sent: a later edit never changes it, and it is never rendered again.

Who may read it is the rules' business (``applications.view_application_pdf``).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import TypedDict

from django.db import transaction

from outbox.models import OutboxKind, OutboxMessage
from outbox.services import PermanentFailure, outbox_add
from simportal import pdf

from .models import Application, ApplicationPdf, Criterion, Signature, Snapshot
from .sections import SECTIONS, SectionSpec

logger = logging.getLogger(__name__)

TEMPLATE = "applications/pdf/application.html"


@dataclass(frozen=True)
class SentSection:
    title: str
    rows: list[tuple[str, str]]


class PdfContext(TypedDict):
    application: Application
    snapshot: Snapshot
    reference_number: str
    sections: list[SentSection]
    signatures: list[Signature]


def _ascii_slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def pdf_filename(snapshot: Snapshot) -> str:
    """``ansokan-sim-2026-0001.pdf``; a resubmission ``ansokan-sim-2026-0001-version-2.pdf`` (ASCII only)."""
    application = snapshot.application
    reference = _ascii_slug(application.reference_number or "") or f"{application.pk}"
    suffix = f"-version-{snapshot.number}" if snapshot.number > 1 else ""
    return f"ansokan-{reference}{suffix}.pdf"


def _number(label: str) -> int:
    last = label.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def ordered_rows(spec: SectionSpec, content: dict[str, str]) -> list[tuple[str, str]]:
    """A stored snapshot's rows in the order the application reads: the database keeps a JSON
    object's keys in an order of its own, so the order comes from the section's definition."""
    if spec.kind == "attachments":
        return [(name, "") for name in content]
    if spec.kind == "logic":  # "Aktiviteter 2": numbered as the snapshot read them
        return sorted(content.items(), key=lambda row: _number(row[0]))
    if spec.kind in {"budget", "priorities"}:
        return sorted(content.items())
    if spec.kind == "fields":
        # The labels ``snapshots.snapshot_data`` gives the fields.
        labels = [
            str(getattr(Application._meta.get_field(name), "verbose_name", name)).capitalize() for name in spec.fields
        ]
    elif spec.kind == "criteria":
        labels = [str(criterion.label) for criterion in Criterion]
    else:
        labels = []
    rank = {label: position for position, label in enumerate(labels)}
    return sorted(content.items(), key=lambda row: (rank.get(row[0], len(rank)), row[0]))


def sent_sections(data: dict[str, dict[str, str]]) -> list[SentSection]:
    """The snapshot's sections in the application's order, each with its labels and texts."""
    return [SentSection(title=str(spec.title), rows=ordered_rows(spec, data.get(spec.key, {}))) for spec in SECTIONS]


def pdf_context(snapshot: Snapshot) -> PdfContext:
    application = snapshot.application
    return {
        "application": application,
        "snapshot": snapshot,
        "reference_number": application.reference_number or "",
        "sections": sent_sections(snapshot.data),
        "signatures": list(snapshot.signatures.select_related("person").order_by("principal")),
    }


def application_pdf_store(snapshot_id: int) -> ApplicationPdf:
    """Render and store the PDF of one submitted version, once.

    Idempotent: with the snapshot row locked, a stored PDF is returned as it is, so work run
    twice (a retry, a redelivered message) never renders a second, different document.
    """
    with transaction.atomic():
        Snapshot.objects.select_for_update().filter(pk=snapshot_id).values_list("pk", flat=True).get()
        existing = ApplicationPdf.objects.filter(snapshot_id=snapshot_id).first()
        if existing is not None:
            return existing
        snapshot = Snapshot.objects.select_related(
            "application__call__partnership", "application__working_group", "created_by"
        ).get(pk=snapshot_id)
        logger.info("Ansökan som PDF för version %s renderas", snapshot_id)
        rendered = pdf.render_pdf(TEMPLATE, pdf_context(snapshot))
        filename = pdf_filename(snapshot)
        document = ApplicationPdf(
            snapshot=snapshot, filename=filename, sha256=rendered.sha256, size=len(rendered.content)
        )
        document.pdf.save(filename, rendered.as_file(filename), save=False)
        try:
            document.save()
        except Exception:
            document.pdf.delete(save=False)  # no file without its row
            raise
    return document


def application_pdf_queue(snapshot: Snapshot) -> OutboxMessage:
    """In the submitting transaction: render this version's PDF once the submission commits."""
    return outbox_add(OutboxKind.APPLICATION_PDF, f"application_pdf:{snapshot.pk}", snapshot=snapshot.pk)


def store_application_pdf(message: OutboxMessage) -> None:
    """The outbox's work of kind APPLICATION_PDF."""
    try:
        application_pdf_store(message.payload["snapshot"])
    except Snapshot.DoesNotExist as gone:
        raise PermanentFailure(str(gone)) from gone
