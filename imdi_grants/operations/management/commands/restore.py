from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from imdi_grants.operations.services import (
    BackupError,
    Difference,
    backup_restore,
    backup_verify,
)


class Command(BaseCommand):
    help = (
        "Restore a backup made by 'backup' into an empty database and an empty media folder, "
        "then compare every table's row count and every file's SHA-256 with the manifest; "
        "exits with 1 on any difference."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from", dest="source", required=True, type=Path, help="the backup directory"
        )
        parser.add_argument(
            "--database-url",
            required=True,
            help="postgres://user@host:port/newdb of a new, empty database (give the password "
            "in PGPASSWORD or ~/.pgpass, not here)",
        )
        parser.add_argument(
            "--media-root",
            required=True,
            type=Path,
            help="a new or empty folder for the files (MEDIA_ROOT of the restored portal)",
        )
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="restore nothing; compare an earlier restore with the manifest again",
        )

    def handle(self, *args: object, **options: object) -> None:
        action = backup_verify if options["verify_only"] else backup_restore
        try:
            verification = action(
                source=options["source"],
                database_url=options["database_url"],
                media_root=options["media_root"],
            )
        except BackupError as error:
            raise CommandError(str(error)) from error

        manifest = verification.manifest
        self.stdout.write(
            _(
                "Backup of %(database)s as of %(taken_at)s (UTC). Checked against its manifest: "
                "tables: %(tables)s, rows: %(rows)s, files: %(files)s."
            )
            % {
                "database": manifest["database"]["name"],
                "taken_at": manifest["taken_at"],
                "tables": verification.tables,
                "rows": verification.rows,
                "files": verification.files,
            }
        )
        for difference in verification.differences:
            self.stdout.write(describe(difference))
        if not verification.ok:
            count = len(verification.differences)
            raise CommandError(
                ngettext(
                    "The restored copy differs from the backup in %(count)s place.",
                    "The restored copy differs from the backup in %(count)s places.",
                    count,
                )
                % {"count": count}
            )
        self.stdout.write(self.style.SUCCESS(_("Every table and file matches the backup.")))


def describe(difference: Difference) -> str:
    """One line of the report, naming the table, app or file."""
    values = {
        "name": difference.name,
        "expected": difference.expected,
        "found": difference.found,
    }
    if difference.kind == "table":
        if difference.expected is None:
            return _("Table %(name)s: not in the backup.") % values
        if difference.found is None:
            return _("Table %(name)s: missing from the restored database.") % values
        return _("Table %(name)s: %(expected)s rows in the backup, %(found)s restored.") % values
    if difference.kind == "file":
        if difference.expected is None:
            return _("File %(name)s: not in the backup.") % values
        if difference.found is None:
            return _("File %(name)s: missing from the restored files.") % values
        return _("File %(name)s: its SHA-256 differs from the backup's.") % values
    return _("Migrations of %(name)s: %(expected)s in the backup, %(found)s restored.") % {
        **values,
        "expected": difference.expected or "0",
        "found": difference.found or "0",
    }
