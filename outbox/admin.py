"""Background work for operators: what failed, why, and a button to try again."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.urls.resolvers import URLPattern
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from simportal.admin import RecordAdminMixin

from . import services
from .models import OutboxKind, OutboxMessage


class OperatorAdminMixin(RecordAdminMixin):
    """Records of background work, shown to those who operate it: read, and retried through the
    outbox's own function, never edited or deleted."""

    view_permission = "outbox.operate_background_work"

    def _allowed(self, request: HttpRequest) -> bool:
        return self._may_view(request)


class StateFilter(admin.SimpleListFilter):
    title = gettext_lazy("läge")
    parameter_name = "lage"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("failed", gettext_lazy("Misslyckade")),
            ("pending", gettext_lazy("Väntar")),
            ("done", gettext_lazy("Klara")),
        ]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() == "failed":
            return queryset.failed()
        if self.value() == "pending":
            return queryset.pending()
        if self.value() == "done":
            return queryset.filter(done_at__isnull=False)
        return queryset


@admin.action(description=gettext_lazy("Försök igen med markerade misslyckade arbeten"))
def retry_selected(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
    count = services.retry_failed(queryset.failed())
    modeladmin.message_user(
        request, _("%(count)d arbeten lämnas över till Celery igen.") % {"count": count}, messages.SUCCESS
    )


# Work about accounts carries the addresses people typed and the client's address: only the
# system administrator sees it. Nobody but them sees a message's payload.
ACCOUNT_KINDS = frozenset({OutboxKind.PASSWORD_RESET, OutboxKind.INVITATION, OutboxKind.ACCOUNT_MAIL_REQUEST})


@admin.register(OutboxMessage)
class OutboxMessageAdmin(OperatorAdminMixin, admin.ModelAdmin):
    list_display = [
        "key",
        "kind",
        "state_label",
        "attempts",
        "error_summary",
        "created_at",
        "next_attempt_at",
        "retry_button",
    ]
    list_filter = [StateFilter, "kind"]
    search_fields = ["key", "last_error"]
    readonly_fields = [
        "key",
        "kind",
        "payload",
        "created_at",
        "next_attempt_at",
        "attempts",
        "last_error",
        "done_at",
        "failed_at",
    ]
    actions = [retry_selected]
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[OutboxMessage]:
        messages_ = super().get_queryset(request)
        return messages_ if request.user.is_superuser else messages_.exclude(kind__in=ACCOUNT_KINDS)

    def get_fields(self, request: HttpRequest, obj: OutboxMessage | None = None) -> Any:
        fields = super().get_fields(request, obj)
        return fields if request.user.is_superuser else [f for f in fields if f != "payload"]

    @admin.display(description=gettext_lazy("läge"))
    def state_label(self, message: OutboxMessage) -> str:
        return {"done": _("Klart"), "failed": _("Misslyckat"), "pending": _("Väntar")}[message.state]

    @admin.display(description=gettext_lazy("senaste fel"))
    def error_summary(self, message: OutboxMessage) -> str:
        return message.last_error.splitlines()[-1][:140] if message.last_error else ""

    @admin.display(description=gettext_lazy("åtgärd"))
    def retry_button(self, message: OutboxMessage) -> str:
        if message.state != "failed":
            return ""
        url = reverse("admin:outbox_outboxmessage_retry", args=[message.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Försök igen"))

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:pk>/forsok-igen/",
                self.admin_site.admin_view(self.retry_view),
                name="outbox_outboxmessage_retry",
            )
        ]
        return own + super().get_urls()

    def retry_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self._allowed(request):
            raise Http404
        message = self.get_queryset(request).filter(pk=pk).first()
        if message is None:
            raise Http404
        changelist = reverse("admin:outbox_outboxmessage_changelist")
        if request.method == "POST":
            if services.retry_failed([message]):
                self.message_user(request, _("Arbetet lämnas över till Celery igen."), messages.SUCCESS)
            else:
                self.message_user(request, _("Arbetet har inte misslyckats; inget att försöka igen."), messages.WARNING)
            return redirect(f"{changelist}?lage=failed")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Försök igen: %(key)s") % {"key": message.key},
            "message_obj": message,
            "opts": self.model._meta,
            "changelist_url": changelist,
        }
        return TemplateResponse(request, "admin/outbox/retry_confirm.html", context)
