"""Reads of the client health score: a client's current score with its parts and history,
the records behind each part narrowed to what the reader may open."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from rapport.clients import health, permissions
from rapport.clients.health_services import health_weights
from rapport.clients.models import Client, ClientHealthSnapshot
from rapport.clients.selectors import latest_health_score
from rapport.tenancy.actors import Actor

HISTORY_DAYS = 365


@dataclass(frozen=True)
class Moment:
    day: date
    score: int | None
    moved_by: str  # the part that moved the score most since the snapshot before, or ""
    moved_points: float


@dataclass
class ClientHealth:
    score: int | None
    computed_at: datetime
    stored: bool  # False: computed now for the page, no snapshot yet
    parts: list[dict[str, Any]]
    history: list[Moment] = field(default_factory=list)

    @property
    def band(self) -> str:
        return health.band(self.score)

    @property
    def renormalised(self) -> bool:
        return any(p["weight"] and not p["share"] for p in self.parts)


def _narrowed(actor: Actor, client: Client, parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each part's records, less those of projects or conflicts the actor may not open; how
    many were left out is kept in ``hidden``."""
    from rapport.projects.selectors import projects_visible_to
    from rapport.risks.selectors import conflicts_visible_to

    conflict_ids = {r["id"] for p in parts for r in p["records"] if r["kind"] == "conflict"}
    open_conflicts = (
        set(
            conflicts_visible_to(actor)
            .filter(client=client, pk__in=conflict_ids)
            .values_list("pk", flat=True)
        )
        if conflict_ids
        else set()
    )
    open_projects = set(
        projects_visible_to(actor).filter(client=client).values_list("pk", flat=True)
    )

    def allowed(record: dict[str, Any]) -> bool:
        if record["kind"] == "conflict":
            return record["id"] in open_conflicts
        return record["project_id"] in open_projects

    narrowed = []
    for part in parts:
        shown = [record for record in part["records"] if allowed(record)]
        narrowed.append({**part, "records": shown, "hidden": len(part["records"]) - len(shown)})
    return narrowed


def _history(snapshots: list[ClientHealthSnapshot]) -> list[Moment]:
    moments, previous = [], None
    for snapshot in snapshots:
        key, points = health.moved_by(previous.parts, snapshot.parts) if previous else ("", 0.0)
        moments.append(Moment(snapshot.day, snapshot.score, key, points))
        previous = snapshot
    return moments


def client_health(*, actor: Actor, client: Client, today: date | None = None) -> ClientHealth:
    """The latest snapshot and the year before it; computed on the spot (and not stored)
    when the client has none yet. ``client`` comes from ``client_get``."""
    if not permissions.can_view_client_health(actor, client):
        raise PermissionDenied
    today = today or timezone.localdate()
    snapshots = list(
        ClientHealthSnapshot.objects.filter(
            client=client, day__gt=today - timedelta(days=HISTORY_DAYS), day__lte=today
        ).order_by("day")
    )
    if snapshots:
        latest = snapshots[-1]
        current = ClientHealth(latest.score, latest.computed_at, True, latest.parts)
    else:
        score, parts = health.compute(client, today, health_weights(client.organisation_id))
        current = ClientHealth(score, timezone.now(), False, parts)
    current.parts = _narrowed(actor, client, current.parts)
    current.history = _history(snapshots)
    return current


def latest_scores(client_ids: Iterable[int]) -> dict[int, int | None]:
    """Each client's latest stored score, in one query; None for a client not scored yet.
    Callers pass only clients the reader may see."""
    rows = Client.objects.filter(pk__in=set(client_ids)).annotate(score=latest_health_score())
    return dict(rows.values_list("pk", "score"))
