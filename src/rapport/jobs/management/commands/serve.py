from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run Rapport on one machine: web server (gunicorn), job worker and scheduler, "
        "restarting none silently: if one stops, all stop."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("RAPPORT_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--web-workers", type=int, default=int(os.environ.get("RAPPORT_WEB_WORKERS", "2"))
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="Serve pages only: no worker, no scheduler."
        )

    @staticmethod
    def commands(*, bind: str, web_workers: int, no_worker: bool) -> list[list[str]]:
        """The processes to run: the web server, then (unless pages only) the job worker and
        the scheduler that enqueues the periodic jobs."""
        web = [
            sys.executable,
            "-m",
            "gunicorn",
            "rapport.wsgi",
            "--bind",
            bind,
            "--workers",
            str(web_workers),
            "--access-logfile",
            "-",
            "--timeout",
            "60",
        ]
        if no_worker:
            return [web]
        return [
            web,
            [sys.executable, "-m", "rapport.cli", "worker"],
            [sys.executable, "-m", "rapport.cli", "crontask"],
        ]

    def handle(
        self, *args: Any, bind: str, web_workers: int, no_worker: bool, **options: Any
    ) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "rapport.settings",
            "RAPPORT_VAR_DIR": str(settings.VAR_DIR),
        }
        processes = [
            subprocess.Popen(command, env=env)  # noqa: S603 - fixed argument lists
            for command in self.commands(bind=bind, web_workers=web_workers, no_worker=no_worker)
        ]
        self.stdout.write(f"Rapport is serving at http://{bind}/ (Ctrl+C stops it)")

        def stop(*_: Any) -> None:
            for process in processes:
                if process.poll() is None:
                    process.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(process.poll() is None for process in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for process in processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
