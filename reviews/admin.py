"""Steering-group meetings and RUN's letters in the admin: records, shown read-only to the
system administrator. Meetings are scheduled, edited and cancelled on the portal's meeting
pages, through ``reviews.meetings``; nothing here can change an agenda, a vote or an outcome."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from simportal.admin import RecordAdminMixin, RecordInline

from .models import AgendaItem, Attendance, DecisionLetter, Meeting


class AgendaItemInline(RecordInline):
    model = AgendaItem
    fields = ["position", "application", "closed_at", "outcome", "recommended_amount", "conditions"]


class AttendanceInline(RecordInline):
    model = Attendance
    fields = ["person", "present"]


@admin.register(Meeting)
class MeetingAdmin(RecordAdminMixin, admin.ModelAdmin):
    list_display = ["steering_group", "starts_at", "place", "published_at"]
    list_filter = ["steering_group"]
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline, AttendanceInline]


@admin.register(DecisionLetter)
class DecisionLetterAdmin(RecordAdminMixin, admin.ModelAdmin):
    """A letter is what was sent: rendered once and never changed or removed."""

    list_display = ["filename", "decision", "size", "created_at"]
    list_select_related = ["decision"]
    search_fields = ["filename", "sha256"]
    # The file is linked through the download view, which asks the rules, never straight from storage.
    fields = ["decision", "download", "sha256", "size", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.fields]

    @admin.display(description=_("PDF"))
    def download(self, letter: DecisionLetter) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("run:decision_letter", args=[letter.decision_id]), letter.filename
        )
