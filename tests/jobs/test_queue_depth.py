"""``rapport queue``: what an operator's monitoring reads about the job queue."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from rapport.jobs.tasks import prune_finished_jobs

pytestmark = pytest.mark.django_db


def depth() -> dict[str, int]:
    out = StringIO()
    call_command("queue", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_queue_depth_counts_ready_scheduled_and_failed_jobs_and_the_oldest_wait(
    settings,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert depth() == {
        "ready": 0,
        "scheduled": 0,
        "running": 0,
        "failed": 0,
        "oldest_ready_seconds": 0,
    }
    prune_finished_jobs.enqueue()
    prune_finished_jobs.using(run_after=timezone.now() + timedelta(hours=1)).enqueue()
    DBTaskResult.objects.filter(run_after=get_date_max()).update(
        enqueued_at=timezone.now() - timedelta(minutes=10)
    )
    seen = depth()
    assert seen["ready"] == 1 and seen["scheduled"] == 1 and seen["failed"] == 0
    assert 590 <= seen["oldest_ready_seconds"] <= 700
    with pytest.raises(SystemExit) as stopped:
        call_command("queue", "--max-wait", "300", stdout=StringIO())
    assert stopped.value.code == 1
    call_command("queue", "--max-wait", "3600", stdout=StringIO())  # within the limit: exit 0


def test_a_job_left_running_by_a_dead_worker_or_past_its_lease_is_queued_again(
    settings,
) -> None:
    from django_tasks_db.compat import TaskResultStatus

    from rapport.jobs import recovery

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.RAPPORT_JOB_LEASE_SECONDS = 600
    for _ in range(4):
        prune_finished_jobs.enqueue()
    dead, alive, old, young = DBTaskResult.objects.order_by("enqueued_at")
    host = recovery.worker_id().rsplit(":", 1)[0]
    now = timezone.now()
    for job, worker, started in [
        (dead, f"{host}:999999", now),  # no such process on this machine
        (alive, recovery.worker_id(), now),  # this very process
        (old, "elsewhere:1", now - timedelta(minutes=11)),  # past the lease
        (young, "elsewhere:2", now - timedelta(minutes=1)),
    ]:
        job.claim(worker)
        DBTaskResult.objects.filter(pk=job.pk).update(started_at=started)
    assert recovery.requeue_jobs_of_dead_local_workers() == 1
    assert recovery.requeue_expired_jobs() == 1
    status = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert status[dead.pk] == status[old.pk] == TaskResultStatus.READY
    assert status[alive.pk] == status[young.pk] == TaskResultStatus.RUNNING
