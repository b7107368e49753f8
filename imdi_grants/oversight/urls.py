from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("frister/", views.deadlines, name="deadlines"),
    path("statistikk/", views.statistics, name="statistics"),
    path("statistikk/eksport.<str:fmt>", views.statistics_export, name="statistics_export"),
]
