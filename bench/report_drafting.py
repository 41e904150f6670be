"""Drafting status reports at scale: an organisation with ``size`` projects (1,000 by default),
each with a signed baseline (objectives, milestones with deliverables, budget lines), actuals
(costs and weekly hours) and change requests in every state, built in bulk; then one status
report drafted per project through ``reports.services.report_draft``, each timed and its
queries counted."""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench import Result
from rapport.changes.models import ChangeRequest, CostImpact, Decision
from rapport.changes.models import State as ChangeState
from rapport.clients.models import Client, Contact
from rapport.projects.baseline import build_snapshot, client_projection, fingerprint
from rapport.projects.models import (
    BaselineVersion,
    BudgetLine,
    CostEntry,
    Deliverable,
    Milestone,
    Objective,
    Project,
    ProjectMember,
    TimeEntry,
)
from rapport.reports import services as reports
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import Membership, Organisation, Role, User

DEFAULT_SIZE = 1000
PROJECTS_PER_CLIENT = 10
BATCH = 2000

WORK = [
    "Customer portal relaunch",
    "Warehouse app pilot",
    "Fleet tracking dashboard",
    "Returns process automation",
    "患者预约系统",
    "检验报告在线查询",
    "Data platform migration",
    "Field service scheduling",
]
STAGES = ["Discovery", "Design approved", "Beta release", "Pilot", "Load test", "Go-live"]
BUDGET = [("labour", "Design and build"), ("licences", "Tools and hosting"), ("travel", "Visits")]
# A change request's state and the client's decision that led there, if any.
CHANGES: list[tuple[str, str | None]] = [
    (ChangeState.SUBMITTED, None),
    (ChangeState.UNDER_EVALUATION, None),
    (ChangeState.AWAITING_APPROVAL, None),
    (ChangeState.APPROVED, Decision.Kind.APPROVE),
    (ChangeState.IMPLEMENTED, Decision.Kind.APPROVE),
    (ChangeState.REJECTED, Decision.Kind.REJECT),
]


def _people(organisation: Organisation) -> tuple[User, User]:
    pm = User(email=f"pm@{organisation.slug}.example", full_name="Bench PM")
    member = User(email=f"member@{organisation.slug}.example", full_name="Bench Member")
    for user in (pm, member):
        user.set_unusable_password()
    User.objects.bulk_create([pm, member])
    Membership.objects.bulk_create(
        [
            Membership(organisation=organisation, user=pm, role=Role.PM),
            Membership(organisation=organisation, user=member, role=Role.MEMBER),
        ]
    )
    return pm, member


