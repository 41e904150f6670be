"""The scheduler beside the web server and the worker: `rapport serve` runs all three and stops
all when one stops; the periodic jobs it enqueues (crontask's heartbeat included) run on the
real worker; finished jobs do not pile up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from crontask import scheduler
from crontask.tasks import heartbeat
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from rapport.jobs.management.commands import serve
from rapport.jobs.tasks import prune_finished_jobs
from rapport.notify.tasks import send_notification_digests
from rapport.portability.tasks import prune_organisation_exports
from rapport.reports.tasks import draft_scheduled_reports

DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}
}


def test_serve_runs_the_web_server_the_worker_and_the_scheduler():
    web, worker, scheduler_process = serve.Command.commands(
        bind="0.0.0.0:9000", web_workers=3, no_worker=False
    )
    assert web[:4] == [sys.executable, "-m", "gunicorn", "rapport.wsgi"]
    assert web[web.index("--bind") + 1] == "0.0.0.0:9000"
    assert web[web.index("--workers") + 1] == "3"
    assert worker == [sys.executable, "-m", "rapport.cli", "worker"]
    assert scheduler_process == [sys.executable, "-m", "rapport.cli", "crontask"]
    [pages_only] = serve.Command.commands(bind="127.0.0.1:8000", web_workers=2, no_worker=True)
    assert pages_only[2] == "gunicorn"


class _Process:
    """Stands in for a started process: the scheduler exits after a few polls."""

    def __init__(self, command: list[str], exits_after: int | None) -> None:
        self.command = command
        self.polls = 0
        self.exits_after = exits_after
        self.returncode: int | None = None

    def poll(self) -> int | None:
        self.polls += 1
        if self.exits_after is not None and self.polls > self.exits_after:
            self.returncode = 1
        return self.returncode

    def terminate(self) -> None:
        self.returncode = -signal.SIGTERM

    def wait(self, timeout: float | None = None) -> int | None:
        return self.returncode


@pytest.fixture
def _keep_sigterm() -> Iterator[None]:
    saved = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, saved)


@pytest.mark.usefixtures("_keep_sigterm")
def test_serve_stops_everything_when_one_process_stops(monkeypatch: Any) -> None:
    started: list[_Process] = []

    def popen(command: list[str], env: dict[str, str]) -> _Process:
        assert env["DJANGO_SETTINGS_MODULE"] == "rapport.settings"
        process = _Process(command, exits_after=2 if "crontask" in command else None)
        started.append(process)
        return process

    monkeypatch.setattr(subprocess, "Popen", popen)
    monkeypatch.setattr(serve, "call_command", lambda *args, **kwargs: None)  # migrate, static
    monkeypatch.setattr(time, "sleep", lambda seconds: None)

    call_command("serve", bind="127.0.0.1:0")

    assert [p.command[2:4] for p in started] == [
        ["gunicorn", "rapport.wsgi"],
        ["rapport.cli", "worker"],
        ["rapport.cli", "crontask"],
    ]
    assert [p.returncode for p in started] == [-signal.SIGTERM, -signal.SIGTERM, 1]


def test_the_scheduler_starts_with_rapports_jobs(tmp_path: Any) -> None:
    """The real `rapport crontask` process: it loads every app's jobs and starts."""
    env = {
        **os.environ,
        "RAPPORT_VAR_DIR": str(tmp_path),
        "RAPPORT_TASKS_BACKEND": "django.tasks.backends.dummy.DummyBackend",
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "crontask.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "rapport.cli", "crontask"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and process.poll() is None:
                if "Starting scheduler" in log.read_text():
                    break
                time.sleep(0.2)
        finally:
            process.terminate()
            process.wait(timeout=15)
    text = log.read_text()
    assert "Starting scheduler" in text, text
    assert "Loaded tasks from rapport.reports." in text
    assert "Loaded tasks from rapport.jobs." in text
    assert "Loaded tasks from rapport.notify." in text


def test_the_periodic_jobs_are_scheduled() -> None:
    triggers = {job.name: str(job.trigger) for job in scheduler.get_jobs()}
    assert "minute='*/30'" in triggers[draft_scheduled_reports.name]
    assert "hour='3', minute='17'" in triggers[prune_finished_jobs.name]
    assert "hour='6', minute='45'" in triggers[send_notification_digests.name]
    assert "hour='3', minute='41'" in triggers[prune_organisation_exports.name]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("keep_signal_handlers")
def test_the_worker_runs_what_the_scheduler_enqueues(settings: Any) -> None:
    """crontask's heartbeat goes to the "default" queue, which the worker knows."""
    settings.TASKS = DATABASE_TASKS
    enqueued = [heartbeat.enqueue(), draft_scheduled_reports.enqueue()]
    call_command("worker", batch=True, verbosity=0)
    for result in enqueued:
        result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL, result.errors


@pytest.mark.django_db
def test_finished_jobs_are_pruned_after_two_weeks(settings: Any) -> None:
    settings.TASKS = DATABASE_TASKS
    old, recent, waiting = (heartbeat.enqueue() for _ in range(3))
    now = timezone.now()
    DBTaskResult.objects.filter(id=old.id).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=now - timedelta(days=15)
    )
    DBTaskResult.objects.filter(id=recent.id).update(
        status=TaskResultStatus.FAILED, finished_at=now - timedelta(days=13)
    )

    assert prune_finished_jobs.call() == 1

    remaining = {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)}
    assert remaining == {str(recent.id), str(waiting.id)}


@pytest.mark.django_db
def test_pruning_is_a_no_op_without_the_database_backend() -> None:
    assert prune_finished_jobs.call() == 0
