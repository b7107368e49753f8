from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext as _

from imdi_grants.operations.services import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the PostgreSQL database (pg_dump -Fc, row counts from the same snapshot) and "
        "every file under MEDIA_ROOT into a new directory with a manifest.json."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--to", required=True, type=Path, help="a new or empty directory for the backup"
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="the DATABASES entry to back up"
        )

    def handle(self, *args: object, **options: object) -> None:
        try:
            manifest = backup_create(
                to=options["to"],
                media_root=Path(settings.MEDIA_ROOT),
                database=options["database"],
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _(
                "Backup written to %(directory)s as of %(taken_at)s (UTC). Tables: %(tables)s, "
                "rows: %(rows)s, files: %(files)s."
            )
            % {
                "directory": options["to"],
                "tables": len(manifest["tables"]),
                "rows": sum(manifest["tables"].values()),
                "files": len(manifest["files"]),
                "taken_at": manifest["taken_at"],
            }
        )
