"""Each project's agreed work and how it went: objectives, milestones with deliverables and
budget lines, the signed baseline versions, change requests in every state, and actuals."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal

from rapport.changes.models import ChangeRequest, CostImpact, Decision, Priority, Recommendation
from rapport.changes.models import State as ChangeState
from rapport.core.scale import texts
from rapport.core.scale.base import Audit, Loader, Site, days_between
from rapport.core.scale.plan import spread_weighted
from rapport.projects.baseline import build_snapshot, client_projection, fingerprint
from rapport.projects.models import (
    BaselineVersion,
    BudgetLine,
    CostEntry,
    Deliverable,
    Milestone,
    Objective,
    Project,
    TimeEntry,
)

DECIDED = [
    (ChangeState.IMPLEMENTED, 40),
    (ChangeState.APPROVED, 15),
    (ChangeState.REJECTED, 15),
    (ChangeState.WITHDRAWN, 5),
]
PENDING = [
    (ChangeState.DRAFT, 10),
    (ChangeState.SUBMITTED, 15),
    (ChangeState.UNDER_EVALUATION, 20),
    (ChangeState.INTERNAL_APPROVAL, 10),
    (ChangeState.AWAITING_APPROVAL, 25),
    (ChangeState.NEEDS_INFORMATION, 10),
    (ChangeState.APPROVED, 10),
]
CLIENT_DECISION: dict[str, str] = {
    ChangeState.APPROVED: Decision.Kind.APPROVE,
    ChangeState.IMPLEMENTED: Decision.Kind.APPROVE,
    ChangeState.REJECTED: Decision.Kind.REJECT,
    ChangeState.NEEDS_INFORMATION: Decision.Kind.NEEDS_INFORMATION,
}
EVALUATED = frozenset(ChangeState) - {ChangeState.DRAFT, ChangeState.SUBMITTED}


def _pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    states, weights = zip(*weighted, strict=True)
    return str(rng.choices(states, weights)[0])


def baselines_create(loader: Loader, sites: list[Site], milestones: list[int]) -> list[Audit]:
    """Objectives, milestones (the past ones mostly done, some late and overdue) each with a
    deliverable, budget lines; version 1 signed by the client's approver on running projects,
    a new version awaiting sign-off on some."""
    today = loader.today
    objectives, rows, budget = [], [], []
    for site, count in zip(sites, milestones, strict=True):
        rng = loader.rng("baseline", site.index)
        project, language = site.project, site.language
        names = texts.MILESTONES[language]
        objectives.append(
            Objective(
                project=project,
                statement=names[-2] + (" — 按期上线" if language == texts.ZH else " on time"),
                metric="%",
                target_value=Decimal("100"),
                unit="%",
                due_date=project.end_date,
                relevance=texts.CHANGES[language][0][1],
                achievability=texts.TOUCHPOINTS[language][0],
                owner=site.pm,
                current_value=Decimal(rng.randrange(20, 100)),
            )
        )
        for i, planned in enumerate(days_between(project.start_date, project.end_date, count)):
            done = forecast = None
            if planned <= today:
                if rng.random() < 0.85:
                    done = min(planned + timedelta(days=rng.randint(-4, 9)), today)
                else:  # overdue: late and not done yet
                    forecast = today + timedelta(days=rng.randint(3, 40))
            elif planned <= today + timedelta(days=60) and rng.random() < 0.25:
                forecast = planned + timedelta(days=rng.randint(3, 30))
            rows.append(
                Milestone(
                    project=project,
                    name=f"{names[i % len(names)]}"
                    + (f" {i // len(names) + 1}" if i >= len(names) else ""),
                    baseline_date=planned,
                    forecast_date=forecast,
                    done_date=done,
                    client_visible=i % 7 != 5,
                    weight=Decimal(rng.choice(["1", "1", "1", "2"])),
                )
            )
        for category, share in (("labour", 80), ("licences", 12), ("travel", 8)):
            budget.append(
                BudgetLine(
                    project=project,
                    category=category,
                    description=category,
                    amount=Decimal(rng.randrange(100, 400)) * 5 * share,
                )
            )
    loader.insert(Objective, objectives, "baselines")
    loader.insert(Milestone, rows, "milestones")
    loader.insert(BudgetLine, budget, "baselines")
    deliverables = []
    for milestone in rows:
        status = Deliverable.Status.OPEN
        if milestone.done_date:
            recent = milestone.done_date >= today - timedelta(days=14)
            status = Deliverable.Status.SUBMITTED if recent else Deliverable.Status.ACCEPTED
        deliverables.append(
            Deliverable(
                project_id=milestone.project_id,
                milestone=milestone,
                name=milestone.name,
                acceptance_criteria=texts.LESSONS[texts.EN][0][4],
                status=status,
                submitted_at=loader.now if status != Deliverable.Status.OPEN else None,
            )
        )
    loader.insert(Deliverable, deliverables, "baselines")
    return _versions(loader, sites)


def _versions(loader: Loader, sites: list[Site]) -> list[Audit]:
    versions, audits = [], []
    content_type = loader.content_type(BaselineVersion)
    for site in sites:
        rng = loader.rng("version", site.index)
        project = site.project
        if not site.running and rng.random() < 0.5:
            continue  # a proposal still being planned
        snapshot = build_snapshot(project)
        shown = client_projection(snapshot)
        submitted = loader.moment(site.first_day, rng)
        signed = site.running
        numbers = [1, 2] if signed and rng.random() < 0.12 else [1]
        for number in numbers:
            awaiting = number == 2 or not signed
            version = BaselineVersion(
                project=project,
                number=number,
                status=BaselineVersion.Status.SUBMITTED
                if awaiting
                else BaselineVersion.Status.SIGNED,
                reason="" if number == 1 else texts.CHANGES[site.language][4][1],
                snapshot=snapshot,
                client_snapshot=shown,
                client_snapshot_sha256=fingerprint(shown),
                submitted_by=site.pm,
                submitted_at=submitted if number == 1 else loader.now - timedelta(days=2),
                decided_by=None if awaiting else site.approver,
                decided_at=None if awaiting else submitted + timedelta(days=2),
            )
            versions.append(version)
    loader.insert(BaselineVersion, versions, "baselines")
    for version in versions:
        audits.append(
            Audit(
                content_type,
                version.pk,
                f"{version.project.code} v{version.number}",
                "submitted",
                version.submitted_at,
                {"status": [None, "submitted"]},
            )
        )
        if version.decided_at:
            audits.append(
                Audit(
                    content_type,
                    version.pk,
                    f"{version.project.code} v{version.number}",
                    "signed",
                    version.decided_at,
                    {"status": ["submitted", "signed"]},
                    contact=version.decided_by,
                )
            )
    return audits


def changes_create(loader: Loader, sites: list[Site], counts: list[int]) -> list[Audit]:
    """Change requests over each project's life: the old ones decided, the recent ones at
    every step of the flow; costs and the client's decisions with them."""
    requests: list[ChangeRequest] = []
    for site, count in zip(sites, counts, strict=True):
        rng = loader.rng("changes", site.index)
        closed = site.project.status in (Project.Status.CLOSED, Project.Status.CANCELLED)
        pool = texts.CHANGES[site.language]
        for number, day in enumerate(days_between(site.first_day, site.last_day, count), 1):
            recent = (loader.today - day).days < 60
            state = _pick(rng, PENDING if recent and not closed else DECIDED)
            title, description = pool[(number + site.index) % len(pool)]
            by_client = rng.random() < 0.6
            at = loader.moment(day, rng)
            requests.append(
                ChangeRequest(
                    project=site.project,
                    number=number,
                    title=title,
                    description=description,
                    reason=description,
                    priority=rng.choice(list(Priority)),
                    state=state,
                    requested_by_contact=site.approver if by_client else None,
                    requested_by_user=None if by_client else site.pm,
                    schedule_days=rng.choice([0, 0, 3, 5, 10, 20]),
                    recommendation=rng.choice(list(Recommendation)) if state in EVALUATED else "",
                    evaluated_by=site.pm if state in EVALUATED else None,
                    created_at=at,
                    updated_at=at + timedelta(days=rng.randint(0, 20)),
                )
            )
    loader.insert(ChangeRequest, requests, "change requests")
    impacts, decisions, audits = [], [], []
    content_type = loader.content_type(ChangeRequest)
    index = {site.project.pk: site.index for site in sites}
    streams: dict[int, random.Random] = {}
    for request in requests:
        rng = streams.get(request.project_id) or streams.setdefault(
            request.project_id, loader.rng("change costs", index[request.project_id])
        )
        label = f"CR-{request.number:03d} · {request.title}"
        audits.append(
            Audit(
                content_type,
                request.pk,
                label,
                "created",
                request.created_at,
                {"title": [None, request.title]},
            )
        )
        if request.state in EVALUATED:
            amount = Decimal(rng.randrange(5, 400)) * 100
            impacts.append(CostImpact(change_request=request, category="labour", amount=amount))
            if rng.random() < 0.3:
                impacts.append(
                    CostImpact(
                        change_request=request,
                        category="licences",
                        amount=Decimal(rng.randrange(1, 50)) * 100,
                    )
                )
            audits.append(
                Audit(
                    content_type,
                    request.pk,
                    label,
                    "evaluated",
                    request.updated_at,
                    {"state": ["under_evaluation", request.state]},
                )
            )
        kind = CLIENT_DECISION.get(request.state)
        if kind is not None:
            contact = request.requested_by_contact or None
            decisions.append(
                Decision(
                    change_request=request,
                    kind=kind,
                    contact=contact,
                    user=None if contact else request.project.pm,
                    comment="",
                    snapshot={"schedule_days": request.schedule_days, "title": request.title},
                    decided_at=request.updated_at,
                )
            )
    loader.insert(CostImpact, impacts, "change requests")
    loader.insert(Decision, decisions, "change requests")
    return audits


