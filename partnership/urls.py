from django.urls import path

from . import views

app_name = "partnership"

urlpatterns = [
    path("vem-ar-vem/", views.who_is_who, name="who_is_who"),
    path("vem-ar-vem/personer/<int:pk>/", views.person_detail, name="person"),
    path("utlysningar/", views.call_list, name="call_list"),
    path("utlysningar/<int:pk>/", views.call_detail, name="call_detail"),
]
