"""Housekeeping of the job queue. Every finished job stays a row of the database backend, and
the scheduler's heartbeat alone adds one a minute: finished jobs are kept two weeks, then
deleted (an email's delivery stays on record in the outbox)."""

from __future__ import annotations

from datetime import timedelta

from crontask import cron
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task, task_backends
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

KEEP = timedelta(days=14)


@cron("17 3 * * *")
@task
def prune_finished_jobs() -> int:
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if not isinstance(backend, DatabaseBackend):
        return 0
    deleted, _ = (
        DBTaskResult.objects.finished()
        .filter(backend_name=backend.alias, finished_at__lte=timezone.now() - KEEP)
        .delete()
    )
    return deleted


@cron("*/5 * * * *")
@task
def requeue_abandoned_jobs() -> int:
    """Jobs left running by a worker that died put back in the queue (see ``recovery``)."""
    from rapport.jobs import recovery

    return recovery.requeue_jobs_of_dead_local_workers() + recovery.requeue_expired_jobs()


@cron("23 * * * *")
@task
def prune_api_records() -> int:
    """Expired API idempotency keys (kept a day) and past rate limit windows."""
    from rapport.core.api_conventions import prune

    return prune()
