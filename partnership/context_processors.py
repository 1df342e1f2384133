from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from .rules import roles_of


def _navigation_items(request) -> list[dict]:
    user = request.user
    if not user.is_authenticated:
        return []
    items = [{"url": reverse("home"), "label": _("Start"), "name": "home"}]
    if user.has_perm("partnership.view_call"):
        items.append({"url": reverse("partnership:call_list"), "label": _("Utlysningar"), "name": "calls"})
    if user.has_perm("partnership.view_structure"):
        items.append({"url": reverse("partnership:who_is_who"), "label": _("Vem är vem"), "name": "who_is_who"})
    if user.has_perm("partnership.administer_structure") or user.is_superuser:
        items.append({"url": reverse("admin:index"), "label": _("Administrera"), "name": "admin"})
    return items


def navigation(request) -> dict:
    return {
        "nav_items": SimpleLazyObject(lambda: _navigation_items(request)),
        "my_roles": SimpleLazyObject(lambda: roles_of(getattr(request, "user", None))),
    }
