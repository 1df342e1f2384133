from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from simportal.admin import RecordAdminMixin, RecordInline

from .models import Application, Event, Signatory, Signature, Snapshot


class EventInline(RecordInline):
    model = Event
    fields = ["at", "actor", "kind", "transition", "from_status", "to_status", "section", "message"]


class SnapshotInline(RecordInline):
    model = Snapshot
    fields = ["number", "created_at", "created_by"]


class SignatoryInline(RecordInline):
    model = Signatory
    fields = ["principal", "person", "title", "organisation", "named_by", "named_at"]


class SignatureInline(RecordInline):
    model = Signature
    fields = ["principal", "person", "role", "signed_at", "version", "content_sha256", "pdf_sha256", "method"]


@admin.register(Application)
class ApplicationAdmin(RecordAdminMixin, SimpleHistoryAdmin):
    """Read-only for system administrators: applications change only through the workflow, and
    their status, diarienummer, snapshots and timeline are the workflow's record."""

    list_display = ["title", "reference_number", "working_group", "call", "status", "submitted_at"]
    list_filter = ["status", "call"]
    search_fields = ["title", "reference_number", "working_group__name"]
    list_select_related = ["working_group", "call"]
    inlines = [SnapshotInline, SignatoryInline, SignatureInline, EventInline]
