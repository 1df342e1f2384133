"""The admin site for the administrators of the structure.

Access follows the rules module (``partnership.administer_structure``), not the
``is_staff`` flag, and logging in happens on the portal's own login page.
"""

from functools import wraps

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core import checks
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SimportalAdminSite(admin.AdminSite):
    site_header = _("SIM-portalen – administration")
    site_title = _("SIM-portalen")
    index_title = _("Partnerskapets struktur")

    def __init__(self, name="admin"):
        super().__init__(name)
        # Nothing is deleted in bulk: a record is never deleted, and people and memberships are ended.
        self.disable_action("delete_selected")

    def has_permission(self, request) -> bool:
        return request.user.has_perm("partnership.administer_structure")

    def admin_view(self, view, cacheable=False):
        wrapped = super().admin_view(view, cacheable)

        @wraps(view)
        def refuse_logged_in_outsiders(request, *args, **kwargs):
            # Django would send them to the admin's login page; they are logged in, so say no.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return wrapped(request, *args, **kwargs)

        return refuse_logged_in_outsiders

    def login(self, request, extra_context=None):
        if self.has_permission(request):
            return redirect("admin:index")
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next", reverse("admin:index")), reverse("login"))


class NotFoundMixin:
    """An object outside what the admin lists for the person (``get_queryset``) answers 404, as
    everywhere else in the portal, instead of the admin's "does not exist" redirect."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj


class StructureAdminMixin(NotFoundMixin):
    """Model admins whose every action is granted by the structure rule."""

    def _allowed(self, request) -> bool:
        return request.user.has_perm("partnership.administer_structure")

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request, *args):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)


# --- records: what the workflow and the services own ------------------------------------

# Models whose rows are records: written by the workflow or a service, never by hand. The
# admin shows them read-only (or not at all); nothing can add, change or delete them there.
# ``check_records_are_read_only`` (a system check) refuses any admin or inline for one of
# these models that is not built on ``RecordAdminMixin``.
RECORD_MODELS = frozenset(
    {
        "applications.application",
        "applications.event",
        "applications.snapshot",
        "reviews.meeting",
        "reviews.agendaitem",
        "reviews.attendance",
        "reviews.recusal",
        "reviews.vote",
        "reviews.recommendedyear",
        "reviews.meetingvoter",
        "reviews.minutes",
        "decisions.runmeeting",
        "decisions.runcase",
        "decisions.decision",
        "decisions.grantedyear",
        "decisions.budgetadjustment",
        "decisions.decisionletter",
        "outbox.outboxmessage",
        "notifications.email",
    }
)


class RecordAdminMixin(NotFoundMixin):
    """A record in the admin: shown to those ``view_permission`` names, never added, changed or
    deleted. Writes go through the portal's pages and their services, which keep the workflow,
    the timeline and the locks; the admin would go around all three."""

    view_permission = "partnership.inspect_records"

    def _may_view(self, request) -> bool:
        return request.user.has_perm(self.view_permission)

    def has_module_permission(self, request):
        return self._may_view(request)

    def has_view_permission(self, request, obj=None):
        return self._may_view(request)

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, *args, **kwargs):
        # django-simple-history saves the old version on POST with only the view permission.
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, *args, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        excluded = set(self.exclude or ())
        fields = [
            f.name
            for f in self.model._meta.get_fields()
            if (f.concrete or f.many_to_many) and not f.auto_created and f.name not in excluded
        ]
        return [*dict.fromkeys([*super().get_readonly_fields(request, obj), *fields])]


class RecordInline(RecordAdminMixin, admin.TabularInline):
    """The rows of a record shown under another record: read-only, no empty rows to fill in."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False


class OwnedFieldsMixin:
    """For models the admin may edit, whose ``owned_fields`` belong to the workflow or a service
    (an application's status, a call's budget): those are shown but never posted."""

    owned_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return readonly
        return [*dict.fromkeys([*readonly, *self.owned_fields])]

    def history_form_view(self, request, *args, **kwargs):
        # Reverting to an old version would write the owned fields back as they were then.
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, *args, **kwargs)


@checks.register(checks.Tags.admin)
def check_records_are_read_only(app_configs=None, **kwargs):
    errors = []
    for model, model_admin in admin.site._registry.items():
        admins = [(model, type(model_admin))] + [(inline.model, inline) for inline in model_admin.inlines]
        for shown, admin_class in admins:
            if shown._meta.label_lower in RECORD_MODELS and not issubclass(admin_class, RecordAdminMixin):
                errors.append(
                    checks.Error(
                        f"{admin_class.__qualname__} lets the admin write {shown._meta.label}, a record.",
                        hint="Build it on simportal.admin.RecordAdminMixin (or RecordInline).",
                        obj=admin_class,
                        id="simportal.E001",
                    )
                )
    return errors
