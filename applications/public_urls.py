from django.urls import path

from . import public_views

app_name = "portfolio"

urlpatterns = [
    path("", public_views.investment_list, name="list"),
    path("<int:pk>/", public_views.investment_detail, name="detail"),
]
