from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rapport.portability import backup


class Command(BaseCommand):
    help = (
        "Back up the whole installation while it runs: database, attachments, media and the "
        "generated secret key, in one tar file with a checksum."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output",
            help="The file to write (default: var/backups/rapport-<date>-<time>.tar).",
        )

    def handle(self, *args: Any, output: str | None, **options: Any) -> None:
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        target = (
            Path(output) if output else Path(settings.VAR_DIR) / "backups" / f"rapport-{stamp}.tar"
        )
        try:
            manifest = backup.create(output=target)
        except (backup.BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {manifest['database_engine']} database and "
                f"{len(manifest['files']) - 1} files to {target} (checksum in {target}.sha256)."
            )
        )
