from django.contrib import admin

from simportal.admin import StructureAdminMixin

from .models import AgendaItem, Meeting


class AgendaItemInline(StructureAdminMixin, admin.TabularInline):
    model = AgendaItem
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(StructureAdminMixin, admin.ModelAdmin):
    list_display = ["steering_group", "starts_at", "place", "published_at"]
    list_filter = ["steering_group"]
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline]
