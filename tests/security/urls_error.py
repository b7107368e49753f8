"""The portal's URLs and one view that fails, for the 500 page test."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from imdi_grants.urls import urlpatterns as portal_urlpatterns


def fails(request):
    raise RuntimeError("a bug")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [
    path("test-fails/", fails),
    path("test-forbidden/", forbidden),
    *portal_urlpatterns,
]
