from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.portability import archive, services


class Command(BaseCommand):
    help = (
        "Import an organisation archive made by `rapport export-org` into this installation, "
        "which must not have that organisation."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="The archive (.zip).")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            organisation = services.organisation_import(path=Path(file))
        except (archive.ArchiveError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {organisation} (short name {organisation.slug}). People new to this "
                "installation sign in after choosing a password with “Forgot password”."
            )
        )
