from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from simportal.admin import StructureAdminMixin

from .models import Body, Call, Membership, Municipality, Organisation, Part, Partnership, Region, SubRegion, Unit, User

# Roles come from memberships in the structure, never from hand-kept groups.
admin.site.unregister(Group)


class MembershipInline(StructureAdminMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["person", "unit", "organisation"]
    fields = ["person", "role", "unit", "organisation", "starts_on", "ends_on"]


class PersonMembershipInline(MembershipInline):
    autocomplete_fields = ["body", "unit", "organisation"]
    fields = ["body", "role", "unit", "organisation", "starts_on", "ends_on"]


@admin.register(User)
class UserAdmin(StructureAdminMixin, SimpleHistoryAdmin, DjangoUserAdmin):
    list_display = ["username", "get_full_name", "email", "title", "organisation", "is_active"]
    list_filter = ["is_active", "organisation", "memberships__body__kind"]
    search_fields = ["username", "first_name", "last_name", "email", "title"]
    autocomplete_fields = ["organisation"]
    inlines = [PersonMembershipInline]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "email", "title", "organisation", "phone"]}),
        (_("Konto"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    superuser_fieldsets = [(_("Systemförvaltning"), {"fields": ["is_staff", "is_superuser"]})]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "first_name", "last_name", "email", "usable_password", "password1", "password2"],
            },
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and request.user.is_superuser:
            return [*fieldsets, *self.superuser_fieldsets]
        return fieldsets

    def has_delete_permission(self, request, obj=None):
        # People are deactivated, never deleted: their acts stay on the record.
        return request.user.is_superuser


@admin.register(Region)
class RegionAdmin(StructureAdminMixin, admin.ModelAdmin):
    list_display = ["name", "short_name"]
    search_fields = ["name"]


@admin.register(SubRegion)
class SubRegionAdmin(StructureAdminMixin, admin.ModelAdmin):
    list_display = ["name", "region"]
    search_fields = ["name"]


@admin.register(Municipality)
class MunicipalityAdmin(StructureAdminMixin, admin.ModelAdmin):
    list_display = ["name", "sub_region"]
    list_filter = ["sub_region", "parts"]
    search_fields = ["name"]


class UnitInline(StructureAdminMixin, admin.TabularInline):
    model = Unit
    extra = 0
    fields = ["name", "kind", "municipality"]


@admin.register(Organisation)
class OrganisationAdmin(StructureAdminMixin, admin.ModelAdmin):
    list_display = ["name", "principal", "municipality", "is_private_provider"]
    list_filter = ["principal", "is_private_provider", "municipality__sub_region"]
    search_fields = ["name", "municipality__name"]
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(StructureAdminMixin, admin.ModelAdmin):
    list_display = ["name", "organisation", "kind", "municipality"]
    list_filter = ["kind", "organisation__principal", "municipality"]
    search_fields = ["name", "organisation__name", "municipality__name"]
    list_select_related = ["organisation", "municipality"]


class PartInline(StructureAdminMixin, admin.StackedInline):
    model = Part
    extra = 0
    filter_horizontal = ["municipalities"]


@admin.register(Partnership)
class PartnershipAdmin(StructureAdminMixin, admin.ModelAdmin):
    list_display = ["name", "region", "sub_region", "project_owner"]
    search_fields = ["name", "short_name"]
    inlines = [PartInline]


@admin.register(Part)
class PartAdmin(StructureAdminMixin, admin.ModelAdmin):
    list_display = ["name", "partnership", "number"]
    list_filter = ["partnership"]
    search_fields = ["name"]
    filter_horizontal = ["municipalities"]


@admin.register(Call)
class CallAdmin(StructureAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "name",
        "partnership",
        "opens_on",
        "deadline",
        "steering_group_meeting_on",
        "run_meeting_on",
        "budget",
    ]
    list_filter = ["partnership", "parts"]
    search_fields = ["name"]
    filter_horizontal = ["parts"]
    date_hierarchy = "deadline"


@admin.register(Body)
class BodyAdmin(StructureAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "partnership", "municipality", "appointed_by", "appointed_on"]
    list_filter = ["kind", "partnership", "municipality__sub_region"]
    search_fields = ["name", "municipality__name"]
    list_select_related = ["partnership", "municipality", "appointed_by"]
    autocomplete_fields = ["appointed_by", "municipality"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(StructureAdminMixin, SimpleHistoryAdmin):
    list_display = ["person", "body", "role", "unit", "starts_on", "ends_on"]
    list_filter = ["role", "body__kind", "body"]
    search_fields = ["person__first_name", "person__last_name", "person__username", "body__name"]
    list_select_related = ["person", "body", "unit__organisation"]
    autocomplete_fields = ["person", "body", "unit", "organisation"]
    date_hierarchy = "starts_on"
