from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Application


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    """Read-only for system administrators: applications change only through the workflow."""

    list_display = ["title", "reference_number", "working_group", "call", "status", "submitted_at"]
    list_filter = ["status", "call"]
    search_fields = ["title", "reference_number", "working_group__name"]
    list_select_related = ["working_group", "call"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_module_permission(self, request):
        return request.user.is_superuser
