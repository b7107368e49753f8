from django.core.management.base import BaseCommand

from imdi_grants.accounts.models import Organisation
from imdi_grants.accounts.services import organisations_load


class Command(BaseCommand):
    help = "Load the 2024 municipalities and county municipalities (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        result = organisations_load()
        municipalities = Organisation.objects.filter(is_municipality=True).count()
        counties = Organisation.objects.filter(is_county_municipality=True).count()
        self.stdout.write(
            f"Organisations: {result.created} created, {result.updated} updated; "
            f"{municipalities} municipalities, {counties} county municipalities."
        )
