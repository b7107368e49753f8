from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("IMDi grants – administration")
admin.site.site_title = _("IMDi grants")
# The admin logs in through allauth, so staff pass the same two-factor step as everywhere else.
admin.site.login = login_required(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("organisasjoner/", include("imdi_grants.accounts.urls")),
    path("integreringsmottak/", include("applications.reception.urls")),
    path("tilskudd/", include("grants.urls")),
    path("varsler/", include("imdi_grants.outbox.urls")),
    path("rapporter/", include("reporting.urls")),
    path("soknader/", include("applications.development.urls")),
    path("vurdering/", include("applications.assessment.urls")),
    path("klager/", include("applications.appeals.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
