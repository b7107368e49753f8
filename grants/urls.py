from django.urls import path

from . import views

app_name = "grants"

urlpatterns = [
    path("<int:pk>/", views.grant_detail, name="grant_detail"),
    path("<int:pk>/okonomi/", views.grant_money, name="grant_money"),
    path("<int:pk>/avslutt/", views.grant_close, name="grant_close"),
    path("<int:pk>/avslutning.pdf", views.closing_letter, name="closing_letter"),
    path("reaksjon/<int:pk>/avgjor/", views.reaction_decide, name="reaction_decide"),
    path("reaksjon/<int:pk>.pdf", views.reaction_letter, name="reaction_letter"),
    path("ar/<int:pk>/endre/", views.scheme_year_amend, name="scheme_year_amend"),
    path("brev/<int:pk>.pdf", views.letter_pdf, name="letter_pdf"),
    path("utbetalinger/", views.payments, name="payments"),
    path("utbetalinger/eksport.<str:fmt>", views.payments_export, name="payments_export"),
    path("utbetalinger/<int:pk>/godkjenn/", views.batch_approve, name="batch_approve"),
    path("utbetalinger/<int:pk>/avvis/", views.batch_reject, name="batch_reject"),
    path("brev/<int:pk>/aksepter/", views.letter_accept, name="letter_accept"),
]