def _projects(organisation: Organisation, pm: User, size: int, rng: random.Random) -> list[Project]:
    today = timezone.localdate()
    clients = Client.objects.bulk_create(
        Client(organisation=organisation, name=f"Client {n:04d}", language="en")
        for n in range(max(size // PROJECTS_PER_CLIENT, 1))
    )
    Contact.objects.bulk_create(
        Contact(
            organisation=organisation,
            client=client,
            full_name=f"Contact of {client.name}",
            email=f"contact{client.pk}@client.example",
            is_approver=True,
        )
        for client in clients
    )
    now = timezone.now()
    projects = []
    for n in range(size):
        start = today - timedelta(days=rng.randint(30, 300))
        projects.append(
            Project(
                organisation=organisation,
                client=clients[n % len(clients)],
                name=f"{WORK[n % len(WORK)]} {n:04d}",
                code=f"B-{n:05d}",
                pm=pm,
                start_date=start,
                end_date=start + timedelta(days=rng.randint(120, 420)),
                status=Project.Status.ACTIVE,
                currency="EUR" if n % 3 else "CNY",
                published_at=now,
                published_by=pm,
            )
        )
    return Project.objects.bulk_create(projects, batch_size=BATCH)


def _baselines(projects: list[Project], pm: User, rng: random.Random) -> None:
    """Objectives, milestones (the passed ones mostly done, some late) with a deliverable
    each, budget lines, and version 1 signed by the client."""
    today = timezone.localdate()
    objectives, milestones, budget_lines = [], [], []
    for project in projects:
        duration = (project.end_date - project.start_date).days
        objectives.append(
            Objective(
                project=project,
                statement=f"Deliver {project.name} to the agreed acceptance criteria",
                metric="acceptance criteria met",
                target_value=Decimal("100"),
                unit="%",
                due_date=project.end_date,
                relevance="The client's operations depend on it",
                achievability="A proven team and an agreed plan",
                owner=pm,
            )
        )
        count = rng.randint(4, 6)
        for i in range(count):
            planned = project.start_date + timedelta(days=duration * (i + 1) // (count + 1))
            done = forecast = None
            if planned <= today and rng.random() < 0.8:
                done = min(planned + timedelta(days=rng.randint(-3, 6)), today)
            elif planned <= today + timedelta(days=30) and rng.random() < 0.3:
                forecast = planned + timedelta(days=rng.randint(3, 30))
            milestones.append(
                Milestone(
                    project=project,
                    name=STAGES[i % len(STAGES)],
                    baseline_date=planned,
                    done_date=done,
                    forecast_date=forecast,
                    client_visible=i != count - 2,
                    weight=Decimal(rng.choice(["1", "1", "2"])),
                )
            )
        for category, description in BUDGET:
            budget_lines.append(
                BudgetLine(
                    project=project,
                    category=category,
                    description=description,
                    amount=Decimal(rng.randrange(2_000, 80_000, 500)),
                )
            )
    Objective.objects.bulk_create(objectives, batch_size=BATCH)
    Milestone.objects.bulk_create(milestones, batch_size=BATCH)
    BudgetLine.objects.bulk_create(budget_lines, batch_size=BATCH)
    Deliverable.objects.bulk_create(
        (
            Deliverable(
                project_id=milestone.project_id,
                milestone=milestone,
                name=f"{milestone.name} deliverable",
                acceptance_criteria="Reviewed and accepted by the client",
                status=Deliverable.Status.ACCEPTED
                if milestone.done_date
                else Deliverable.Status.OPEN,
            )
            for milestone in milestones
        ),
        batch_size=BATCH,
    )
    contacts = dict(
        Contact.objects.filter(organisation_id=projects[0].organisation_id).values_list(
            "client_id", "pk"
        )
    )
    now = timezone.now()
    versions = []
    for project in projects:
        snapshot = build_snapshot(project)
        shown = client_projection(snapshot)
        versions.append(
            BaselineVersion(
                project=project,
                number=1,
                status=BaselineVersion.Status.SIGNED,
                snapshot=snapshot,
                client_snapshot=shown,
                client_snapshot_sha256=fingerprint(shown),
                submitted_by=pm,
                decided_by_id=contacts[project.client_id],
                decided_at=now,
            )
        )
    BaselineVersion.objects.bulk_create(versions, batch_size=BATCH)


def _actuals(projects: list[Project], people: list[User], rng: random.Random) -> None:
    """A few costs and weekly hours by two people, from the start until yesterday; some
    projects spend ahead of plan."""
    today = timezone.localdate()
    costs, hours = [], []
    for project in projects:
        elapsed = max((today - project.start_date).days, 1)
        for _ in range(rng.randint(2, 5)):
            costs.append(
                CostEntry(
                    project=project,
                    category=rng.choice(["licences", "travel"]),
                    date=project.start_date + timedelta(days=rng.randrange(elapsed)),
                    amount=Decimal(rng.randrange(100, 6_000, 10)),
                    description="Invoice",
                )
            )
        rate = Decimal(rng.choice(["75.00", "95.00", "120.00"]))
        for day in range(1, elapsed, 7):
            for person in people:
                hours.append(
                    TimeEntry(
                        project=project,
                        person=person,
                        date=project.start_date + timedelta(days=day),
                        hours=Decimal(rng.choice(["4", "7.5", "8", "12"])),
                        rate=rate,
                    )
                )
    CostEntry.objects.bulk_create(costs, batch_size=BATCH)
    TimeEntry.objects.bulk_create(hours, batch_size=BATCH)


def _changes(projects: list[Project], pm: User, rng: random.Random) -> None:
    """Zero to five change requests per project in every state: pending ones, approved and
    implemented ones with their costs and the client's decision, rejected ones."""
    contacts = dict(
        Contact.objects.filter(organisation_id=projects[0].organisation_id).values_list(
            "client_id", "pk"
        )
    )
    requests = []
    for project in projects:
        for number in range(1, rng.randint(0, 5) + 1):
            state = rng.choice(CHANGES)[0]
            requests.append(
                ChangeRequest(
                    project=project,
                    number=number,
                    title=f"Change {number} to {project.code}",
                    description="The client asks for more.",
                    reason="A new regulation",
                    state=state,
                    requested_by_contact_id=contacts[project.client_id],
                    schedule_days=rng.randint(0, 20),
                    recommendation="approve",
                    evaluated_by=pm,
                )
            )
    ChangeRequest.objects.bulk_create(requests, batch_size=BATCH)
    kinds: dict[str, str | None] = dict(CHANGES)
    CostImpact.objects.bulk_create(
        (
            CostImpact(
                change_request=request,
                category="labour",
                amount=Decimal(rng.randrange(500, 12_000, 100)),
            )
            for request in requests
            if request.state != ChangeState.SUBMITTED
        ),
        batch_size=BATCH,
    )
    Decision.objects.bulk_create(
        (
            Decision(
                change_request=request,
                kind=kind,
                contact_id=request.requested_by_contact_id,
                snapshot={"schedule_days": request.schedule_days},
            )
            for request in requests
            if (kind := kinds[request.state]) is not None
        ),
        batch_size=BATCH,
    )


@transaction.atomic
def build(size: int, *, seed: int = 2026) -> tuple[Actor, list[Project]]:
    """The organisation, its PM (who drafts every report) and ``size`` projects."""
    rng = random.Random(seed)
    organisation = Organisation.objects.create(
        name="Bench Delivery", slug=f"bench-{Organisation.objects.count() + 1}"
    )
    pm, member = _people(organisation)
    projects = _projects(organisation, pm, size, rng)
    ProjectMember.objects.bulk_create(
        (ProjectMember(project=project, user=member) for project in projects), batch_size=BATCH
    )
    _baselines(projects, pm, rng)
    _actuals(projects, [pm, member], rng)
    _changes(projects, pm, rng)
    return Actor.member(pm, organisation, Role.PM), projects


def draft_all(actor: Actor, projects: list[Project]) -> tuple[list[float], list[int], Counter[str]]:
    """One report per project for the last seven days, as the PM drafts it: seconds and
    queries of each, and how many came out green, amber or red."""
    today = timezone.localdate()
    durations, queries, health = [], [], Counter[str]()
    for project in projects:
        connection.queries_log.clear()  # the log keeps 9,000 queries; a capture needs room
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            report = reports.report_draft(
                actor=actor,
                project=project,
                period_start=today - timedelta(days=6),
                period_end=today,
            )
            durations.append(time.perf_counter() - started)
        queries.append(len(captured.captured_queries))
        health[report.overall_health] += 1
    return durations, queries, health


def run(*, size: int | None = None) -> Result:
    size = size or DEFAULT_SIZE
    started = time.perf_counter()
    actor, projects = build(size)
    setup = time.perf_counter() - started
    durations, queries, health = draft_all(actor, projects)
    return Result(
        name="report_drafting",
        operation="reports.services.report_draft",
        durations=durations,
        queries=queries,
        setup_seconds=setup,
        parameters={
            "projects": size,
            "period_days": 7,
            "as_of": timezone.localdate().isoformat(),
        },
        observations={"overall_health": dict(sorted(health.items()))},
    )
