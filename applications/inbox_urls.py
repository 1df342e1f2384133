from django.urls import path

from . import inbox_views

app_name = "inbox"

urlpatterns = [
    path("", inbox_views.inbox_list, name="list"),
    path("export/", inbox_views.inbox_export, name="export"),
    path("forlang/", inbox_views.extend_deadline, name="extend_deadline"),
]