def actuals_create(loader: Loader, sites: list[Site]) -> None:
    """Monthly hours of the PM and a member, and a few costs; some projects spend ahead."""
    hours, costs = [], []
    for site in sites:
        if not site.running:
            continue
        rng = loader.rng("actuals", site.index)
        rate = Decimal(rng.choice(["75.00", "95.00", "120.00", "480.00"]))
        for day in range(0, site.span, 30):
            for person in (site.pm, site.members[0]):
                hours.append(
                    TimeEntry(
                        project=site.project,
                        person=person,
                        date=site.first_day + timedelta(days=day),
                        hours=Decimal(rng.choice(["8", "16", "24"])),
                        rate=rate,
                    )
                )
        for _ in range(3):
            costs.append(
                CostEntry(
                    project=site.project,
                    category=rng.choice(["licences", "travel"]),
                    date=site.first_day + timedelta(days=rng.randrange(site.span)),
                    amount=Decimal(rng.randrange(100, 6_000, 10)),
                    description="Invoice",
                )
            )
    loader.insert(TimeEntry, hours, "actuals")
    loader.insert(CostEntry, costs, "actuals")


def weights(sites: list[Site]) -> list[float]:
    """How much of the activity a project had: its days running (none for a proposal)."""
    return [float(site.span) if site.running else 0.0 for site in sites]


__all__ = ["actuals_create", "baselines_create", "changes_create", "spread_weighted", "weights"]
