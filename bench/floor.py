"""The floor: a bare WSGI application that answers the project-list API's request with the very
SQL Django runs for it (the count and the page of 25, written by ``bench.server`` to the file
named by ``BENCH_FLOOR_QUERY``), on the driver alone (``sqlite3`` or ``psycopg``), as JSON.

Served by the same gunicorn as Rapport, its requests per second are what the machine can do
without the framework; Rapport's list API is reported as a share of it. One connection per
worker process, kept open: the floor is the best case."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

QUERY = json.loads(Path(os.environ["BENCH_FLOOR_QUERY"]).read_text())


@cache
def connection() -> Any:
    if QUERY["vendor"] == "sqlite":
        return sqlite3.connect(QUERY["database"], check_same_thread=False)
    import psycopg

    return psycopg.connect(QUERY["database"], autocommit=True)


def rows() -> dict[str, Any]:
    cursor = connection().cursor()
    cursor.execute(QUERY["count_sql"], QUERY["count_params"])
    (count,) = cursor.fetchone()
    cursor.execute(QUERY["page_sql"], QUERY["page_params"])
    fields = QUERY["fields"]  # name → column index in the page query
    items = [{name: row[index] for name, index in fields.items()} for row in cursor.fetchall()]
    return {"items": items, "count": count}


def application(
    environ: dict[str, Any], start_response: Callable[[str, list[tuple[str, str]]], Any]
) -> Iterable[bytes]:
    body = json.dumps(rows(), default=str).encode()
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
