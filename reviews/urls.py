from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("moten/", views.meeting_list, name="meeting_list"),
    path("moten/nytt/", views.meeting_new, name="meeting_new"),
    path("moten/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("moten/<int:pk>/andra/", views.meeting_edit, name="meeting_edit"),
    path("moten/<int:pk>/stall-in/", views.meeting_cancel, name="meeting_cancel"),
    path("moten/<int:pk>/dagordning/", views.agenda, name="agenda"),
    path("moten/<int:pk>/dagordning/<int:item_pk>/", views.agenda_item, name="agenda_item"),
    path("moten/<int:pk>/publicera/", views.publish, name="publish"),
    path("moten/<int:pk>/narvaro/", views.attendance, name="attendance"),
    path("moten/<int:pk>/punkter/<int:item_pk>/rosta/", views.vote, name="vote"),
    path("moten/<int:pk>/punkter/<int:item_pk>/jav/", views.recusal, name="recusal"),
    path("moten/<int:pk>/punkter/<int:item_pk>/avsluta/", views.close, name="close"),
    path("moten/<int:pk>/punkter/<int:item_pk>/aterforvisa/", views.return_item, name="return_item"),
]

# The minutes keep their own namespace (``minutes:detail`` …) under /styrgrupp/protokoll/.
minutes_patterns = (
    [
        path("<int:pk>/", views.minutes_detail, name="detail"),
        path("<int:pk>/pdf/", views.minutes_pdf, name="pdf"),
        path("<int:pk>/justerare/", views.minutes_appoint, name="appoint"),
        path("<int:pk>/justera/", views.minutes_approve, name="approve"),
    ],
    "minutes",
)
