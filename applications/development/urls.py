from django.urls import path

from . import views

app_name = "development"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("ny/", views.application_create, name="create"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/steg/<slug:step>/", views.application_step, name="step"),
    path("<int:pk>/send-inn/", views.application_submit, name="submit"),
    path("<int:pk>/gjenapne/", views.application_reopen, name="reopen"),
    path("<int:pk>/vedlegg/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/vedlegg/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path(
        "<int:pk>/vedlegg/<int:attachment_pk>/slett/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("<int:pk>/kvittering/", views.receipt_download, name="receipt"),
    path("<int:pk>/habilitet/", views.impartiality, name="impartiality"),
]
