"""Jobs a crashed worker left behind. A worker that is killed in the middle of a job leaves it
"running" for ever; these put such jobs back in the queue so that another worker runs them
again. Jobs are written to be run again safely (an email already sent is never sent again; a
report already drafted for the day is not drafted twice).

Two ways to tell a job was abandoned: its worker ran on this machine and that process is gone
(checked when a worker starts), or it has been running longer than the lease, whatever machine
ran it (checked by the scheduler every five minutes)."""

from __future__ import annotations

import os
import socket
from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def worker_id() -> str:
    """``<host>:<pid>``: enough to tell, on this host, whether the worker still lives."""
    return f"{socket.gethostname()[:50]}:{os.getpid()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def requeue_jobs_of_dead_local_workers() -> int:
    host = f"{socket.gethostname()[:50]}:"
    abandoned = []
    for job in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only("worker_ids"):
        last = (job.worker_ids or [""])[-1]
        pid = last.removeprefix(host)
        if last.startswith(host) and pid.isdigit() and not _alive(int(pid)):
            abandoned.append(job.pk)
    return _requeue(DBTaskResult.objects.filter(pk__in=abandoned))


def requeue_expired_jobs() -> int:
    lease = timedelta(seconds=settings.RAPPORT_JOB_LEASE_SECONDS)
    return _requeue(
        DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING, started_at__lt=timezone.now() - lease
        )
    )


def _requeue(jobs: QuerySet[DBTaskResult]) -> int:
    return jobs.filter(status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, started_at=None
    )
