"""``rapport check-deploy``: Django's deployment checks and Rapport's own on the settings of this
environment, failing on any warning; run it where production runs, with its environment."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run Django's deployment checks (check --deploy --fail-level WARNING) and Rapport's own "
        "on this environment's settings (RAPPORT_MODE=production, SECRET_KEY, ALLOWED_HOSTS, "
        "RAPPORT_SITE_URL, EMAIL_HOST …); exits non-zero on any warning."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("check", deploy=True, fail_level="WARNING", stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Ready to deploy: no deployment check failed."))
