"""Project closure through the API: the closure and its checklist, preparing it, closing the
project (refused with the list of what blocks it, unless an admin gives a reason), the closure
report, check-ins after closure and the organisation's check-in schedule; for the client's
contacts (client portal API), the published report and accepting the closure. Every write is a
call to ``closure.services`` or ``closure.checkins``, which hold the rules."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints

from rapport.closure import checkins, permissions, selectors, services
from rapport.closure.checklist import checklist
from rapport.closure.models import CheckIn, Closure
from rapport.closure.report import compile_report, without_financials
from rapport.communication.channels import Channel
from rapport.core.api_pagination import Pages
from rapport.core.api_schemas import AwareDateTime
from rapport.portal.api import PortalTokenAuth
from rapport.projects import permissions as project_permissions
from rapport.projects.models import Project
from rapport.projects.selectors import project_get
from rapport.tenancy.actors import Actor, ActorRequest

router = Router(tags=["closure"])
portal_router = Router(auth=PortalTokenAuth(), tags=["client portal"])

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Narrative = Annotated[str, StringConstraints(max_length=20000)]
Reason = Annotated[str, StringConstraints(max_length=2000)]
Comment = Annotated[str, StringConstraints(max_length=4000)]


def _viewable(request: ActorRequest, project_id: int) -> Project:
    project = project_get(actor=request.actor, project_id=project_id)
    if not permissions.can_view(request.actor, project):
        raise Http404
    return project


# --- the closure and its checklist -------------------------------------------------------


class ChecklistItemOut(Schema):
    code: str
    label: str
    done: bool | None = Field(description="null: not available yet")
    detail: str


class ClosureOut(Schema):
    project_id: int
    state: str = Field(description="preparing, closed (awaiting the client) or accepted")
    narrative: str
    lessons: str
    budget_closed_on: date | None
    closed_at: datetime | None
    closed_by: str | None
    override_reason: str
    accepted_at: datetime | None
    accepted_by: str | None
    acceptance_comment: str
    checklist: list[ChecklistItemOut] | None = Field(description="while preparing")
    blockers: list[str] = Field(description="what refuses closing, while preparing")


def _closure_out(project: Project, closure: Closure | None) -> ClosureOut:
    preparing = closure is None or closure.state == Closure.State.PREPARING
    state = checklist(project, closure) if preparing else None
    return ClosureOut(
        project_id=project.pk,
        state=closure.state if closure else Closure.State.PREPARING,
        narrative=closure.narrative if closure else "",
        lessons=closure.lessons if closure else "",
        budget_closed_on=closure.budget_closed_on if closure else None,
        closed_at=closure.closed_at if closure else None,
        closed_by=closure.closed_by.full_name if closure and closure.closed_by else None,
        override_reason=closure.override_reason if closure else "",
        accepted_at=closure.accepted_at if closure else None,
        accepted_by=closure.accepted_by.full_name if closure and closure.accepted_by else None,
        acceptance_comment=closure.acceptance_comment if closure else "",
        checklist=[
            ChecklistItemOut(code=i.code, label=i.label, done=i.done, detail=i.detail)
            for i in state.items
        ]
        if state
        else None,
        blockers=state.blockers if state else [],
    )


def _current(request: ActorRequest, project: Project) -> ClosureOut:
    return _closure_out(project, selectors.closure_get(actor=request.actor, project=project))


@router.get("/projects/{project_id}/closure", response=ClosureOut, operation_id="closure_get")
def closure_get(request: ActorRequest, project_id: int) -> ClosureOut:
    """The closure as it stands; while preparing, the checklist and what blocks closing."""
    return _current(request, _viewable(request, project_id))


class ClosureIn(Schema):
    narrative: Narrative = Field("", description="The project summary; the client reads it.")
    lessons: Narrative = ""
    budget_closed: bool = Field(False, description="No more costs will be recorded.")


@router.put("/projects/{project_id}/closure", response=ClosureOut, operation_id="closure_update")
def closure_update(request: ActorRequest, project_id: int, payload: ClosureIn) -> ClosureOut:
    """Start or go on preparing the closure: the summary, the lessons, the budget closed."""
    project = project_get(actor=request.actor, project_id=project_id)
    services.closure_update(actor=request.actor, project=project, **payload.dict())
    return _current(request, project)


class ClosureCloseIn(Schema):
    override_reason: Reason = Field(
        "", description="Administrators only: close although something blocks it."
    )


@router.post(
    "/projects/{project_id}/closure/close", response=ClosureOut, operation_id="closure_close"
)
def closure_close(
    request: ActorRequest, project_id: int, payload: ClosureCloseIn | None = None
) -> ClosureOut | HttpResponse:
    """Freeze the closure report, publish it to the client (its portal contacts get it by
    email) and set the project closed. Open change requests and deliverables not accepted
    refuse it with a 409 listing them in ``blockers``, unless an administrator gives an
    ``override_reason``."""
    from rapport.api import problem  # the API module registers this router

    project = project_get(actor=request.actor, project_id=project_id)
    reason = payload.override_reason if payload else ""
    try:
        services.closure_close(actor=request.actor, project=project, override_reason=reason)
    except ValidationError as error:
        refusals = getattr(error, "error_dict", {}).get("override_reason", [])
        blockers = [m for e in refusals if e.code == services.BLOCKER for m in e.messages]
        if not blockers:
            raise
        return problem(
            request,
            409,
            _("The project can't be closed yet."),
            blockers=blockers,
            can_override=permissions.can_override(request.actor, project),
        )
    return _current(request, project)


@router.get(
    "/projects/{project_id}/closure/report",
    response=dict[str, Any],
    operation_id="closure_report",
)
def closure_report(request: ActorRequest, project_id: int) -> dict[str, Any]:
    """The closure report: compiled from the data while preparing, frozen once closed.
    Amounts only for those who may see the project's money."""
    actor = request.actor
    project = _viewable(request, project_id)
    closure = selectors.closure_get(actor=actor, project=project)
    if closure is None or closure.state == Closure.State.PREPARING or closure.report is None:
        report = compile_report(project)
    else:
        report = closure.report
    if project_permissions.can_view_financials(actor, project):
        return report
    return without_financials(report)


