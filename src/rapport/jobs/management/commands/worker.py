from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from rapport.jobs import recovery


class Command(BaseCommand):
    help = "Run a Rapport job worker (emails, scheduled work). Run several on PostgreSQL."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", action="store_true", help="Run queued jobs, then exit.")
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args: Any, batch: bool, interval: float, **options: Any) -> None:
        requeued = recovery.requeue_jobs_of_dead_local_workers()
        if requeued:
            self.stderr.write(f"{requeued} job(s) of a worker that died were queued again.")
        call_command(
            "db_worker",
            queue_name="*",
            worker_id=recovery.worker_id(),
            batch=batch,
            interval=interval,
            verbosity=options["verbosity"],
        )
