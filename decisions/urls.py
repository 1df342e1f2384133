from django.urls import path

from . import views

app_name = "run"

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("sammantraden/nytt/", views.meeting_new, name="meeting_new"),
    path("sammantraden/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("sammantraden/<int:pk>/andra/", views.meeting_edit, name="meeting_edit"),
    path("sammantraden/<int:pk>/stall-in/", views.meeting_cancel, name="meeting_cancel"),
    path("ansokningar/<int:pk>/skicka/", views.forward, name="forward"),
    path("arenden/<int:pk>/", views.case_detail, name="case_detail"),
    path("arenden/<int:pk>/beslut/", views.decide, name="decide"),
    path("beslut/<int:pk>/rattelse/", views.correct, name="correct"),
    path("beslut/<int:pk>/beslutsbrev.pdf", views.decision_letter, name="decision_letter"),
    path("budget/", views.ledger, name="ledger"),
    path("budget/<int:pk>/andring/", views.adjust_budget, name="adjust_budget"),
]
