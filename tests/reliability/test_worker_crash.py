"""A worker killed (``kill -9``) in the middle of its jobs: the next worker runs every
interrupted job again, no finished job runs twice, and no email reaches its reader twice —
an email the mail server took just before the kill is sent again as the same message (same
Message-ID), which mail clients show once."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings

from tests.reliability.server import Installation, free_port

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="runs against its own embedded SQLite installation",
)

EMAILS = 30
KILLS = 8
ROOT = Path(__file__).resolve().parent.parent.parent


class SlowMailServer:
    """Takes each message after a pause, so that kills land in the middle of deliveries."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        import asyncio
        from email import message_from_bytes

        await asyncio.sleep(0.15)
        message = message_from_bytes(envelope.content)  # type: ignore[attr-defined]
        with self.lock:
            self.received.append((str(message["Message-ID"]), str(message["To"])))
        return "250 OK"


def test_a_worker_killed_mid_job_leaves_no_job_lost_or_run_twice(tmp_path: Path) -> None:
    mail = SlowMailServer()
    port = free_port()
    controller = Controller(mail, hostname="127.0.0.1", port=port)
    controller.start()
    installation = Installation(tmp_path).set_up()
    installation.env.update(
        {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port), "EMAIL_USE_TLS": "false"}
    )
    subprocess.run(
        [sys.executable, "-m", "tests.reliability.enqueue_emails", str(EMAILS)],
        env=installation.env,
        cwd=ROOT,
        check=True,
        timeout=120,
    )

    def worker() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "rapport.cli", "worker", "--interval", "0.05"],
            env=installation.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=open(tmp_path / "worker.log", "ab"),
        )

    chance = random.Random(11)
    kills = 0
    try:
        for _ in range(KILLS):
            running = worker()
            before = len(mail.received)
            deadline = time.monotonic() + 30
            while (
                len(mail.received) < before + chance.randint(1, 3) and time.monotonic() < deadline
            ):
                time.sleep(0.01)
            time.sleep(chance.random() * 0.15)  # often in the middle of the next delivery
            os.killpg(running.pid, signal.SIGKILL)
            running.wait(timeout=10)
            kills += 1
        # The last worker, started after the kills, finishes what is left and exits.
        subprocess.run(
            [sys.executable, "-m", "rapport.cli", "worker", "--batch", "--interval", "0.05"],
            env=installation.env,
            stderr=open(tmp_path / "worker.log", "ab"),  # noqa: SIM115
            check=True,
            timeout=300,
        )
    finally:
        controller.stop()

    with sqlite3.connect(installation.database) as database:
        assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        statuses = Counter(
            row[0] for row in database.execute("SELECT status FROM notify_outboundemail")
        )
        jobs = Counter(
            row[0]
            for row in database.execute(
                "SELECT status FROM django_tasks_database_dbtaskresult"
                " WHERE task_path = 'rapport.notify.tasks.send_email'"
            )
        )
    # The kills did land in the middle of jobs, which the next worker queued again.
    requeued = (tmp_path / "worker.log").read_text().count("of a worker that died were queued")
    assert requeued >= KILLS // 2, (tmp_path / "worker.log").read_text()[-3000:]
    assert statuses == {"sent": EMAILS}
    # Every job finished, once: none is left running or queued, none failed.
    assert jobs == {"SUCCESSFUL": EMAILS}
    messages = Counter(message_id for message_id, _to in mail.received)
    # Every email reached its reader; as many distinct messages as emails, one per reader.
    assert len(messages) == EMAILS
    assert len({to for _id, to in mail.received}) == EMAILS
    # A message taken twice (killed between the server's "250 OK" and "sent") is the same
    # message both times; that can happen at most once per kill.
    assert sum(count - 1 for count in messages.values()) <= kills
