from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from grants import views as grant_views

from . import views

admin.site.site_header = _("IMDi grants – administration")
admin.site.site_title = _("IMDi grants")
# The admin logs in through allauth, so staff pass the same two-factor step as everywhere else.
admin.site.login = login_required(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("ventende/", views.pending_work, name="pending_work"),
    path("frister/", views.deadlines, name="deadlines"),
    path("revisjon/", include("imdi_grants.audit.urls")),
    path("eksport/", include("imdi_grants.exports.urls")),
    path("apne-data/", grant_views.open_data, name="open_data"),
    path("apne-data/tilskudd.<str:fmt>", grant_views.open_data_export, name="open_data_export"),
    path("accounts/", include("allauth.urls")),
    path("organisasjoner/", include("imdi_grants.accounts.urls")),
    path("integreringsmottak/", include("applications.reception.urls")),
    path("tilskudd/", include("grants.urls")),
    path("ordninger/", include("schemes.urls")),
    path("varsler/", include("imdi_grants.outbox.urls")),
    path("rapporter/", include("reporting.urls")),
    path("soknader/", include("applications.development.urls")),
    path("vurdering/", include("applications.assessment.urls")),
    path("klager/", include("applications.appeals.urls")),
    path("oversikt/", include("imdi_grants.oversight.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
