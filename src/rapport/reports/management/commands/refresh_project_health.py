"""``rapport refresh-project-health``: compute now, in this process, every project's stored
health that is missing or stale for the days the members are in (what the job worker does
every hour; the portfolio also computes what it lacks when it is read), e.g. after an upgrade
or a bulk import."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from rapport.reports import health_store


class Command(BaseCommand):
    help = (
        "Store the health of every project not computed for today yet (what the job worker "
        "does every hour), now."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = health_store.refresh_due()
        self.stdout.write(f"{count} project health row(s) computed.")
