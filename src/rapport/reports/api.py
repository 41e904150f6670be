"""Status reports through the API: list and read a project's reports, draft one for a period,
edit a draft's narrative and stated health, publish it. Health comes with its reasons in the
caller's language; money in the data is in decimal strings. (Contacts read published reports
and acknowledge them through the client portal API: rapport.portal.api.)"""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from rapport.core.api_pagination import Pages
from rapport.core.api_schemas import NoBody
from rapport.core.services import require
from rapport.projects.permissions import can_view_financials
from rapport.projects.selectors import project_get
from rapport.reports import data as report_data
from rapport.reports import health, permissions, selectors, services
from rapport.reports.models import StatusReport
from rapport.tenancy.actors import ActorRequest

router = Router(tags=["status reports"])

Narrative = Annotated[str, StringConstraints(max_length=10000)]
Reason = Annotated[str, StringConstraints(max_length=4000)]


class ReasonOut(Schema):
    code: str
    text: str


class DimensionOut(Schema):
    name: str
    label: str
    colour: str
    reasons: list[ReasonOut]


def dimensions(report: StatusReport, *, for_client: bool = False) -> list[DimensionOut]:
    """Each dimension's computed colour with its reasons in words, in the caller's language."""
    return [
        DimensionOut(
            name=name,
            label=str(health.DIMENSION_LABELS.get(name, name)),
            colour=verdict.get("colour", health.GREY),
            reasons=[
                ReasonOut(
                    code=str(item.get("code", "")),
                    text=health.reason_text(item, for_client=for_client),
                )
                for item in verdict.get("reasons", [])
            ],
        )
        for name, verdict in (report.health.get("dimensions") or {}).items()
    ]


class AcknowledgementOut(Schema):
    contact_id: int
    contact_name: str
    at: datetime


class StatusReportOut(Schema):
    number: int
    reference: str
    state: str
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
    acknowledgements: list[AcknowledgementOut]
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_health(obj: StatusReport) -> list[DimensionOut]:
        return dimensions(obj)

    @staticmethod
    def resolve_corrects(obj: StatusReport) -> str | None:
        return obj.corrects.reference if obj.corrects_id and obj.corrects else None

    @staticmethod
    def resolve_data(obj: StatusReport, context: dict[str, Any]) -> dict[str, Any]:
        """The frozen data; budget figures only for those who see the project's money."""
        request = context["request"]
        memo = request.__dict__.setdefault("_financials", {})
        if obj.project_id not in memo:
            memo[obj.project_id] = can_view_financials(request.actor, obj.project)
        data = dict(obj.data or {})
        return data if memo[obj.project_id] else report_data.without_financials(data)

    @staticmethod
    def resolve_acknowledgements(obj: StatusReport) -> list[AcknowledgementOut]:
        return [
            AcknowledgementOut(contact_id=a.contact_id, contact_name=a.contact.full_name, at=a.at)
            for a in obj.acknowledgements.all()
        ]


class DraftIn(Schema):
    period_start: date
    period_end: date
    corrects: Annotated[int, Field(ge=1, le=1_000_000)] | None = None


class ReportPatchIn(Schema):
    summary: Narrative | None = None
    achievements: Narrative | None = None
    problems: Narrative | None = None
    asks: Narrative | None = None
    next_steps: Narrative | None = None
    stated_health: Literal["", "green", "amber", "red"] | None = None
    stated_reason: Reason | None = None


def _reports(request: ActorRequest, project_id: int) -> QuerySet[StatusReport]:
    project = project_get(actor=request.actor, project_id=project_id)
    return (
        selectors.report_list(actor=request.actor, project=project)
        .select_related("project")
        .prefetch_related("acknowledgements__contact")
    )


def _get(request: ActorRequest, project_id: int, number: int) -> StatusReport:
    project = project_get(actor=request.actor, project_id=project_id)
    report = selectors.report_get(actor=request.actor, project=project, number=number)
    return (
        StatusReport.objects.select_related("project", "corrects")
        .prefetch_related("acknowledgements__contact")
        .get(pk=report.pk)
    )


@router.get(
    "/projects/{project_id}/status-reports",
    response=list[StatusReportOut],
    operation_id="status_reports_list",
)
@paginate(Pages)
def status_reports_list(
    request: ActorRequest, project_id: int, state: StatusReport.State | None = None
) -> QuerySet[StatusReport]:
    """The project's reports, newest first; ``state`` is ``draft`` or ``published``."""
    reports = _reports(request, project_id)
    if state:
        reports = reports.filter(state=state.value)
    return reports


@router.post(
    "/projects/{project_id}/status-reports",
    response={201: StatusReportOut},
    operation_id="status_reports_create",
)
def status_reports_create(
    request: ActorRequest, project_id: int, payload: DraftIn
) -> Status[StatusReport]:
    """Draft a report for a period, filled from the project's data (``corrects``: the number
    of a published report this one corrects)."""
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    require(permissions.can_manage(actor, project))
    corrects = None
    if payload.corrects is not None:
        corrects = project.status_reports.filter(number=payload.corrects).first()
        if corrects is None:
            raise ValidationError(
                {"corrects": _("Choose a published report of this project.")}, code="corrects"
            )
    report = services.report_draft(
        actor=actor,
        project=project,
        period_start=payload.period_start,
        period_end=payload.period_end,
        corrects=corrects,
    )
    return Status(201, _get(request, project_id, report.number))


@router.get(
    "/projects/{project_id}/status-reports/{number}",
    response=StatusReportOut,
    operation_id="status_reports_get",
)
def status_reports_get(request: ActorRequest, project_id: int, number: int) -> StatusReport:
    return _get(request, project_id, number)


@router.patch(
    "/projects/{project_id}/status-reports/{number}",
    response=StatusReportOut,
    operation_id="status_reports_update",
)
def status_reports_update(
    request: ActorRequest, project_id: int, number: int, payload: ReportPatchIn
) -> StatusReport:
    """Edit a draft's narrative (markdown) and stated health; a stated colour needs a reason
    (an empty or null ``stated_health`` goes back to the computed one; null clears a text).
    A published report is refused (422)."""
    report = _get(request, project_id, number)
    values = {
        name: "" if value is None else value
        for name, value in payload.dict(exclude_unset=True).items()
    }
    services.report_update(actor=request.actor, report=report, **values)
    return _get(request, project_id, number)


@router.post(
    "/projects/{project_id}/status-reports/{number}/publish",
    response=StatusReportOut,
    operation_id="status_reports_publish",
)
def status_reports_publish(
    request: ActorRequest, project_id: int, number: int, payload: NoBody | None = None
) -> StatusReport:
    """Freeze the report with the data as it is now, show it in the portal and email it to
    the client's portal contacts. Publishing twice is refused (422)."""
    report = _get(request, project_id, number)
    services.report_publish(actor=request.actor, report=report)
    return _get(request, project_id, number)
