"""The client portal through the API: ``/api/v1/portal/``, for client contacts with a portal
API token (created in the portal). A contact follows their clients' published projects, raises
change requests and, as their client's approver, decides on them. Member tokens are refused
here (401), as contact tokens are on every member operation: the schemas of this router carry
only what the client may see, never internal evaluation notes, costs by rate or people."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints

from rapport.changes import selectors as change_selectors
from rapport.changes import services as change_services
from rapport.changes.models import ChangeRequest, Priority, State
from rapport.core.api_conventions import ApiTokenAuth
from rapport.core.api_pagination import Pages
from rapport.core.api_schemas import NoBody
from rapport.projects.models import Project
from rapport.projects.selectors import project_get, project_list
from rapport.reports import data as report_data
from rapport.reports import selectors as report_selectors
from rapport.reports import services as report_services
from rapport.reports.api import DimensionOut, dimensions
from rapport.reports.models import ReportAcknowledgement, StatusReport
from rapport.tenancy.actors import Actor, ActorRequest
from rapport.tenancy.models import ApiToken
from rapport.tenancy.services import contact_api_token_authenticate


class PortalTokenAuth(ApiTokenAuth):
    """A client contact's portal API token; a member's token is not one (401)."""

    def lookup(self, secret: str, ip: str | None) -> tuple[Actor, ApiToken] | None:
        return contact_api_token_authenticate(secret, ip=ip)


router = Router(auth=PortalTokenAuth(), tags=["client portal"])

Text = Annotated[str, StringConstraints(max_length=5000)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class PortalProjectOut(Schema):
    id: int
    name: str
    status: str
    start_date: date
    end_date: date


class PortalImpactOut(Schema):
    """The effect of a change as the project manager shared it with the client."""

    scope_added: str
    scope_removed: str
    schedule_days: int
    quality_impact: str
    risk_impact: str
    recommendation: str
    recommendation_note: str
    cost: Decimal
    new_end_date: date


class PortalChangeRequestOut(Schema):
    number: int
    reference: str
    title: str
    description: str
    reason: str
    priority: str
    state: str
    impact: PortalImpactOut | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_impact(obj: ChangeRequest) -> PortalImpactOut | None:
        """Shown once the evaluation is done, as in the portal."""
        if not obj.recommendation or obj.state == State.UNDER_EVALUATION:
            return None
        return PortalImpactOut(
            scope_added=obj.scope_added,
            scope_removed=obj.scope_removed,
            schedule_days=obj.schedule_days,
            quality_impact=obj.quality_impact,
            risk_impact=obj.risk_impact,
            recommendation=obj.recommendation,
            recommendation_note=obj.recommendation_note,
            cost=sum((c.amount for c in obj.cost_impacts.all()), Decimal("0")),
            new_end_date=obj.project.end_date + timedelta(days=obj.schedule_days),
        )


class PortalChangeRequestIn(Schema):
    title: Title
    description: Annotated[str, StringConstraints(min_length=1, max_length=5000)]
    reason: Text = ""
    priority: Priority = Priority.MEDIUM


class DecisionIn(Schema):
    decision: Literal["approve", "reject", "needs_information"]
    comment: Text = ""


def _project(request: ActorRequest, project_id: int) -> Project:
    return project_get(actor=request.actor, project_id=project_id)


def _get(request: ActorRequest, project_id: int, number: int) -> ChangeRequest:
    project = _project(request, project_id)
    return change_selectors.change_request_get(actor=request.actor, project=project, number=number)


@router.get("/projects", response=list[PortalProjectOut], operation_id="portal_projects_list")
@paginate(Pages, ordering=("name", "start_date", "end_date"))
def portal_projects_list(request: ActorRequest) -> QuerySet[Project]:
    """The published projects of your clients."""
    return project_list(actor=request.actor)


@router.get(
    "/projects/{project_id}/change-requests",
    response=list[PortalChangeRequestOut],
    operation_id="portal_change_requests_list",
)
@paginate(Pages)
def portal_change_requests_list(
    request: ActorRequest, project_id: int, state: State | None = None
) -> QuerySet[ChangeRequest]:
    """The project's change requests (never the project manager's drafts), newest first."""
    project = _project(request, project_id)
    return change_selectors.change_request_list(
        actor=request.actor, project=project, state=state.value if state else ""
    ).select_related("project")


@router.post(
    "/projects/{project_id}/change-requests",
    response={201: PortalChangeRequestOut},
    operation_id="portal_change_requests_create",
)
def portal_change_requests_create(
    request: ActorRequest, project_id: int, payload: PortalChangeRequestIn
) -> Status[ChangeRequest]:
    """Raise a change request; it goes to the project manager at once."""
    project = _project(request, project_id)
    change_request = change_services.change_request_create(
        actor=request.actor,
        project=project,
        title=payload.title,
        description=payload.description,
        reason=payload.reason,
        priority=payload.priority.value,
    )
    return Status(201, _get(request, project_id, change_request.number))


@router.get(
    "/projects/{project_id}/change-requests/{number}",
    response=PortalChangeRequestOut,
    operation_id="portal_change_requests_get",
)
def portal_change_requests_get(
    request: ActorRequest, project_id: int, number: int
) -> ChangeRequest:
    return _get(request, project_id, number)


@router.post(
    "/projects/{project_id}/change-requests/{number}/decision",
    response=PortalChangeRequestOut,
    operation_id="portal_change_requests_decide",
)
def portal_change_requests_decide(
    request: ActorRequest, project_id: int, number: int, payload: DecisionIn
) -> ChangeRequest:
    """Your client's approver approves, rejects or asks for more information (a comment is
    required unless you approve). A change request is decided once."""
    change_request = _get(request, project_id, number)
    change_services.change_request_decide(
        actor=request.actor,
        change_request=change_request,
        decision=payload.decision,
        comment=payload.comment,
    )
    return _get(request, project_id, number)


# --- status reports: published ones only --------------------------------------------------


class PortalStatusReportOut(Schema):
    number: int
    reference: str
    period_start: date
    period_end: date
    summary: str
    achievements: str
    problems: str
    asks: str
    next_steps: str
    overall_health: str
    health: list[DimensionOut]
    stated_health: str
    stated_reason: str
    corrects: str | None
    data: dict[str, Any]
    published_at: datetime | None
    acknowledged_at: datetime | None

    @staticmethod
    def resolve_health(obj: StatusReport) -> list[DimensionOut]:
        """Reasons as the client reads them: internal milestones stay unnamed."""
        return dimensions(obj, for_client=True)

    @staticmethod
    def resolve_corrects(obj: StatusReport) -> str | None:
        return obj.corrects.reference if obj.corrects_id and obj.corrects else None

    @staticmethod
    def resolve_data(obj: StatusReport) -> dict[str, Any]:
        """The frozen data as the portal shows it: internal milestones, risks and issues left
        out."""
        return report_data.for_client(obj.data or {})

    @staticmethod
    def resolve_acknowledged_at(obj: StatusReport) -> datetime | None:
        """When you (any of your contacts) acknowledged it, if you did."""
        mine = getattr(obj, "mine", [])
        return mine[0].at if mine else None


def _reports(request: ActorRequest, project_id: int) -> QuerySet[StatusReport]:
    project = _project(request, project_id)
    return (
        report_selectors.report_list(actor=request.actor, project=project)
        .select_related(None)
        .select_related("corrects")
        .prefetch_related(
            Prefetch(
                "acknowledgements",
                queryset=ReportAcknowledgement.objects.filter(
                    contact_id__in=request.actor.contact_ids
                ).order_by("at", "id"),
                to_attr="mine",
            )
        )
    )


def _report(request: ActorRequest, project_id: int, number: int) -> StatusReport:
    return get_object_or_404(_reports(request, project_id), number=number)


@router.get(
    "/projects/{project_id}/status-reports",
    response=list[PortalStatusReportOut],
    operation_id="portal_status_reports_list",
)
@paginate(Pages)
def portal_status_reports_list(request: ActorRequest, project_id: int) -> QuerySet[StatusReport]:
    """The project's published status reports, newest first."""
    return _reports(request, project_id)


@router.get(
    "/projects/{project_id}/status-reports/{number}",
    response=PortalStatusReportOut,
    operation_id="portal_status_reports_get",
)
def portal_status_reports_get(request: ActorRequest, project_id: int, number: int) -> StatusReport:
    return _report(request, project_id, number)


@router.post(
    "/projects/{project_id}/status-reports/{number}/acknowledge",
    response=PortalStatusReportOut,
    operation_id="portal_status_reports_acknowledge",
)
def portal_status_reports_acknowledge(
    request: ActorRequest, project_id: int, number: int, payload: NoBody | None = None
) -> StatusReport:
    """Say you read the report; a second time changes nothing."""
    report = _report(request, project_id, number)
    report_services.report_acknowledge(actor=request.actor, report=report)
    return _report(request, project_id, number)
