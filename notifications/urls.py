from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("lasta/", views.notification_mark_read, name="mark_read"),
    path("installningar/", views.preferences, name="preferences"),
]
