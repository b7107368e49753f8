from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "imdi_grants.accounts"
    label = "accounts"
    verbose_name = _("Users and organisations")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_removed

        authenticator_removed.connect(_forget_totp, dispatch_uid="imdi-forget-totp")


def _forget_totp(sender, request=None, **kwargs) -> None:
    """A removed authenticator: the staff check asks the database again on the next page."""
    from imdi_grants.middleware import SESSION_HAS_TOTP

    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_HAS_TOTP, None)
