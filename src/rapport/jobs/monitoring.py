"""How deep the job queue is, for ``rapport queue`` and monitoring."""

from __future__ import annotations

from django.db.models import Count, Min, Q
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max


def queue_depth() -> dict[str, int]:
    now = timezone.now()
    due = Q(run_after__lte=now) | Q(run_after=get_date_max())  # the latter: "as soon as possible"
    counts = DBTaskResult.objects.aggregate(
        ready=Count("pk", filter=Q(status=TaskResultStatus.READY) & due),
        scheduled=Count("pk", filter=Q(status=TaskResultStatus.READY) & ~due),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        failed=Count("pk", filter=Q(status=TaskResultStatus.FAILED)),
        oldest=Min("enqueued_at", filter=Q(status=TaskResultStatus.READY) & due),
    )
    oldest = counts.pop("oldest")
    return {
        **counts,
        "oldest_ready_seconds": int((now - oldest).total_seconds()) if oldest else 0,
    }
