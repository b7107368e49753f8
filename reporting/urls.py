from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/godkjenn-regnskap/", views.approve_accounts, name="approve_accounts"),
    path("<int:pk>/vurder/", views.review, name="review"),
    path("<int:pk>/regnskap/", views.accounts_file, name="accounts_file"),
]
