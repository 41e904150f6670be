"""A crash never loses an acknowledged write: the web server is killed (``kill -9``, master
and workers) twenty times in the middle of a stream of writes made through the pages; after
each restart the stream goes on. Afterwards every write that was acknowledged (the client was
created and the browser redirected to it) is in the database with its one audit event, and
SQLite's integrity check is ok."""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.reliability.server import Browser, Installation

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the embedded SQLite file is what a crash must not corrupt",
)

KILLS = 20


def test_kill_9_in_the_middle_of_writes_loses_no_acknowledged_write(tmp_path: Path) -> None:
    installation = Installation(tmp_path).set_up()
    installation.start()
    browser = Browser(installation.port)
    browser.sign_in()

    acknowledged: list[str] = []
    attempted = 0
    stop = threading.Event()

    def write() -> None:
        nonlocal attempted
        while not stop.is_set():
            attempted += 1
            name = f"Client {attempted:05d}"
            try:
                status, headers, _page = browser.post(
                    "/app/clients/new/", {"name": name, "language": "en", "website": ""}
                )
            except OSError:  # the server is down: try the next write when it is back
                time.sleep(0.02)
                continue
            if status == 302 and "/app/clients/" in headers.get("Location", ""):
                acknowledged.append(name)

    writer = threading.Thread(target=write)
    writer.start()
    chance = random.Random(7)
    try:
        for _ in range(KILLS):
            before = len(acknowledged)
            deadline = time.monotonic() + 10
            # Let some writes through, then kill at a random moment among them.
            while len(acknowledged) < before + chance.randint(2, 6) and time.monotonic() < deadline:
                time.sleep(0.005)
            time.sleep(chance.random() * 0.05)
            installation.kill()
            installation.start()
    finally:
        stop.set()
        writer.join(timeout=30)
        installation.kill()

    assert len(acknowledged) >= KILLS * 2, "the writes did not get through between the kills"
    with sqlite3.connect(installation.database) as database:
        assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = {row[0] for row in database.execute("SELECT name FROM clients_client")}
        missing = [name for name in acknowledged if name not in stored]
        assert not missing, f"acknowledged but lost: {missing}"
        # Every client that exists has exactly one "created" audit event (none half-written).
        rows = database.execute(
            "SELECT c.name, COUNT(e.id) FROM clients_client c LEFT JOIN audit_auditevent e"
            " ON e.object_id = CAST(c.id AS TEXT) AND e.action = 'created'"
            " AND e.content_type_id = (SELECT id FROM django_content_type"
            " WHERE app_label = 'clients' AND model = 'client')"
            " GROUP BY c.id"
        ).fetchall()
        assert rows and all(count == 1 for _name, count in rows), rows
