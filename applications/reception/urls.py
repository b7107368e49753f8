from django.urls import path

from . import views

app_name = "reception"

urlpatterns = [
    path("", views.grant_list, name="grant_list"),
    path("avtaler/", views.agreement_list, name="agreement_list"),
    path("avtaler/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("partnerskap/<int:pk>/avtale.pdf", views.partnership_document, name="partnership_pdf"),
    path("tilbud/", views.offer, name="offer"),
    path("brev/<int:pk>.pdf", views.letter_pdf, name="letter_pdf"),
    path("endring/<int:pk>/avgjor/", views.change_request_decide, name="change_decide"),
    path("<int:pk>/", views.grant_detail, name="grant_detail"),
    path("<int:pk>/akseptbrev/", views.acceptance_letter, name="acceptance_letter"),
    path("<int:pk>/brev/", views.letter_issue, name="letter_issue"),
    path("<int:pk>/aksepter/", views.accept, name="accept"),
    path("<int:pk>/gjenapne/", views.reopen, name="reopen"),
    path("<int:pk>/endring/", views.change_request, name="change_request"),
    path("<int:pk>/tilbakebetaling/", views.repayment, name="repayment"),
]
