"""The client health score's jobs: every client's snapshot daily, and one client's when
something that moves it happens (feedback, conflicts, issues, change decisions)."""

from __future__ import annotations

from crontask import cron
from django.tasks import task
from django.utils import timezone

from rapport.clients.health_services import health_weights, snapshot_record
from rapport.clients.models import Client


@task
def recompute_client_health(client_id: int) -> int | None:
    client = Client.objects.filter(pk=client_id).first()
    if client is None:
        return None
    return snapshot_record(client=client, today=timezone.localdate()).score


@cron("40 2 * * *")
@task
def recompute_all_client_health() -> int:
    """Daily: today's snapshot of every client's health score, so the history has a point a
    day even when nothing happened."""
    today, weights, count = timezone.localdate(), {}, 0
    for client in Client.objects.order_by("organisation_id", "pk").iterator(chunk_size=500):
        if client.organisation_id not in weights:
            weights[client.organisation_id] = health_weights(client.organisation_id)
        snapshot_record(client=client, today=today, weights=weights[client.organisation_id])
        count += 1
    return count
