from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from imdi_grants.demo.users import DEMO_PASSWORD, demo_users_load
from schemes.services import demo_years_configure


class Command(BaseCommand):
    help = "Load demo users and demo years for trying the portal (demo mode only; idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("Demo data is loaded only in demo mode, never in production.")
        users = demo_users_load()
        years = demo_years_configure()
        self.stdout.write(f"Demo users ready (password {DEMO_PASSWORD!r}):")
        for user in users:
            self.stdout.write(f"  {user.email}")
        self.stdout.write(f"Demo years created: {', '.join(str(y) for y in years) or 'none'}")
