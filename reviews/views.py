from django.shortcuts import render

from . import selectors


def meeting_detail(request, pk: int):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    return render(request, "reviews/meeting_detail.html", {"meeting": meeting, "items": selectors.agenda(meeting)})
