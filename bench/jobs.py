"""A job that records each time it runs, for the scaled tier's check that two workers sharing
one PostgreSQL never run the same job twice (``bench.server``)."""

from __future__ import annotations

import os

from django.tasks import task


@task
def record_execution(number: int, path: str) -> int:
    """Append ``number`` and the worker's process id to ``path`` (one line, one write)."""
    with open(path, "a") as log:
        log.write(f"{number} {os.getpid()}\n")
    return number
