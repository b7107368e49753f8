from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from applications.development.models import Status
from imdi_grants.demo.assessment import LEAD, demo_round_load
from imdi_grants.demo.users import DEMO_PASSWORD, demo_users_load
from schemes.services import demo_years_configure


class Command(BaseCommand):
    help = (
        "Load demo users, demo years and a development round in assessment for trying the "
        "portal (demo mode only; idempotent)."
    )

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("Demo data is loaded only in demo mode, never in production.")
        users = demo_users_load()
        years = demo_years_configure()
        demo_round = demo_round_load()
        self.stdout.write(f"Demo users ready (password {DEMO_PASSWORD!r}):")
        for user in users:
            self.stdout.write(f"  {user.email}")
        self.stdout.write(f"Demo years created: {', '.join(str(y) for y in years) or 'none'}")
        if demo_round is None:
            self.stdout.write("No development round this year: no demo assessment loaded.")
            return
        counts = ", ".join(
            f"{count} {Status(status).label.lower()}"
            for status, count in demo_round.by_status.items()
        )
        self.stdout.write(
            f"Development round {demo_round.scheme_year.year} in assessment "
            f"({'loaded now' if demo_round.created else 'already loaded'}): "
            f"{demo_round.total} applications ({counts}); log in as {LEAD} to rank and decide."
        )
