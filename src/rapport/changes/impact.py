"""What a change request would do to the baseline: the proposal shown beside the current
baseline, and the cumulative effect of a project's approved changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum

from rapport.changes.models import ChangeRequest, State
from rapport.projects.models import Milestone, Project

ZERO = Decimal("0")
CENT = Decimal("0.01")
APPROVED_STATES = (State.APPROVED, State.IMPLEMENTED)


@dataclass(frozen=True)
class MilestoneMove:
    milestone: Milestone
    old: date
    new: date


@dataclass(frozen=True)
class Proposal:
    current_end: date
    new_end: date
    current_budget: Decimal
    new_budget: Decimal
    cost: Decimal
    moves: list[MilestoneMove]
    costs_by_category: dict[str, Decimal]


def moved_milestones(change_request: ChangeRequest) -> list[MilestoneMove]:
    """The affected milestones and every later one move by the schedule impact; with no
    milestone named, only the end date moves."""
    days = change_request.schedule_days
    if not days:
        return []
    affected = list(change_request.milestones.all())
    if not affected:
        return []
    first = min(m.baseline_date for m in affected)
    later = change_request.project.milestones.filter(baseline_date__gte=first).order_by(
        "baseline_date", "id"
    )
    return [
        MilestoneMove(m, m.baseline_date, m.baseline_date + timedelta(days=days)) for m in later
    ]


def proposal(change_request: ChangeRequest) -> Proposal:
    project = change_request.project
    costs = {c.category: c.amount for c in change_request.cost_impacts.all()}
    cost = sum(costs.values(), ZERO)
    budget = (project.budget_lines.aggregate(total=Sum("amount"))["total"] or ZERO).quantize(CENT)
    return Proposal(
        current_end=project.end_date,
        new_end=project.end_date + timedelta(days=change_request.schedule_days),
        current_budget=budget,
        new_budget=budget + cost,
        cost=cost,
        moves=moved_milestones(change_request),
        costs_by_category=costs,
    )


@dataclass(frozen=True)
class ChangeLog:
    change_requests: list[ChangeRequest]
    approved_days: int
    approved_cost: Decimal
    # (decision date, cumulative days, cumulative cost) for the chart
    cumulative: list[tuple[date, int, Decimal]]


def change_log(project: Project) -> ChangeLog:
    requests = list(
        project.change_requests.prefetch_related("cost_impacts", "decisions").order_by("number")
    )
    approved = []
    for change_request in requests:
        if change_request.state not in APPROVED_STATES:
            continue
        decided = next(
            (d.decided_at.date() for d in change_request.decisions.all() if d.kind == "approve"),
            change_request.updated_at.date(),
        )
        cost = sum((c.amount for c in change_request.cost_impacts.all()), ZERO)
        approved.append((decided, change_request.schedule_days, cost))
    approved.sort(key=lambda row: row[0])
    days, money, cumulative = 0, ZERO, []
    for decided, added_days, cost in approved:
        days += added_days
        money += cost
        cumulative.append((decided, days, money))
    return ChangeLog(requests, days, money, cumulative)
