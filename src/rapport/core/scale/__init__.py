"""``rapport seed-scale``: one large organisation, reproducible from a seed, in English and
Chinese, written in bulk (no per-row services: the audit trail is written in bulk too) so that
scale 1.0 — 200 clients, 2,000 projects and some three million rows — loads in minutes.

The counts are in ``plan.FULL``; they scale linearly with ``scale``. Every date is relative to
the day of the load, so "overdue", "this week" and "awaiting sign-off" are true on that day."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TextIO

from django.db import connection, transaction
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.clients.health_services import health_weights, snapshot_record
from rapport.clients.models import Client, ClientHealthSnapshot
from rapport.core.scale import activity, people, reports, work
from rapport.core.scale.base import Audit, Loader, Site, light
from rapport.core.scale.plan import Plan, plan, spread, spread_weighted
from rapport.core.scale.progress import Progress
from rapport.feedback.services import template_default
from rapport.projects.models import Project
from rapport.tenancy.models import Organisation, Role

PASSWORD = "rapport-scale-2026"
PROJECTS_PER_CHUNK = 20  # written in one transaction
HEALTH_WEEKS = 12  # weekly client health history before today's


@dataclass
class Seeded:
    organisation: Organisation
    plan: Plan
    seconds: float
    steps: dict[str, float] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)


class SlugTaken(ValueError):
    pass


def seed_scale(
    *,
    seed: int = 1,
    scale: float = 1.0,
    slug: str = "scale",
    stream: TextIO | None = None,
    show_progress: bool = True,
) -> Seeded:
    """Create the organisation ``slug``; refuse if it exists (nothing is written then)."""
    counts = plan(scale)
    if Organisation.objects.filter(slug=slug).exists():
        raise SlugTaken(f"An organisation with the short name “{slug}” already exists.")
    progress = Progress(counts.rows, stream=stream, enabled=show_progress)
    with _fast_writes():
        with transaction.atomic():
            organisation = people.organisation_create(
                slug=slug, name=f"Meridian Delivery 子午线交付 ({slug})"
            )
            loader = Loader(organisation, seed=seed, today=timezone.localdate(), progress=progress)
            people.members_create(loader, PASSWORD)
            contacts = people.clients_create(loader, counts, PASSWORD)
            sites = people.projects_create(loader, counts, contacts)
            template = template_default(organisation=organisation)
        shares = _shares(counts, sites, loader)
        for first in range(0, len(sites), PROJECTS_PER_CHUNK):
            with transaction.atomic():
                _fill(loader, sites, shares, first, template)
        with transaction.atomic():
            loader.timed("client health", _client_health, loader)
        with transaction.atomic():
            loader.timed("project health", _project_health, loader)
        loader.timed("statistics", _statistics)
    seconds = progress.close()
    return Seeded(
        organisation=organisation,
        plan=counts,
        seconds=seconds,
        steps=loader.timings,
        logins=_logins(loader, sites),
    )


def _statistics() -> None:
    """On PostgreSQL, the planner's statistics of the tables just filled, as autovacuum would
    gather them some minutes later: until then it plans a million rows as if they were a few.
    (SQLite keeps none unless asked, as an installation runs it; nothing to do there.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _shares(counts: Plan, sites: list[Site], loader: Loader) -> dict[str, list[int]]:
    """Each project's share of every count: milestones evenly, the rest by how long the project
    has been running; the audit events those already written leave."""
    weights = work.weights(sites)
    shares = {"milestones": spread(counts["milestones"], len(sites))}
    for name in (
        "change_requests",
        "status_reports",
        "touchpoints",
        "messages",
        "survey_responses",
        "meetings",
        "action_items",
        "lessons",
    ):
        shares[name] = spread_weighted(counts[name], weights)
    written = AuditEvent.objects.filter(organisation=loader.organisation).count()
    loader.progress.advance(written, "audit events")
    shares["audit_events"] = spread(max(counts["audit_events"] - written, 0), len(sites))
    return shares


def _fill(
    loader: Loader, sites: list[Site], shares: dict[str, list[int]], first: int, template: object
) -> None:
    part = sites[first : first + PROJECTS_PER_CHUNK]

    def share(name: str) -> list[int]:
        return shares[name][first : first + PROJECTS_PER_CHUNK]

    timed = loader.timed
    audits = _project_audits(loader, part)
    audits += timed("baselines", work.baselines_create, loader, part, share("milestones"))
    audits += timed("change requests", work.changes_create, loader, part, share("change_requests"))
    timed("actuals", work.actuals_create, loader, part)
    audits += timed(
        "touchpoints", activity.communication_create, loader, part, share("touchpoints")
    )
    audits += timed("messages", activity.messages_create, loader, part, share("messages"))
    audits += timed(
        "surveys", activity.surveys_create, loader, part, share("survey_responses"), template
    )
    audits += timed(
        "meetings",
        activity.meetings_create,
        loader,
        part,
        share("meetings"),
        share("action_items"),
    )
    audits += timed("lessons", activity.lessons_create, loader, part, share("lessons"))
    audits += timed("status reports", reports.reports_create, loader, part, share("status_reports"))
    timed("audit events", _audit_write, loader, part, audits, sum(share("audit_events")), first)


def _project_audits(loader: Loader, sites: list[Site]) -> list[Audit]:
    content_type = loader.content_type(Project)
    audits = []
    for site in sites:
        project = site.project
        label = f"{project.code} · {project.name}"
        audits.append(
            Audit(
                content_type,
                project.pk,
                label,
                "created",
                project.created_at,
                {"name": [None, project.name], "status": [None, "proposed"]},
            )
        )
        if project.published_at:
            audits.append(
                Audit(
                    content_type,
                    project.pk,
                    label,
                    "published",
                    project.published_at,
                    {"published": [False, True]},
                )
            )
    return audits


def _audit_write(
    loader: Loader, sites: list[Site], audits: list[Audit], quota: int, first: int
) -> None:
    """Exactly ``quota`` events: a sample of what was written, or all of it and more edits."""
    rng = loader.rng("audit", first)
    if len(audits) >= quota:
        chosen = rng.sample(audits, quota)
    else:
        chosen = list(audits)
        while len(chosen) < quota and audits:
            edited = rng.choice(audits)
            chosen.append(
                Audit(
                    edited.content_type_id,
                    edited.object_id,
                    edited.object_repr,
                    "updated",
                    min(edited.at + timedelta(days=rng.randint(1, 30)), loader.now),
                    {"note": ["", "…"]},
                )
            )
    pms = [site.pm for site in sites]
    event = light(AuditEvent)
    organisation_id = loader.organisation.pk
    rows = []
    for n, audit in enumerate(chosen):
        contact = audit.contact
        actor = pms[n % len(pms)]
        rows.append(
            event(
                organisation_id=organisation_id,
                actor_user_id=actor.pk if contact is None else contact.user_id,
                actor_contact_id=contact.pk if contact is not None else None,
                actor_label=(actor.full_name if contact is None else contact.full_name)[:200],
                action=audit.action,
                content_type_id=audit.content_type_id,
                object_id=str(audit.object_id),
                object_repr=audit.object_repr[:200],
                changes=audit.changes,
                ip=f"203.0.113.{n % 250 + 1}" if n % 3 == 0 else None,
                created_at=audit.at,
            )
        )
    loader.insert(AuditEvent, rows, "audit events")


def _client_health(loader: Loader) -> None:
    """Today's score of every client, computed as the daily job does, and a weekly history
    before it."""
    weights = health_weights(loader.organisation.pk)
    history = []
    clients = Client.objects.filter(organisation=loader.organisation).order_by("pk")
    for number, client in enumerate(clients):
        today = snapshot_record(client=client, today=loader.today, weights=weights)
        rng = loader.rng("health", number)
        for week in range(1, HEALTH_WEEKS + 1):
            score = today.score
            if score is not None:
                score = max(0, min(100, score + rng.randint(-12, 12)))
            history.append(
                ClientHealthSnapshot(
                    organisation=loader.organisation,
                    client=client,
                    day=loader.today - timedelta(weeks=week),
                    score=score,
                    parts=today.parts,
                    computed_at=loader.now - timedelta(weeks=week),
                )
            )
        loader.progress.advance(0, "client health")
    loader.insert(ClientHealthSnapshot, history, "client health")


def _project_health(loader: Loader) -> None:
    """Every project's stored health for the days the members are in, as the hourly job
    computes it (the portfolio reads it)."""
    from rapport.reports import health_store

    projects = Project.objects.filter(organisation=loader.organisation)
    for day in sorted(health_store.readers_days(loader.organisation)):
        health_store.ensure_fresh(projects, as_of=day)


def _logins(loader: Loader, sites: list[Site]) -> list[tuple[str, str]]:
    first = {role: users[0] for role, users in loader.members.items()}
    logins = [(first[role].email, str(Role(role).label)) for role in loader.members]
    zh = next((site for site in sites if site.language == "zh-hans"), None)
    en = next((site for site in sites if site.language == "en"), None)
    for site in (en, zh):
        if site is not None:
            logins.append((site.approver.email, f"client portal · {site.client.name}"))
    return logins


@contextmanager
def _fast_writes() -> Iterator[None]:
    """On SQLite, no fsync while loading (a crash would lose the load, not corrupt it) and a
    larger page cache; the usual settings come back afterwards. Not inside a caller's
    transaction (a test's), where SQLite refuses the change."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-262144")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA cache_size=-2000")
