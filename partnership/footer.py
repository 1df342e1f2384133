"""Whose work the page footer names.

By default the footer names the partnerships the person sits in (``rules.partnerships_sat_in``, read
with their roles).
A page that is about something else says so before it renders: an investment's or a call's page
names the partnership it belongs to, whoever reads it, and a page that covers every partnership
(the portfolio, the calls, *Vem är vem*) names none of them, so the footer speaks of the region's
SIM work as a whole. The context processor reads what the page said when the footer is drawn.
"""

from __future__ import annotations

from django.http import HttpRequest

from .models import Partnership

ATTRIBUTE = "footer_partnerships"


def page_about(request: HttpRequest, *partnerships: Partnership) -> None:
    """The page is about these partnerships; with none, about every partnership alike."""
    unique = {p.pk: p for p in partnerships}
    setattr(request, ATTRIBUTE, sorted(unique.values(), key=lambda p: p.name))


def page_partnerships(request: HttpRequest) -> list[Partnership] | None:
    """What the page said it is about, or ``None`` when it said nothing."""
    return getattr(request, ATTRIBUTE, None)
