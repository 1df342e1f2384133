"""Steering-group meetings in the admin: records, shown read-only to the system administrator.
Meetings are scheduled, edited and cancelled on the portal's meeting pages, through
``reviews.services``; nothing here can change an agenda, a vote or an outcome."""

from django.contrib import admin

from simportal.admin import RecordAdminMixin, RecordInline

from .models import AgendaItem, Attendance, Meeting


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
