"""The admin of the partnership's structure.

Who may staff which body is the table in ``partnership.rules`` (``STAFFING``); the admin asks
it for every membership it adds, changes or ends, and nobody touches their own memberships.
Nothing here is deleted (people are deactivated and memberships ended), nobody sees or sets
another person's password (a new person gets an invitation to choose one), and a call's
budget changes only through RUN's recorded budget act once the call exists.
"""

import rules
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from simportal import accounts
from simportal.admin import StructureAdminMixin

from .models import (
    Body,
    Call,
    Membership,
    MembershipRole,
    Municipality,
    Organisation,
    Part,
    Partnership,
    PriorityArea,
    Region,
    SubRegion,
    Unit,
    User,
)
from .rules import (
    ADMINISTRATORS,
    STAFFING,
    administrator_kinds,
    bodies_in_view,
    calls_in_view,
    memberships_in_view,
    people_in_view,
    roles_of,
)

# Roles come from memberships in the structure, never from hand-kept groups.
admin.site.unregister(Group)


# --- what every admin of the structure shares -------------------------------------------------


class NeverDeletedMixin:
    """Records of the structure are ended or deactivated, never deleted (not even by a superuser)."""

    def has_delete_permission(self, request, obj=None):
        return False


class KeptByRuleMixin:
    """Adding and changing is granted by one permission of ``partnership.rules`` (``change_rule``),
    asked of the object itself; adding a new one takes it without an object. Viewing stays with
    every administrator of the structure."""

    change_rule = ""
    add_rule = ""  # the change rule without an object, unless named

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and request.user.has_perm(self.add_rule or self.change_rule)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return request.user.has_perm(self.change_rule, obj) if obj is not None else True


class NoRevertMixin:
    """The history is read, never written back: a "revert" would bypass every check of the form
    (and django-simple-history saves a reverted version even for those who may only view it)."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_view(self, request, object_id, extra_context=None):
        # The history of what lies outside the person's reach is as hidden as the object (404).
        self.get_object(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        self.get_object(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


def staffing_error(user, original: Membership | None, candidate: Membership) -> str | None:
    """Why ``user`` may not turn ``original`` into ``candidate`` (or add it), or None if they may."""
    for membership in filter(None, [original, candidate]):
        if membership.person_id == user.pk:
            return _("Du kan inte lägga till, ändra eller avsluta dina egna uppdrag. Be en annan administratör.")
    for membership in filter(None, [original, candidate]):
        if not rules.test_rule("partnership.staff_membership", user, membership):
            return _("Du får inte tillsätta rollen %(role)s i %(body)s. Det gör: %(who)s.") % {
                "role": MembershipRole(membership.role).label.lower(),
                "body": membership.body,
                "who": who_staffs(membership.body, membership.role),
            }
    return None


def who_staffs(body: Body, role: str) -> str:
    names = [ADMINISTRATORS[a] for a, bodies in STAFFING.items() if role in bodies.get(body.kind, frozenset())]
    return ", ".join(names) or _("ingen administratör i portalen")


def _original(pk) -> Membership | None:
    return Membership.objects.select_related("body").filter(pk=pk).first() if pk else None


class StaffingFormSet(BaseInlineFormSet):
    """Memberships in an inline: each one added or changed is checked against the staffing rules."""

    user = None

    def clean(self):
        super().clean()
        for form in self.forms:
            if not form.has_changed() or not hasattr(form, "cleaned_data") or form.errors:
                continue
            data = form.cleaned_data
            candidate = Membership(
                person=data.get("person") or getattr(form.instance, "person", None),
                body=data.get("body") or getattr(form.instance, "body", None),
                role=data.get("role"),
            )
            if isinstance(self.instance, User):
                candidate.person = self.instance
            else:
                candidate.body = self.instance
            error = staffing_error(self.user, _original(form.instance.pk), candidate)
            if error:
                form.add_error(None, error)


class StaffingInlineMixin:
    formset = StaffingFormSet
    extra = 0
    can_delete = False

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.user = request.user
        return formset

    def _staffs(self, request, obj) -> bool:
        if not administrator_kinds(request.user) or not super().has_change_permission(request, obj):
            return False
        if isinstance(obj, User):  # one's own memberships, and those of people one may not change, are only read
            return rules.test_rule("partnership.change_person", request.user, obj)
        if isinstance(obj, Body):
            return rules.test_rule("partnership.administer_body", request.user, obj)
        return True

    def has_add_permission(self, request, obj=None):
        return self._staffs(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._staffs(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


# --- people -------------------------------------------------------------------------------------


class MembershipInline(StaffingInlineMixin, StructureAdminMixin, admin.TabularInline):
    model = Membership
    autocomplete_fields = ["person", "unit", "organisation"]
    fields = ["person", "role", "unit", "organisation", "starts_on", "ends_on"]


class PersonMembershipInline(MembershipInline):
    autocomplete_fields = ["body", "unit", "organisation"]
    fields = ["body", "role", "unit", "organisation", "starts_on", "ends_on"]


class PersonAddForm(forms.ModelForm):
    """A new person: no password here, they choose their own through the invitation."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "title", "organisation", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _("Inbjudan att välja lösenord skickas hit.")

    def save(self, commit=True):
        person = super().save(commit=False)
        person.set_unusable_password()
        if commit:
            person.save()
        return person


