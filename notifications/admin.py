"""Sent e-mail for operators: what went out, to whom and when. The background work that sends
it is in the outbox's admin."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from outbox.admin import OperatorAdminMixin
from partnership.rules import people_in_view

from .models import Email


@admin.register(Email)
class EmailAdmin(OperatorAdminMixin, admin.ModelAdmin):
    list_display = ["subject", "to", "created_at", "sent_at"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["to", "subject"]
    readonly_fields = ["key", "recipient", "to", "subject", "text", "created_at", "sent_at", "letter"]
    exclude = ["html"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Email]:
        # What went out to the people within the operator's reach (everyone's for the system administrator).
        return super().get_queryset(request).filter(recipient__in=people_in_view(request.user).values("pk"))
