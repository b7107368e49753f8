from django.urls import path

from . import views

app_name = "schemes"

urlpatterns = [
    path("", views.year_list, name="year_list"),
    path("aar/<int:pk>/", views.year_detail, name="year_detail"),
    path("aar/<int:pk>/kopier/", views.year_copy, name="year_copy"),
    path("aar/<int:pk>/gjennomgang/", views.year_review, name="year_review"),
]
