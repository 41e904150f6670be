from __future__ import annotations

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from rapport.tenancy import services


class Command(BaseCommand):
    help = "Create an organisation and its owner (for installations with sign-up turned off)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--organisation", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True, help="The owner's full name.")
        parser.add_argument("--language", default="en", choices=["en", "zh-hans"])
        parser.add_argument("--time-zone", default="UTC")
        parser.add_argument("--password", help="Prompted for when not given.")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or getpass.getpass("Password: ")
        try:
            membership = services.organisation_signup(
                organisation_name=options["organisation"],
                full_name=options["name"],
                email=options["email"],
                password=password,
                language=options["language"],
                time_zone=options["time_zone"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {membership.organisation} with owner {membership.user.email}."
            )
        )
