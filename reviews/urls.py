from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("moten/<int:pk>/", views.meeting_detail, name="meeting_detail"),
]
