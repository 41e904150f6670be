from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.portability import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `rapport backup`: checks it, then puts back the database, "
        "the attachments, the media and the secret key. Stop Rapport first."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="The backup file (its .sha256 beside it is checked).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that is not empty (and the files).",
        )

    def handle(self, *args: Any, file: str, force: bool, **options: Any) -> None:
        try:
            manifest = backup.restore(path=Path(file), force=force)
        except (backup.BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest['created_at']} "
                f"(Rapport {manifest['rapport_version']}). Run `rapport migrate` if this "
                "Rapport is newer."
            )
        )
