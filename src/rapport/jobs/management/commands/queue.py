from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from rapport.jobs.monitoring import queue_depth


class Command(BaseCommand):
    help = (
        "The job queue's depth for monitoring: jobs ready, waiting for their time, running and "
        "failed, and how long the oldest ready job has waited. Exits 1 when it waited longer "
        "than --max-wait seconds (a worker is down or overwhelmed)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="One JSON object, for scripts.")
        parser.add_argument("--max-wait", type=int, default=0, help="Seconds; 0 for no check.")

    def handle(self, *args: Any, **options: Any) -> None:
        depth = queue_depth()
        if options["json"]:
            self.stdout.write(json.dumps(depth, sort_keys=True))
        else:
            for key, value in depth.items():
                self.stdout.write(f"{key:<22} {value}")
        if options["max_wait"] and depth["oldest_ready_seconds"] > options["max_wait"]:
            raise SystemExit(1)
