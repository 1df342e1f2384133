from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, render

from . import selectors
from .footer import page_about


@permission_required("partnership.view_structure", raise_exception=True)
def who_is_who(request):
    page_about(request)  # the whole organisation, every partnership in it
    return render(
        request,
        "partnership/who_is_who.html",
        {
            "chart": selectors.organisation_chart(),
            "partnerships": selectors.partnerships_with_parts(),
        },
    )


@permission_required("partnership.view_call", raise_exception=True)
def call_list(request):
    page_about(request)  # every partnership's calls
    return render(request, "partnership/call_list.html", {"calls": selectors.calls_overview()})


@permission_required("partnership.view_call", raise_exception=True)
def call_detail(request, pk: int):
    call = get_object_or_404(selectors.calls_overview(), pk=pk)
    page_about(request, call.partnership)
    return render(request, "partnership/call_detail.html", {"call": call})


@permission_required("partnership.view_structure", raise_exception=True)
def person_detail(request, pk: int):
    person = selectors.get_person_for_user(request.user, pk)
    show_history = request.user.has_perm("partnership.view_membership_history", person)
    return render(
        request,
        "partnership/person_detail.html",
        {
            "person": person,
            "memberships": selectors.person_memberships(person),
            "history": selectors.membership_history(person) if show_history else None,
        },
    )
