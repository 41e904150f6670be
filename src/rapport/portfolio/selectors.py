"""The portfolio's rows: every project the actor may see (``projects_visible_to``), each with
its computed health, schedule slip, budget burn, last report, open change requests and last
client contact, read for all projects at once in a fixed number of queries.

Health is computed by the same rules as a status report (``reports.health.assess`` over
``reports.data.health_data``), from the same progress arithmetic (``projects.progress``).
Health, slip and burn are computed values, so filtering by health and sorting happen in
Python over the rows; the number of queries never depends on the number of projects."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Max, QuerySet, Sum
from django.utils import timezone

from rapport.changes.impact import APPROVED_STATES
from rapport.changes.models import OPEN_STATES, ChangeRequest, CostImpact
from rapport.changes.models import State as ChangeState
from rapport.clients.health_selectors import latest_scores
from rapport.communication.models import Interaction
from rapport.feedback.models import Feedback
from rapport.messaging.models import Thread
from rapport.projects import progress
from rapport.projects.models import (
    BudgetLine,
    CostEntry,
    Milestone,
    Project,
    ProjectMember,
    TimeEntry,
)
from rapport.projects.selectors import projects_visible_to
from rapport.reports import health
from rapport.reports.data import feedback_since, health_data
from rapport.reports.models import StatusReport
from rapport.risks.models import Issue, Risk
from rapport.tenancy.actors import Actor

# Waiting on someone: submitted and not yet decided (a draft has not been raised yet).
PENDING_CHANGE_STATES = tuple(sorted(OPEN_STATES - {ChangeState.DRAFT}))


@dataclass
class PortfolioRow:
    project: Project
    health: dict[str, Any]  # reports.health.assess: {"dimensions": {...}, "overall": colour}
    baseline_end: date
    forecast_end: date
    burn_percent: int | None  # None: no budget, or the reader may not see this project's money
    sees_financials: bool
    last_report: datetime | None
    open_changes: int
    last_contact: datetime | None
    client_health: int | None = None  # the client's latest health score, None if not scored

    @property
    def overall(self) -> str:
        return str(self.health["overall"])

    @property
    def slip_days(self) -> int:
        """Forecast end minus baseline end; zero when on time or early."""
        return (self.forecast_end - self.baseline_end).days

    def colour(self, dimension: str) -> str:
        return str(self.health["dimensions"][dimension]["colour"])

    @property
    def dimension_colours(self) -> list[str]:
        """Each dimension's colour, in the order of the portfolio's columns."""
        return [self.colour(name) for name in health.DIMENSION_LABELS]


def _grouped(rows: Iterable[Any], key: str = "project_id") -> dict[int, list[Any]]:
    groups: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        groups[row[key] if isinstance(row, dict) else getattr(row, key)].append(row)
    return groups


def _progress(
    projects: QuerySet[Project], by_id: dict[int, Project], today: date
) -> dict[int, progress.Progress]:
    """Each project's progress, from four queries over all of them."""
    milestones = _grouped(
        Milestone.objects.filter(project__in=projects).order_by("baseline_date", "id")
    )
    budgets: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for line in (
        BudgetLine.objects.filter(project__in=projects)
        .values("project_id", "category")
        .annotate(total=Sum("amount"))
    ):
        budgets[line["project_id"]][line["category"]] = line["total"]
    costs = _grouped(
        CostEntry.objects.filter(project__in=projects)
        .values("project_id", "category", "date")
        .annotate(total=Sum("amount"))
    )
    labour = _grouped(
        TimeEntry.objects.filter(project__in=projects)
        .values("project_id", "date")
        .annotate(total=Sum(progress.labour_cost()))
    )
    return {
        pk: progress.assemble(
            project,
            milestones=milestones.get(pk, []),
            budget=budgets.get(pk, {}),
            costs=[(c["category"], c["date"], c["total"]) for c in costs.get(pk, [])],
            labour=[(t["date"], t["total"]) for t in labour.get(pk, [])],
            as_of=today,
        )
        for pk, project in by_id.items()
    }


def _changes(
    projects: QuerySet[Project],
) -> tuple[dict[int, list[str]], dict[int, int], dict[int, Decimal]]:
    """Pending references, approved days and approved cost per project: three queries."""
    pending: dict[int, list[str]] = defaultdict(list)
    for change_request in (
        ChangeRequest.objects.filter(project__in=projects, state__in=PENDING_CHANGE_STATES)
        .only("project_id", "number")
        .order_by("number")
    ):
        pending[change_request.project_id].append(change_request.reference)
    approved = ChangeRequest.objects.filter(project__in=projects, state__in=APPROVED_STATES)
    days = {
        row["project_id"]: row["days"] or 0
        for row in approved.values("project_id").annotate(days=Sum("schedule_days"))
    }
    cost = {
        row["change_request__project_id"]: row["total"]
        for row in CostImpact.objects.filter(change_request__in=approved)
        .values("change_request__project_id")
        .annotate(total=Sum("amount"))
    }
    return pending, days, cost


