"""The admin site for the administrators of the structure.

Access follows the rules module (``partnership.administer_structure``), not the
``is_staff`` flag, and logging in happens on the portal's own login page.
"""

from functools import wraps

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SimportalAdminSite(admin.AdminSite):
    site_header = _("SIM-portalen – administration")
    site_title = _("SIM-portalen")
    index_title = _("Partnerskapets struktur")

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


class StructureAdminMixin:
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
