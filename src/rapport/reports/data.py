"""What a status report says about its period, read from the project's data in a fixed number
of queries: the progress computation (milestones, budget, actuals), the change log, and the
action items of client meetings that are overdue."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from rapport.changes import impact
from rapport.changes.models import OPEN_STATES, Decision
from rapport.changes.models import State as ChangeState
from rapport.meetings.models import ActionItem
from rapport.projects import progress
from rapport.projects.models import Project
from rapport.reports.health import HealthData, MilestoneFact

UPCOMING = 5
CLIENT_DECISIONS = (Decision.Kind.APPROVE, Decision.Kind.REJECT)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))


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
    facts = HealthData(
        as_of=today,
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
        pending_changes=[item["reference"] for item in pending],
        approved_change_days=log.approved_days,
        approved_change_cost=log.approved_cost,
    )
    return snapshot, facts
