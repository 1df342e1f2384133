from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from simportal.admin import StructureAdminMixin

from .models import AgendaItem, DecisionLetter, Meeting


class AgendaItemInline(StructureAdminMixin, admin.TabularInline):
    model = AgendaItem
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(StructureAdminMixin, admin.ModelAdmin):
    list_display = ["steering_group", "starts_at", "place", "published_at"]
    list_filter = ["steering_group"]
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline]


@admin.register(DecisionLetter)
class DecisionLetterAdmin(StructureAdminMixin, admin.ModelAdmin):
    """Read-only: a letter is what was sent; it is rendered once and never changed or removed here."""

    list_display = ["filename", "decision", "size", "created_at"]
    list_select_related = ["decision"]
    search_fields = ["filename", "sha256"]
    # The file is linked through the download view, which asks the rules, never straight from storage.
    fields = readonly_fields = ["decision", "download", "sha256", "size", "created_at"]

    @admin.display(description=_("PDF"))
    def download(self, letter: DecisionLetter) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("run:decision_letter", args=[letter.decision_id]), letter.filename
        )

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
