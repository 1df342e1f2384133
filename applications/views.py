from django.shortcuts import render

from .selectors import get_application_for_user


def application_detail(request, pk: int):
    application = get_application_for_user(request.user, pk)
    return render(
        request,
        "applications/application_detail.html",
        {
            "application": application,
            "can_change": request.user.has_perm("applications.change_application", application),
        },
    )
