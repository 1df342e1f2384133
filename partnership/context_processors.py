from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from .footer import page_partnerships
from .rules import partnerships_sat_in, roles_of


def _navigation_items(request) -> list[dict]:
    user = request.user
    portfolio = {"url": reverse("portfolio:list"), "label": _("Investeringar"), "name": "portfolio"}
    if not user.is_authenticated:
        return [portfolio]
    items = [{"url": reverse("home"), "label": _("Start"), "name": "home"}]
    if user.has_perm("applications.view_inbox"):
        items.append({"url": reverse("inbox:list"), "label": _("Inkorg"), "name": "inbox"})
    if user.has_perm("reviews.view_meeting_list"):
        items.append({"url": reverse("reviews:meeting_list"), "label": _("Möten"), "name": "meetings"})
    if user.has_perm("decisions.view_run_cases"):
        items.append({"url": reverse("run:meeting_list"), "label": _("RUN"), "name": "run"})
    if user.has_perm("decisions.view_ledger"):
        items.append({"url": reverse("run:ledger"), "label": _("Budget"), "name": "ledger"})
    if user.has_perm("partnership.view_call"):
        items.append({"url": reverse("partnership:call_list"), "label": _("Utlysningar"), "name": "calls"})
    if user.has_perm("partnership.view_structure"):
        items.append({"url": reverse("partnership:who_is_who"), "label": _("Vem är vem"), "name": "who_is_who"})
    items.append(portfolio)
    if user.has_perm("partnership.administer_structure") or user.is_superuser:
        items.append({"url": reverse("admin:index"), "label": _("Administrera"), "name": "admin"})
    return items


def _footer(request) -> dict:
    """The partnerships the page is about when it said so (``footer.page_about``: an investment's or
    a call's partnership; none on a page about all of them), else those the person belongs to; with
    none, the footer names the region's SIM work generally (anonymous visitors without a query)."""
    about = page_partnerships(request)
    if about is not None:
        return {"partnerships": about}
    user = getattr(request, "user", None)
    return {"partnerships": partnerships_sat_in(user)}


def navigation(request) -> dict:
    return {
        "nav_items": SimpleLazyObject(lambda: _navigation_items(request)),
        "my_roles": SimpleLazyObject(lambda: roles_of(getattr(request, "user", None))),
        "site_footer": SimpleLazyObject(lambda: _footer(request)),
    }
