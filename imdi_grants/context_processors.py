from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict:
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "DEMO_MODE": settings.DEMO_MODE,
        "IDPORTEN_ENABLED": settings.IDPORTEN_ENABLED,
    }
