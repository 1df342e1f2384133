from django.urls import path

from . import views_minutes

app_name = "minutes"

urlpatterns = [
    path("<int:pk>/", views_minutes.minutes_detail, name="detail"),
    path("<int:pk>/pdf/", views_minutes.minutes_pdf, name="pdf"),
    path("<int:pk>/justerare/", views_minutes.minutes_appoint, name="appoint"),
    path("<int:pk>/justera/", views_minutes.minutes_approve, name="approve"),
]
