"""What a status report says about its period, read from the project's data in a fixed number
of queries: the progress computation (milestones, budget, actuals), the change log, and the
action items of client meetings that are overdue."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from rapport.changes import impact
from rapport.changes.models import OPEN_STATES, Decision
from rapport.changes.models import State as ChangeState
from rapport.feedback.models import Feedback
from rapport.meetings.models import ActionItem
from rapport.projects import progress
from rapport.projects.models import Project
from rapport.reports.health import (
    SATISFACTION_WINDOW_DAYS,
    FeedbackFact,
    HealthData,
    IssueFact,
    MilestoneFact,
    RiskFact,
)
from rapport.risks.models import Issue, Risk

UPCOMING = 5
CLIENT_DECISIONS = (Decision.Kind.APPROVE, Decision.Kind.REJECT)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))


def _risks_and_issues(
    project: Project, period_start: date, period_end: date
) -> tuple[list[Risk], list[Issue], list[Issue]]:
    """The open risks (highest score first), the open issues and those resolved in the period:
    two queries, however many there are."""
    risks = list(
        Risk.objects.filter(project=project, status__in=(Risk.Status.OPEN, Risk.Status.MITIGATING))
        .select_related("owner")
        .order_by("-score", "number")
    )
    issues = list(
        Issue.objects.filter(project=project)
        .exclude(status=Issue.Status.RESOLVED, resolved_at__date__lt=period_start)
        .exclude(status=Issue.Status.RESOLVED, resolved_at__date__gt=period_end)
        .select_related("owner")
        .order_by("number")
    )
    return (
        risks,
        [issue for issue in issues if issue.is_open],
        [issue for issue in issues if not issue.is_open],
    )


def _affects(issue: Issue) -> list[str]:
    return [
        what
        for what, flag in (
            ("schedule", issue.affects_schedule),
            ("budget", issue.affects_budget),
            ("quality", issue.affects_quality),
        )
        if flag
    ]


def gather(
    project: Project, *, period_start: date, period_end: date, as_of: date | None = None
) -> tuple[dict[str, Any], HealthData]:
    """The report's data snapshot (JSON-ready; money as decimal strings) and the facts the
    health rules read."""
    today = as_of or timezone.localdate()
    computed = progress.compute(project, as_of=today)
    log = impact.change_log(project)

    def milestone(row: progress.MilestoneRow) -> dict[str, Any]:
        m = row.milestone
        return {
            "name": m.name,
            "baseline_date": m.baseline_date.isoformat(),
            "forecast_date": m.forecast_date.isoformat() if m.forecast_date else None,
            "done_date": m.done_date.isoformat() if m.done_date else None,
            "slip_days": row.slip_days,
            "client_visible": m.client_visible,
        }

    reached = [
        milestone(row)
        for row in computed.milestones
        if row.milestone.done_date and period_start <= row.milestone.done_date <= period_end
    ]
    missed = [
        milestone(row)
        for row in computed.milestones
        if period_start <= row.milestone.baseline_date <= period_end
        and (
            row.milestone.done_date is None or row.milestone.done_date > row.milestone.baseline_date
        )
    ]
    upcoming = [
        milestone(row)
        for row in sorted(computed.milestones, key=lambda r: r.milestone.expected_date)
        if row.milestone.done_date is None and row.milestone.expected_date > period_end
    ][:UPCOMING]

    decided, pending = [], []
    for change_request in log.change_requests:
        if change_request.state in OPEN_STATES and change_request.state != ChangeState.DRAFT:
            pending.append(
                {
                    "reference": change_request.reference,
                    "title": change_request.title,
                    "state": change_request.state,
                }
            )
        for decision in change_request.decisions.all():
            day = timezone.localdate(decision.decided_at)
            if decision.kind in CLIENT_DECISIONS and period_start <= day <= period_end:
                decided.append(
                    {
                        "reference": change_request.reference,
                        "title": change_request.title,
                        "decision": decision.kind,
                        "date": day.isoformat(),
                        "schedule_days": change_request.schedule_days,
                        "cost": _money(
                            sum(
                                (c.amount for c in change_request.cost_impacts.all()),
                                Decimal("0"),
                            )
                        ),
                    }
                )

    overdue_actions = [
        {
            "what": item.what,
            "owner": str(item.owner),
            "client": item.owner_contact_id is not None,
            "due_date": item.due_date.isoformat(),
            "overdue_days": item.overdue_days(today),
            "meeting": item.meeting.reference if item.meeting else None,
        }
        for item in ActionItem.objects.filter(
            project=project, status=ActionItem.Status.OPEN, due_date__lt=today
        )
        .select_related("owner_user", "owner_contact", "meeting")
        .order_by("due_date", "id")
    ]
    risks, open_issues, resolved_issues = _risks_and_issues(project, period_start, period_end)

    snapshot = {
        "as_of": today.isoformat(),
        "action_items_overdue": overdue_actions,
        "currency": project.currency,
        "milestones_total": computed.milestones_total,
        "milestones_done": computed.milestones_done,
        "milestones_reached": reached,
        "milestones_missed": missed,
        "upcoming_milestones": upcoming,
        "baseline_end": computed.baseline_end.isoformat(),
        "forecast_end": computed.forecast_end.isoformat(),
        "end_slip_days": computed.end_slip_days,
        "budget": {
            "bac": _money(computed.bac),
            "ac": _money(computed.ac),
            "pv": _money(computed.pv),
            "ev": _money(computed.ev),
            "eac": _money(computed.eac),
            "cpi": _money(computed.cpi),
            "spi": _money(computed.spi),
            "burn_percent": computed.burn_percent,
        },
        "changes_decided": decided,
        "changes_pending": pending,
        "changes_approved_days": log.approved_days,
        "changes_approved_cost": _money(log.approved_cost),
        "risks_open": [
            {
                "reference": risk.reference,
                "title": risk.title,
                "probability": risk.probability,
                "impact": risk.impact,
                "score": risk.score,
                "status": risk.status,
                "mitigation": risk.mitigation,
                "owner": risk.owner.full_name,
                "review_date": risk.review_date.isoformat() if risk.review_date else None,
                "client_visible": risk.client_visible,
            }
            for risk in risks
        ],
        "issues_open": [
            {
                "reference": issue.reference,
                "title": issue.title,
                "description": issue.description,
                "affects": _affects(issue),
                "impact": issue.impact,
                "proposed_solution": issue.proposed_solution,
                "owner": issue.owner.full_name,
                "due_date": issue.due_date.isoformat() if issue.due_date else None,
                "status": issue.status,
                "client_visible": issue.is_shared,
            }
            for issue in open_issues
        ],
        "issues_resolved": [
            {
                "reference": issue.reference,
                "title": issue.title,
                "resolution": issue.resolution,
                "resolved_on": timezone.localdate(issue.resolved_at).isoformat()
                if issue.resolved_at
                else None,
                "client_visible": issue.is_shared,
            }
            for issue in resolved_issues
        ],
        # the series behind the report's charts (see reports.charts), frozen with the report
        "charts": {
            "milestones": [
                [
                    row.milestone.baseline_date.isoformat(),
                    row.milestone.done_date.isoformat()
                    if row.done and row.milestone.done_date
                    else None,
                    row.milestone.client_visible,
                ]
                for row in computed.milestones
            ],
            "planned_value": [
                [day.isoformat(), _money(value)] for day, value in progress.planned_value(computed)
            ],
            "actual_cost": [
                [day.isoformat(), _money(value)]
                for day, value in progress.cumulative(computed.cost_by_date)
                if day <= today
            ],
        },
    }
    facts = health_data(
        project,
        computed,
        pending_changes=[item["reference"] for item in pending],
        approved_change_days=log.approved_days,
        approved_change_cost=log.approved_cost,
        open_risks=risks,
        open_issues=open_issues,
        feedback=list(
            Feedback.objects.filter(
                project=project, received_on__gt=feedback_since(today), received_on__lte=today
            ).order_by("received_on", "pk")
        ),
    )
    return snapshot, facts


# The lists of a report's data whose rows say whether the client may read them.
CLIENT_FILTERED = (
    "milestones_reached",
    "milestones_missed",
    "upcoming_milestones",
    "risks_open",
    "issues_open",
    "issues_resolved",
)


def for_client(data: dict[str, Any]) -> dict[str, Any]:
    """A report's frozen data as a client contact may read it: internal milestones, internal
    risks and unshared issues left out, as the portal page and the PDF leave them out."""
    shown = dict(data or {})
    for key in CLIENT_FILTERED:
        shown[key] = [row for row in shown.get(key) or [] if row.get("client_visible", True)]
    charts = shown.get("charts")
    if isinstance(charts, dict) and "milestones" in charts:
        shown["charts"] = {**charts, "milestones": [r for r in charts["milestones"] if r[2]]}
    return shown


def without_financials(data: dict[str, Any]) -> dict[str, Any]:
    """A report's frozen data for a reader who does not see the project's money: the budget,
    the approved cost, each decided change's cost and the money series of the charts left
    out."""
    shown = dict(data or {})
    shown.pop("budget", None)
    shown.pop("changes_approved_cost", None)
    shown["changes_decided"] = [
        {k: v for k, v in item.items() if k != "cost"} for item in shown.get("changes_decided", [])
    ]
    charts = shown.get("charts")
    if isinstance(charts, dict):
        shown["charts"] = {
            k: v for k, v in charts.items() if k not in {"planned_value", "actual_cost"}
        }
    return shown


def feedback_since(today: date) -> date:
    """The day before the satisfaction window starts: feedback received after it counts."""
    return today - timedelta(days=SATISFACTION_WINDOW_DAYS)


def health_data(
    project: Project,
    computed: progress.Progress,
    *,
    pending_changes: list[str],
    approved_change_days: int,
    approved_change_cost: Decimal,
    open_risks: list[Risk],
    open_issues: list[Issue],
    feedback: list[Feedback],
) -> HealthData:
    """The facts the health rules read, from a project's progress and its open items: one
    shape for a status report and for the portfolio's many projects."""
    return HealthData(
        as_of=computed.as_of,
        start_date=project.start_date,
        baseline_end=computed.baseline_end,
        forecast_end=computed.forecast_end,
        milestones=[
            MilestoneFact(
                name=row.milestone.name,
                baseline_date=row.milestone.baseline_date,
                forecast_date=row.milestone.forecast_date,
                done_date=row.milestone.done_date,
                client_visible=row.milestone.client_visible,
            )
            for row in computed.milestones
        ],
        bac=computed.bac,
        ac=computed.ac,
        cpi=computed.cpi,
        pending_changes=pending_changes,
        approved_change_days=approved_change_days,
        approved_change_cost=approved_change_cost,
        open_risks=[
            RiskFact(
                reference=risk.reference,
                title=risk.title,
                score=risk.score,
                mitigated=bool(risk.mitigation.strip()),
                client_visible=risk.client_visible,
            )
            for risk in open_risks
        ],
        open_issues=[
            IssueFact(
                reference=issue.reference,
                title=issue.title,
                due_date=issue.due_date,
                affects_schedule=issue.affects_schedule,
                client_visible=issue.is_shared,
            )
            for issue in open_issues
        ],
        feedback=[
            FeedbackFact(received_on=entry.received_on, scores=entry.scores()) for entry in feedback
        ],
    )
