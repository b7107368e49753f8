from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("<int:pk>/endre/", views.organisation_edit, name="organisation_edit"),
    path("<int:pk>/inviter/", views.organisation_invite, name="organisation_invite"),
]