@admin.action(description=gettext_lazy("Skicka inbjudan igen till markerade personer"))
def resend_invitations(modeladmin, request, queryset):
    for person in queryset:
        modeladmin.invite(request, person)


@admin.register(User)
class UserAdmin(NoRevertMixin, NeverDeletedMixin, StructureAdminMixin, SimpleHistoryAdmin, DjangoUserAdmin):
    list_display = ["username", "get_full_name", "email", "title", "organisation", "has_chosen_password", "is_active"]
    list_filter = ["is_active", "organisation", "memberships__body__kind"]
    search_fields = ["username", "first_name", "last_name", "email", "title"]
    autocomplete_fields = ["organisation"]
    inlines = [PersonMembershipInline]
    actions = [resend_invitations]
    change_form_template = "admin/partnership/user/change_form.html"
    add_form = PersonAddForm
    fieldsets = [
        (None, {"fields": ["username"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "email", "title", "organisation", "phone"]}),
        (_("Konto"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    superuser_fieldsets = [(_("Systemförvaltning"), {"fields": ["is_staff", "is_superuser"]})]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "first_name", "last_name", "email", "title", "organisation", "phone"],
                "description": gettext_lazy(
                    "Personen får en inbjudan med e-post och väljer själv sitt lösenord. Lägg till uppdragen när "
                    "personen är sparad."
                ),
            },
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]

    @admin.display(boolean=True, description=gettext_lazy("har valt lösenord"))
    def has_chosen_password(self, obj: User) -> bool:
        return obj.has_usable_password()

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and request.user.is_superuser:
            return [*fieldsets, *self.superuser_fieldsets]
        return fieldsets

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or rules.test_rule("partnership.change_person", request.user, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=people_in_view(request.user).values("pk"))

    def get_urls(self):
        # No one sets another person's password, not even a superuser: the password form is gone.
        urls = [u for u in super().get_urls() if getattr(u, "name", None) != "auth_user_password_change"]
        invite = path(
            "<int:pk>/inbjudan/",
            self.admin_site.admin_view(require_POST(self.invite_view)),
            name="partnership_user_invite",
        )
        return [invite, *urls]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            self.invite(request, obj)

    def invite(self, request: HttpRequest, person: User) -> None:
        if not rules.test_rule("partnership.change_person", request.user, person):
            self.message_user(request, _("Du får inte skicka inbjudan till %(person)s.") % {"person": person}, "error")
            return
        outcome = accounts.invitation_send(person=person, by=request.user, request=request)
        texts = {
            accounts.Outcome.SENT: (messages.SUCCESS, _("En inbjudan att välja lösenord skickas till %(email)s.")),
            accounts.Outcome.LIMITED: (
                messages.WARNING,
                _(
                    "Ingen inbjudan skickades till %(email)s: personen har redan fått det antal e-postmeddelanden "
                    "om lösenord som tillåts på en timme. Försök igen om en stund."
                ),
            ),
            accounts.Outcome.HAS_PASSWORD: (
                messages.INFO,
                _(
                    "%(person)s har redan valt ett lösenord. Har personen glömt det väljer hen ”Glömt lösenordet?” "
                    "på inloggningssidan."
                ),
            ),
            accounts.Outcome.NO_ADDRESS: (
                messages.ERROR,
                _("%(person)s har ingen e-postadress. Fyll i den och skicka inbjudan igen."),
            ),
        }
        level, text = texts[outcome]
        self.message_user(request, text % {"email": person.email, "person": person}, level)

    def invite_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, person):
            raise PermissionDenied
        self.invite(request, person)
        return redirect(reverse("admin:partnership_user_change", args=[person.pk]))

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not administrator_kinds(request.user):
            actions.pop("resend_invitations", None)
        return actions


