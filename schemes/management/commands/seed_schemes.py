from django.core.management.base import BaseCommand

from schemes.services import schemes_seed


class Command(BaseCommand):
    help = "Create the two schemes and their 2024/2025 configuration (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        result = schemes_seed()
        self.stdout.write(f"Scheme configuration seeded: {result.created} rows created.")