# --- check-ins after closure -------------------------------------------------------------


class CheckInOut(Schema):
    id: int
    project_id: int
    project_name: str
    contact_id: int
    contact_name: str
    months: int
    due_on: date
    done_at: datetime | None
    interaction_id: int | None

    @staticmethod
    def resolve_project_name(obj: CheckIn) -> str:
        return obj.project.name

    @staticmethod
    def resolve_contact_name(obj: CheckIn) -> str:
        return obj.contact.full_name


@router.get("/checkins", response=list[CheckInOut], operation_id="checkins_list")
@paginate(Pages)
def checkins_list(
    request: ActorRequest,
    status: Literal["due", "upcoming", "done", "all"] = "all",
    project_id: Id | None = None,
) -> QuerySet[CheckIn]:
    """Check-ins with the client's key contacts after projects closed, soonest first:
    ``due`` (today or before, not done), ``upcoming``, ``done`` or ``all``."""
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id) if project_id else None
    return selectors.checkin_list(actor=actor, status=status, project=project)


class CheckInRecordIn(Schema):
    channel: Channel
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
    occurred_at: AwareDateTime | None = Field(None, description="Default: now.")


@router.post(
    "/checkins/{checkin_id}/record", response={201: CheckInOut}, operation_id="checkins_record"
)
def checkins_record(
    request: ActorRequest, checkin_id: int, payload: CheckInRecordIn
) -> Status[CheckIn]:
    """The conversation took place: it is logged as a touchpoint with that contact, and the
    check-in is done."""
    actor = request.actor
    checkin = selectors.checkin_get(actor=actor, checkin_id=checkin_id)
    checkins.checkin_record(
        actor=actor,
        checkin=checkin,
        channel=payload.channel.value,
        summary=payload.summary,
        occurred_at=payload.occurred_at,
    )
    return Status(201, selectors.checkin_list(actor=actor).get(pk=checkin.pk))


class ClosureSettingsOut(Schema):
    checkin_months: list[int] = Field(description="Months after closing, e.g. [1, 3, 6, 12].")


class ClosureSettingsIn(Schema):
    checkin_months: list[Annotated[int, Field(ge=1, le=checkins.MAX_MONTHS)]] = Field(
        min_length=1, max_length=checkins.MAX_CHECKINS
    )


def _admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise PermissionDenied


@router.get("/settings/closure", response=ClosureSettingsOut, operation_id="closure_settings_get")
def closure_settings_get(request: ActorRequest) -> ClosureSettingsOut:
    _admin(request.actor)
    assert request.actor.organisation_id is not None
    return ClosureSettingsOut(checkin_months=checkins.checkin_months(request.actor.organisation_id))


@router.put(
    "/settings/closure", response=ClosureSettingsOut, operation_id="closure_settings_update"
)
def closure_settings_update(
    request: ActorRequest, payload: ClosureSettingsIn
) -> ClosureSettingsOut:
    """When to check in with the client after a project closes; planned at closing."""
    _admin(request.actor)
    settings = checkins.checkin_months_update(
        actor=request.actor, months=", ".join(str(m) for m in payload.checkin_months)
    )
    return ClosureSettingsOut(checkin_months=settings.checkin_months)


# --- the client portal ---------------------------------------------------------------------


class PortalClosureOut(Schema):
    project_id: int
    state: str = Field(description="closed (awaiting your acceptance) or accepted")
    narrative: str
    closed_at: datetime | None
    accepted_at: datetime | None
    accepted_by: str | None
    acceptance_comment: str
    can_accept: bool
    report: dict[str, Any]


def _portal_closure(request: ActorRequest, project: Project) -> PortalClosureOut:
    closure = selectors.closure_get(actor=request.actor, project=project)
    assert closure is not None  # the selector is a 404 for contacts before closing
    return PortalClosureOut(
        project_id=project.pk,
        state=closure.state,
        narrative=closure.narrative,
        closed_at=closure.closed_at,
        accepted_at=closure.accepted_at,
        accepted_by=closure.accepted_by.full_name if closure.accepted_by else None,
        acceptance_comment=closure.acceptance_comment,
        can_accept=closure.state == Closure.State.CLOSED
        and permissions.can_accept(request.actor, project),
        report=closure.client_report or {},
    )


@portal_router.get(
    "/projects/{project_id}/closure",
    response=PortalClosureOut,
    operation_id="portal_closure_get",
)
def portal_closure_get(request: ActorRequest, project_id: int) -> PortalClosureOut:
    """Your project's closure report, once the project team has closed it (404 before)."""
    project = project_get(actor=request.actor, project_id=project_id)
    return _portal_closure(request, project)


class AcceptIn(Schema):
    comment: Comment = ""


@portal_router.post(
    "/projects/{project_id}/closure/accept",
    response=PortalClosureOut,
    operation_id="portal_closure_accept",
)
def portal_closure_accept(
    request: ActorRequest, project_id: int, payload: AcceptIn | None = None
) -> PortalClosureOut:
    """Accept the project's closure, as your organisation's approver; your name, the time and
    your IP address are recorded."""
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    selectors.closure_get(actor=actor, project=project)
    services.closure_accept(
        actor=actor, project=project, comment=payload.comment if payload else ""
    )
    return _portal_closure(request, project)