# --- the structure --------------------------------------------------------------------------------


@admin.register(Region)
class RegionAdmin(KeptByRuleMixin, NeverDeletedMixin, StructureAdminMixin, admin.ModelAdmin):
    """The region and its letterhead on decision letters and minutes: the system administrator's."""

    change_rule = "partnership.change_geography"
    list_display = ["name", "short_name", "organisation_number"]
    search_fields = ["name"]
    fieldsets = [
        (None, {"fields": ["name", "short_name"]}),
        (
            gettext_lazy("Brevhuvud i beslutsbrev och protokoll"),
            {"fields": ["postal_address", "organisation_number", "logo"]},
        ),
    ]


@admin.register(SubRegion)
class SubRegionAdmin(KeptByRuleMixin, NeverDeletedMixin, StructureAdminMixin, admin.ModelAdmin):
    change_rule = "partnership.change_geography"
    list_display = ["name", "region"]
    search_fields = ["name"]


@admin.register(Municipality)
class MunicipalityAdmin(KeptByRuleMixin, NeverDeletedMixin, StructureAdminMixin, admin.ModelAdmin):
    change_rule = "partnership.change_geography"
    list_display = ["name", "sub_region"]
    list_filter = ["sub_region", "parts"]
    search_fields = ["name"]


class UnitInline(NeverDeletedMixin, StructureAdminMixin, admin.TabularInline):
    model = Unit
    extra = 0
    fields = ["name", "kind", "municipality"]


@admin.register(Organisation)
class OrganisationAdmin(NeverDeletedMixin, StructureAdminMixin, admin.ModelAdmin):
    list_display = ["name", "principal", "municipality", "is_private_provider"]
    list_filter = ["principal", "is_private_provider", "municipality__sub_region"]
    search_fields = ["name", "municipality__name"]
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(NeverDeletedMixin, StructureAdminMixin, admin.ModelAdmin):
    list_display = ["name", "organisation", "kind", "municipality"]
    list_filter = ["kind", "organisation__principal", "municipality"]
    search_fields = ["name", "organisation__name", "municipality__name"]
    list_select_related = ["organisation", "municipality"]


