"""Eight processes write at once, 500 transactions each, on the embedded SQLite database:
none of them ever sees "database is locked" (immediate transactions, WAL and a busy
timeout), and every write is there afterwards."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.reliability.server import Installation

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the embedded SQLite file is what concurrent writers must share",
)

WRITERS = 8
TRANSACTIONS = 500
ROOT = Path(__file__).resolve().parent.parent.parent


def test_eight_writers_times_500_transactions_never_see_a_locked_database(
    tmp_path: Path,
) -> None:
    installation = Installation(tmp_path).set_up()
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.writer", str(number), str(TRANSACTIONS)],
            env=installation.env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for number in range(WRITERS)
    ]
    results = []
    for writer in writers:
        out, err = writer.communicate(timeout=600)
        assert writer.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert [result["locked"] for result in results] == [0] * WRITERS
    assert [result["done"] for result in results] == [TRANSACTIONS] * WRITERS
    with sqlite3.connect(installation.database) as database:
        assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        count = database.execute(
            "SELECT COUNT(*) FROM clients_client WHERE name LIKE 'Writer %'"
        ).fetchone()[0]
    assert count == WRITERS * TRANSACTIONS
