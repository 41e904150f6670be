"""The closure report, compiled from the project's data: baseline (first and last version)
against actual for schedule, budget and scope; milestones on time or late; every change
request and its effect; issues, risks that occurred, conflicts and how they ended. JSON-ready
(money as decimal strings, dates ISO) so it can be frozen when the project closes.

``for_client``: what the client is shown: internal milestones, draft change requests, issues
not shared with them, risks and conflicts left out."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Sum

from rapport.changes.models import ChangeRequest, CostImpact, State
from rapport.lessons.models import Lesson
from rapport.projects import progress
from rapport.projects.models import Deliverable, Project
from rapport.risks.models import Conflict, Issue, Risk

ZERO = Decimal("0")


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def _baseline(snapshot: dict[str, Any] | None, *, number: int | None) -> dict[str, Any] | None:
    if snapshot is None:
        return None
    milestones = snapshot.get("milestones", [])
    return {
        "version": number,
        "start": snapshot["schedule"]["start"],
        "end": snapshot["schedule"]["end"],
        "budget": snapshot.get("budget_total", "0.00"),
        "milestones": len(milestones),
        "deliverables": sum(len(m.get("deliverables", [])) for m in milestones),
    }


def compile_report(project: Project, *, for_client: bool = False) -> dict[str, Any]:
    """A fixed number of queries, whatever the project's size."""
    versions = list(
        project.baseline_versions.filter(status__in=("signed", "superseded"))
        .order_by("number")
        .only("number", "snapshot")
    )
    first = versions[0] if versions else None
    last = versions[-1] if versions else None
    computed = progress.compute(project)
    milestones = [
        row for row in computed.milestones if row.milestone.client_visible or not for_client
    ]
    deliverables = Deliverable.objects.filter(project=project)
    if for_client:
        deliverables = deliverables.filter(milestone__client_visible=True)
    accepted = deliverables.filter(status=Deliverable.Status.ACCEPTED).count()
    actual_end = max(
        [project.end_date, *(row.milestone.expected_date for row in computed.milestones)]
    )

    change_requests = (
        ChangeRequest.objects.filter(project=project)
        .prefetch_related(Prefetch("cost_impacts", queryset=CostImpact.objects.all()))
        .order_by("number")
    )
    if for_client:
        change_requests = change_requests.exclude(state=State.DRAFT)
    issues = Issue.objects.filter(project=project).order_by("number")
    if for_client:
        issues = issues.filter(client_visible=True)

    report: dict[str, Any] = {
        "currency": project.currency,
        "baseline_first": _baseline(first.snapshot, number=first.number) if first else None,
        "baseline_last": _baseline(last.snapshot, number=last.number) if last else None,
        "actual": {
            "start": project.start_date.isoformat(),
            "end": actual_end.isoformat(),
            "budget": _money(computed.ac),
            "milestones": len(milestones),
            "milestones_done": sum(1 for row in milestones if row.done),
            "deliverables": deliverables.count(),
            "deliverables_accepted": accepted,
        },
        "milestones": [
            {
                "name": row.milestone.name,
                "baseline_date": row.milestone.baseline_date.isoformat(),
                "done_date": row.milestone.done_date.isoformat()
                if row.milestone.done_date
                else None,
                "slip_days": row.slip_days,
                "on_time": row.done and not row.late,
            }
            for row in milestones
        ],
        "change_requests": [
            {
                "reference": cr.reference,
                "title": cr.title,
                "state": cr.state,
                "schedule_days": cr.schedule_days,
                "cost": _money(sum((c.amount for c in cr.cost_impacts.all()), ZERO)),
            }
            for cr in change_requests
        ],
        "issues": [
            {
                "reference": f"I-{issue.number}",
                "title": issue.title,
                "status": issue.status,
                "resolution": issue.resolution,
            }
            for issue in issues
        ],
        "risks_occurred": [],
        "conflicts": [],
    }
    if not for_client:
        report["risks_occurred"] = [
            {"reference": f"R-{risk.number}", "title": risk.title}
            for risk in Risk.objects.filter(project=project, status=Risk.Status.OCCURRED).order_by(
                "number"
            )
        ]
        report["conflicts"] = [
            {
                "title": conflict.title,
                "status": conflict.status,
                "strategy": conflict.strategy,
                "resolution": conflict.resolution,
                "client_agreed": conflict.client_agreed,
            }
            for conflict in Conflict.objects.filter(project=project).order_by("number")
        ]
    approved = [
        cr for cr in report["change_requests"] if cr["state"] in ("approved", "implemented")
    ]
    report["change_effect"] = {
        "schedule_days": sum(cr["schedule_days"] for cr in approved),
        "cost": _money(sum((Decimal(cr["cost"]) for cr in approved), ZERO)),
    }
    lessons = Lesson.objects.filter(project=project).order_by("created_at", "id")
    if for_client:
        lessons = lessons.filter(shared_with_client=True)
    report["lessons"] = [
        {"title": lesson.title, "recommendation": lesson.recommendation} for lesson in lessons
    ]
    budget_total = project.budget_lines.aggregate(total=Sum("amount"))["total"] or ZERO
    report["budget_now"] = _money(budget_total)
    return report


def without_financials(report: dict[str, Any]) -> dict[str, Any]:
    """The report for someone who may not see the project's money: every amount left out, as
    the page leaves it out when ``financials`` is false."""
    report = copy.deepcopy(report)
    for key in ("baseline_first", "baseline_last", "actual"):
        if report.get(key):
            report[key].pop("budget", None)
    for change_request in report.get("change_requests", []):
        change_request.pop("cost", None)
    report.get("change_effect", {}).pop("cost", None)
    report.pop("budget_now", None)
    return report