def _latest(rows: QuerySet[Any], field: str) -> dict[int, datetime]:
    return {
        row["project_id"]: row["latest"]
        for row in rows.values("project_id").annotate(latest=Max(field))
        if row["latest"] is not None
    }


def last_client_contact(projects: QuerySet[Project]) -> dict[int, datetime]:
    """The most recent exchange with the client about a project: the later of the last
    touchpoint logged on it (a call, meeting, email… as it happened, either direction) and
    the last message in its portal threads. Both are real two-way contact; a published report
    or a survey sent is not, so neither counts. Two queries."""
    now = timezone.now()
    latest = _latest(
        Interaction.objects.filter(project__in=projects, occurred_at__lte=now), "occurred_at"
    )
    for pk, when in _latest(Thread.objects.filter(project__in=projects), "last_message_at").items():
        latest[pk] = max(latest.get(pk, when), when)
    return latest


def _financial_project_ids(
    actor: Actor, projects: QuerySet[Project], project_list: list[Project]
) -> set[int]:
    """Projects whose money the actor may see (``projects.permissions.can_view_financials``
    for many projects in one query): admins all, a PM their own, a member where granted."""
    if actor.is_admin:
        return {p.pk for p in project_list}
    user_id = actor.user.pk if actor.user else 0
    granted = set(
        ProjectMember.objects.filter(
            project__in=projects, user_id=user_id, can_see_financials=True
        ).values_list("project_id", flat=True)
    )
    own = {p.pk for p in project_list if actor.is_manager and p.pm_id == user_id}
    return own | granted


def portfolio_projects(
    *, actor: Actor, client_id: int | None = None, pm_id: int | None = None, status: str = ""
) -> QuerySet[Project]:
    projects = projects_visible_to(actor)
    if client_id is not None:
        projects = projects.filter(client_id=client_id)
    if pm_id is not None:
        projects = projects.filter(pm_id=pm_id)
    if status:
        projects = projects.filter(status=status)
    return projects


def portfolio_rows(
    *, actor: Actor, projects: QuerySet[Project], as_of: date | None = None
) -> list[PortfolioRow]:
    """One row per project, ordered by code; fifteen queries, however many projects."""
    today = as_of or timezone.localdate()
    project_list = list(projects.select_related("client", "pm").order_by("code", "pk"))
    by_id = {p.pk: p for p in project_list}
    computed = _progress(projects, by_id, today)
    pending, approved_days, approved_cost = _changes(projects)
    risks = _grouped(
        Risk.objects.filter(
            project__in=projects, status__in=(Risk.Status.OPEN, Risk.Status.MITIGATING)
        ).order_by("-score", "number")
    )
    issues = _grouped(
        Issue.objects.filter(project__in=projects)
        .exclude(status=Issue.Status.RESOLVED)
        .order_by("number")
    )
    feedback = _grouped(
        Feedback.objects.filter(
            project__in=projects, received_on__gt=feedback_since(today), received_on__lte=today
        ).order_by("received_on", "pk")
    )
    reports = _latest(StatusReport.objects.filter(project__in=projects), "published_at")
    contact = last_client_contact(projects)
    client_health = latest_scores(p.client_id for p in project_list)
    money = _financial_project_ids(actor, projects, project_list)
    overrides = actor.organisation.health_thresholds if actor.organisation else None
    rows = []
    for project in project_list:
        pk = project.pk
        facts = health_data(
            project,
            computed[pk],
            pending_changes=pending.get(pk, []),
            approved_change_days=approved_days.get(pk, 0),
            approved_change_cost=approved_cost.get(pk) or Decimal("0"),
            open_risks=risks.get(pk, []),
            open_issues=issues.get(pk, []),
            feedback=feedback.get(pk, []),
        )
        rows.append(
            PortfolioRow(
                project=project,
                health=health.assess(facts, overrides),
                baseline_end=computed[pk].baseline_end,
                forecast_end=computed[pk].forecast_end,
                burn_percent=computed[pk].burn_percent if pk in money else None,
                sees_financials=pk in money,
                last_report=reports.get(pk),
                open_changes=len(pending.get(pk, [])),
                last_contact=contact.get(pk),
                client_health=client_health.get(project.client_id),
            )
        )
    return rows