class PartInline(NeverDeletedMixin, StructureAdminMixin, admin.StackedInline):
    model = Part
    extra = 0
    filter_horizontal = ["municipalities"]

    def _keeps(self, request, obj) -> bool:
        return obj is not None and request.user.has_perm("partnership.change_partnership", obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._keeps(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._keeps(request, obj)


@admin.register(Partnership)
class PartnershipAdmin(KeptByRuleMixin, NeverDeletedMixin, StructureAdminMixin, admin.ModelAdmin):
    change_rule = "partnership.change_partnership"
    list_display = ["name", "region", "sub_region", "project_owner"]
    search_fields = ["name", "short_name"]
    inlines = [PartInline]


@admin.register(Part)
class PartAdmin(KeptByRuleMixin, NeverDeletedMixin, StructureAdminMixin, admin.ModelAdmin):
    change_rule = "partnership.change_part"
    list_display = ["name", "partnership", "number"]
    list_filter = ["partnership"]
    search_fields = ["name"]
    filter_horizontal = ["municipalities"]

    def has_add_permission(self, request, *args):
        # A new part is added on its partnership's page, where the partnership is known.
        return super().has_add_permission(request, *args) and request.user.is_superuser


class PriorityAreaFormSet(BaseInlineFormSet):
    def clean(self):
        # Before Django's own check (in ``super().clean()``), whose message does not say what to do.
        for form in self.forms:
            area = form.instance
            if self.can_delete and self._should_delete_form(form) and area.pk and area.addressed_by.exists():
                raise ValidationError(
                    _("Området ”%(area)s” är valt i en ansökan och kan inte tas bort. Byt namn på det i stället.")
                    % {"area": area.name}
                )
        super().clean()


class PriorityAreaInline(StructureAdminMixin, admin.TabularInline):
    """The call's priority areas, kept by whoever may change the call (the same rule as the call)."""

    model = PriorityArea
    formset = PriorityAreaFormSet
    extra = 0
    fields = ["position", "name", "description"]

    def _keeps(self, request, obj) -> bool:
        if obj is None:
            return request.user.has_perm("partnership.add_call")
        return request.user.has_perm("partnership.change_call", obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._keeps(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._keeps(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._keeps(request, obj)


@admin.register(Call)
class CallAdmin(KeptByRuleMixin, NoRevertMixin, NeverDeletedMixin, StructureAdminMixin, SimpleHistoryAdmin):
    change_rule = "partnership.change_call"
    add_rule = "partnership.add_call"
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
    inlines = [PriorityAreaInline]

    def get_readonly_fields(self, request, obj=None):
        # The budget is set when the call is made; after that only RUN's budget act changes it.
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "budget"] if obj is not None else readonly

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=calls_in_view(request.user).values("pk"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "partnership" and not request.user.is_superuser:
            kwargs["queryset"] = Partnership.objects.filter(pk__in=roles_of(request.user).project_leader_partnerships)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "parts" and not request.user.is_superuser:
            kwargs["queryset"] = Part.objects.filter(
                partnership_id__in=roles_of(request.user).project_leader_partnerships
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class BodyForm(forms.ModelForm):
    user = None

    class Meta:
        model = Body
        fields = ["kind", "name", "partnership", "municipality", "appointed_by", "appointed_on", "description"]

    def clean(self):
        data = super().clean()
        candidate = Body(
            kind=data.get("kind") or "",
            partnership=data.get("partnership"),
            municipality=data.get("municipality"),
        )
        if data.get("kind") and not rules.test_rule("partnership.administer_body", self.user, candidate):
            raise ValidationError(
                _("Du får inte lägga till eller ändra organ av typen %(kind)s i det här partnerskapet.")
                % {"kind": candidate.get_kind_display()}
            )
        return data


@admin.register(Body)
class BodyAdmin(NoRevertMixin, NeverDeletedMixin, StructureAdminMixin, SimpleHistoryAdmin):
    form = BodyForm
    list_display = ["name", "kind", "partnership", "municipality", "appointed_by", "appointed_on"]
    list_filter = ["kind", "partnership", "municipality__sub_region"]
    search_fields = ["name", "municipality__name"]
    list_select_related = ["partnership", "municipality", "appointed_by"]
    autocomplete_fields = ["appointed_by", "municipality"]
    inlines = [MembershipInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and bool(administrator_kinds(request.user))

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or rules.test_rule("partnership.administer_body", request.user, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=bodies_in_view(request.user).values("pk"))


class MembershipForm(forms.ModelForm):
    user = None

    class Meta:
        model = Membership
        fields = ["person", "body", "role", "unit", "organisation", "starts_on", "ends_on"]

    def clean(self):
        data = super().clean()
        if data.get("person") and data.get("body") and data.get("role"):
            candidate = Membership(person=data["person"], body=data["body"], role=data["role"])
            error = staffing_error(self.user, _original(self.instance.pk), candidate)
            if error:
                raise ValidationError(error)
        return data


@admin.register(Membership)
class MembershipAdmin(NoRevertMixin, NeverDeletedMixin, StructureAdminMixin, SimpleHistoryAdmin):
    form = MembershipForm
    list_display = ["person", "body", "role", "unit", "starts_on", "ends_on"]
    list_filter = ["role", "body__kind", "body"]
    search_fields = ["person__first_name", "person__last_name", "person__username", "body__name"]
    list_select_related = ["person", "body", "unit__organisation"]
    autocomplete_fields = ["person", "body", "unit", "organisation"]
    date_hierarchy = "starts_on"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and bool(administrator_kinds(request.user))

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or rules.test_rule("partnership.staff_membership", request.user, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=memberships_in_view(request.user).values("pk"))
