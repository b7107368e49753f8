from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("eksport.<str:fmt>", views.queue_export, name="queue_export"),
    path("tildel/", views.bulk_assign, name="bulk_assign"),
    path("habilitet/", views.declarations, name="declarations"),
    path("omrade/<int:area_pk>/", views.ranking, name="ranking"),
    path("omrade/<int:area_pk>/endelig/", views.finalise, name="finalise"),
    path("omrade/<int:area_pk>/send/", views.send_letters, name="send_letters"),
    path("ramme/<int:year_pk>/", views.frame, name="frame"),
    path("vedtak/<int:pk>/", views.decision, name="decision"),
    path("vedtak/<int:pk>/brev.pdf", views.decision_letter, name="decision_letter"),
    path("vedtak/<int:pk>/fortsett/<int:planned_pk>/", views.year_continue, name="year_continue"),
    path("<int:pk>/", views.case, name="case"),
    path("<int:pk>/formell-kontroll/", views.formal_check, name="formal_check"),
    path("<int:pk>/avvis/", views.dismiss, name="dismiss"),
    path("<int:pk>/saksbehandlere/", views.assign, name="assign"),
    path("<int:pk>/saksbehandlere/<int:assignment_pk>/fjern/", views.unassign, name="unassign"),
    path("<int:pk>/poeng/", views.score, name="score"),
    path("<int:pk>/omforent/", views.agree, name="agree"),
    path("<int:pk>/kommentar/", views.comment, name="comment"),
    path("<int:pk>/forslag/", views.propose, name="propose"),
    path("<int:pk>/tildel/", views.award, name="award"),
    path("<int:pk>/avslag/", views.refuse, name="refuse"),
    path("<int:pk>/forhandsvis/", views.letter_preview, name="letter_preview"),
]
