"""RUN's letters and the ledger's running totals in the admin: records, shown read-only to the
system administrator. RUN's meetings, cases and decisions are recorded on the portal's pages,
through ``decisions.services``; nothing here can change a decision, a letter or a total (the
services keep the totals; ``manage.py ledger_check`` recomputes and compares them)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from simportal.admin import RecordAdminMixin

from .models import DecisionLetter, LedgerTotal


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


@admin.register(LedgerTotal)
class LedgerTotalAdmin(RecordAdminMixin, admin.ModelAdmin):
    """The running totals are what the services added up; only ``ledger_check --repair`` rewrites them."""

    list_display = ["call", "year", "requested", "recommended", "granted"]
    list_select_related = ["call"]
    list_filter = ["call"]
    fields = ["call", "year", "requested", "recommended", "granted"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.fields]
