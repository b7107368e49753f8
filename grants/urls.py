from django.urls import path

from . import views

app_name = "grants"

urlpatterns = [
    path("<int:pk>/", views.grant_detail, name="grant_detail"),
    path("ar/<int:pk>/endre/", views.scheme_year_amend, name="scheme_year_amend"),
]
