from django.urls import path

from . import views_letters, views_run

app_name = "run"

urlpatterns = [
    path("", views_run.meeting_list, name="meeting_list"),
    path("sammantraden/nytt/", views_run.meeting_new, name="meeting_new"),
    path("sammantraden/<int:pk>/", views_run.meeting_detail, name="meeting_detail"),
    path("sammantraden/<int:pk>/andra/", views_run.meeting_edit, name="meeting_edit"),
    path("sammantraden/<int:pk>/stall-in/", views_run.meeting_cancel, name="meeting_cancel"),
    path("ansokningar/<int:pk>/skicka/", views_run.forward, name="forward"),
    path("arenden/<int:pk>/", views_run.case_detail, name="case_detail"),
    path("arenden/<int:pk>/beslut/", views_run.decide, name="decide"),
    path("beslut/<int:pk>/rattelse/", views_run.correct, name="correct"),
    path("beslut/<int:pk>/beslutsbrev.pdf", views_letters.decision_letter, name="decision_letter"),
    path("budget/", views_run.ledger, name="ledger"),
    path("budget/<int:pk>/andring/", views_run.adjust_budget, name="adjust_budget"),
]
