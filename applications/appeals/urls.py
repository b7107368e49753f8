from django.urls import path

from . import views

app_name = "appeals"

urlpatterns = [
    path("", views.appeal_list, name="list"),
    path("ny/", views.appeal_create, name="create"),
    path("<int:pk>/", views.appeal_detail, name="detail"),
    path("<int:pk>/omgjor/", views.appeal_reverse, name="reverse"),
    path("<int:pk>/oversend/", views.appeal_forward, name="forward"),
    path("<int:pk>/klageinstans/", views.appeal_outcome, name="outcome"),
    path("<int:pk>/vedlegg/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/brev/<int:letter_pk>.pdf", views.letter_download, name="letter"),
]
