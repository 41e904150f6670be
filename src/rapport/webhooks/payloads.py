"""The ``data`` of each webhook event, built from the objects of the service that emits it.
One function per event, called inside that service's transaction; each emits exactly the
fields ``webhooks.events`` documents for it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from rapport.webhooks.services import emit

if TYPE_CHECKING:
    from rapport.changes.models import ChangeRequest
    from rapport.closure.models import Closure
    from rapport.feedback.models import Feedback
    from rapport.meetings.models import ActionItem, Meeting, MinutesVersion
    from rapport.projects.models import Project
    from rapport.reports.models import StatusReport
    from rapport.risks.models import Issue


def _project(project: Project) -> dict[str, Any]:
    return {
        "project_id": project.pk,
        "project_code": project.code,
        "project_name": project.name,
        "client_id": project.client_id,
    }


def change_request_submitted(change_request: ChangeRequest, *, by: str) -> None:
    project = change_request.project
    emit(
        "change_request.submitted",
        project.organisation_id,
        {
            **_project(project),
            "change_request_id": change_request.pk,
            "reference": change_request.reference,
            "title": change_request.title,
            "submitted_by": by,
        },
    )


def change_request_decided(
    change_request: ChangeRequest, *, decision: str, comment: str, by: str
) -> None:
    """``decision``: ``approve``, ``reject`` or ``needs_information``."""
    project = change_request.project
    emit(
        "change_request.decided",
        project.organisation_id,
        {
            **_project(project),
            "change_request_id": change_request.pk,
            "reference": change_request.reference,
            "title": change_request.title,
            "decision": decision,
            "comment": comment,
            "decided_by": by,
        },
    )


def status_report_published(report: StatusReport) -> None:
    project = report.project
    emit(
        "status_report.published",
        project.organisation_id,
        {
            **_project(project),
            "status_report_id": report.pk,
            "reference": report.reference,
            "period_start": report.period_start,
            "period_end": report.period_end,
            "health": report.stated_health or report.overall_health,
        },
    )


def feedback_received(feedback: Feedback) -> None:
    project = feedback.project
    emit(
        "feedback.received",
        project.organisation_id,
        {
            **_project(project),
            "feedback_id": feedback.pk,
            "source": feedback.source,
            "received_on": feedback.received_on,
            "scores": feedback.scores(),
            "nps": feedback.nps,
            "comment": feedback.comment,
        },
    )


def action_item_overdue(item: ActionItem, *, today: date) -> None:
    project = item.project
    emit(
        "action_item.overdue",
        project.organisation_id,
        {
            **_project(project),
            "action_item_id": item.pk,
            "what": item.what,
            "owner": str(item.owner),
            "due_date": item.due_date,
            "overdue_days": item.overdue_days(today),
        },
    )


def minutes_published(meeting: Meeting, version: MinutesVersion) -> None:
    project = meeting.project
    emit(
        "meeting.minutes_published",
        project.organisation_id,
        {
            **_project(project),
            "meeting_id": meeting.pk,
            "reference": meeting.reference,
            "title": meeting.title,
            "version": version.number,
            "correction_reason": version.reason,
        },
    )


def closure_published(closure: Closure, project: Project) -> None:
    emit(
        "closure.published",
        project.organisation_id,
        {**_project(project), "closure_id": closure.pk, "closed_at": closure.closed_at},
    )


def closure_accepted(closure: Closure, project: Project) -> None:
    emit(
        "closure.accepted",
        project.organisation_id,
        {
            **_project(project),
            "closure_id": closure.pk,
            "accepted_by": str(closure.accepted_by or ""),
            "comment": closure.acceptance_comment,
        },
    )


def issue_shared(issue: Issue) -> None:
    project = issue.project
    emit(
        "issue.shared",
        project.organisation_id,
        {
            **_project(project),
            "issue_id": issue.pk,
            "reference": issue.reference,
            "title": issue.title,
            "proposed_solution": issue.proposed_solution,
        },
    )
