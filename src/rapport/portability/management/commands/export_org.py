from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.portability import archive, services


class Command(BaseCommand):
    help = "Export a whole organisation (every row and attachment) to a versioned zip archive."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("organisation", help="The organisation's short name or id.")
        parser.add_argument("file", help="The archive to write (.zip).")

    def handle(self, *args: Any, organisation: str, file: str, **options: Any) -> None:
        try:
            found = archive.organisation_by_reference(organisation)
            manifest = services.organisation_export_to_file(organisation=found, target=Path(file))
        except (archive.ArchiveError, OSError) as error:
            raise CommandError(str(error)) from error
        rows = sum(entry.get("count", 0) for entry in manifest["files"].values())
        self.stdout.write(self.style.SUCCESS(f"Exported {found} ({rows} rows) to {file}."))
