"""Risks and issues through the API: a project's risk register and issue log for its team
(members API), and the client-visible risks and shared issues for the client's contacts
(client portal API, read-only). Every write is a call to ``risks.services``, which holds the
rules; its field errors are named by the body's fields (``owner`` → ``owner_id``)."""

from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from rapport.changes.selectors import change_requests_visible_to
from rapport.core.api_conventions import named_by_body
from rapport.core.api_pagination import Pages
from rapport.core.api_schemas import NoBody
from rapport.core.services import require
from rapport.portal.api import PortalTokenAuth
from rapport.projects.models import Project
from rapport.projects.selectors import project_get, projects_visible_to
from rapport.reports.selectors import reports_visible_to
from rapport.risks import conflicts, permissions, selectors, services
from rapport.risks.models import Evidence, Issue, Risk
from rapport.tenancy.actors import ActorRequest

router = Router(tags=["risks and issues"])
portal_router = Router(auth=PortalTokenAuth(), tags=["client portal"])

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]  # an id any database can hold
Number = Annotated[int, Field(ge=1, le=2**31 - 1)]
Title = Annotated[str, StringConstraints(max_length=200)]
Text = Annotated[str, StringConstraints(max_length=5000)]
Note = Annotated[str, StringConstraints(max_length=500)]

BODY_FIELDS = {
    "owner": "owner_id",
    "taken_by": "taken_by_id",
    "project": "project_id",
    "team_parties": "team_party_ids",
    "contact_parties": "contact_party_ids",
}


def body_values(payload: Schema, blank: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields the caller sent, enums as their codes; ``null`` empties a text field named
    in ``blank`` and leaves any other unchanged."""
    values = {}
    for name, value in payload.dict(exclude_unset=True).items():
        if value is None:
            if name in blank:
                values[name] = ""
            continue
        values[name] = value.value if isinstance(value, Enum) else value
    return values


def _viewable(request: ActorRequest, project_id: int) -> Project:
    project = project_get(actor=request.actor, project_id=project_id)
    require(permissions.can_view(request.actor, project))
    return project


def _recordable(request: ActorRequest, project_id: int) -> Project:
    project = project_get(actor=request.actor, project_id=project_id)
    require(permissions.can_record(request.actor, project))
    return project


# --- risks --------------------------------------------------------------------------------


class RiskOut(Schema):
    number: int
    reference: str
    title: str
    cause: str
    probability: int
    impact: int
    score: int = Field(description="probability × impact, 1 to 25; 15 or more is high")
    owner_id: int
    owner_name: str
    mitigation: str
    contingency: str
    trigger: str
    status: str
    review_date: date | None
    client_visible: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_owner_name(obj: Risk) -> str:
        return obj.owner.full_name


class RiskIn(Schema):
    title: Title
    probability: int = Field(description="1 (rare) to 5 (almost certain)")
    impact: int = Field(description="1 (minimal) to 5 (severe)")
    owner_id: Id | None = Field(None, description="Someone on the project's team; default: its PM.")
    cause: Text = ""
    mitigation: Text = ""
    contingency: Text = ""
    trigger: Text = ""
    review_date: date | None = None
    client_visible: bool = Field(False, description="Only the project's managers may set it.")


class RiskPatch(Schema):
    title: Title | None = None
    probability: int | None = None
    impact: int | None = None
    owner_id: Id | None = None
    cause: Text | None = None
    mitigation: Text | None = None
    contingency: Text | None = None
    trigger: Text | None = None
    review_date: date | None = None
    status: Literal["open", "mitigating", "closed", "occurred"] | None = Field(
        None, description="open, mitigating or closed; a risk occurs through …/occurred"
    )
    client_visible: bool | None = None


class OccurredIn(Schema):
    description: Text = Field("", description="What happened (default: its trigger or cause).")


def _risk(request: ActorRequest, project: Project, number: int) -> Risk:
    return selectors.risk_get(actor=request.actor, project=project, number=number)


@router.get("/projects/{project_id}/risks", response=list[RiskOut], operation_id="risks_list")
@paginate(Pages, ordering=("number", "title", "score", "status", "review_date"))
def risks_list(
    request: ActorRequest,
    project_id: int,
    status: Literal["open", "mitigating", "closed", "occurred", "open_or_mitigating"] | None = None,
) -> QuerySet[Risk]:
    """The project's risk register, highest score first (``open_or_mitigating``: what the
    heat map shows)."""
    project = _viewable(request, project_id)
    wanted = "open" if status == "open_or_mitigating" else status or ""
    risks = selectors.risk_list(actor=request.actor, project=project, status=wanted)
    return risks.filter(status="open") if status == "open" else risks


@router.post("/projects/{project_id}/risks", response={201: RiskOut}, operation_id="risks_create")
def risks_create(request: ActorRequest, project_id: int, payload: RiskIn) -> Status[Risk]:
    project = _recordable(request, project_id)
    values = body_values(payload)
    values.setdefault("owner_id", project.pm_id)
    with named_by_body(BODY_FIELDS):
        risk = services.risk_create(actor=request.actor, project=project, **values)
    return Status(201, _risk(request, project, risk.number))


@router.get("/projects/{project_id}/risks/{number}", response=RiskOut, operation_id="risks_get")
def risks_get(request: ActorRequest, project_id: int, number: int) -> Risk:
    return _risk(request, _viewable(request, project_id), number)


@router.patch(
    "/projects/{project_id}/risks/{number}", response=RiskOut, operation_id="risks_update"
)
def risks_update(request: ActorRequest, project_id: int, number: int, payload: RiskPatch) -> Risk:
    """Change a risk (``null`` texts: empty); its score follows probability and impact."""
    project = _recordable(request, project_id)
    risk = _risk(request, project, number)
    values = body_values(payload, blank=("cause", "mitigation", "contingency", "trigger"))
    if "review_date" in payload.dict(exclude_unset=True):
        values["review_date"] = payload.review_date
    with named_by_body(BODY_FIELDS):
        services.risk_update(actor=request.actor, risk=risk, **values)
    return _risk(request, project, number)


# --- issues -------------------------------------------------------------------------------


class IssueOut(Schema):
    number: int
    reference: str
    title: str
    description: str
    affects_schedule: bool
    affects_budget: bool
    affects_quality: bool
    impact: str
    proposed_solution: str
    owner_id: int
    owner_name: str
    due_date: date | None
    status: str
    resolution: str
    resolved_at: datetime | None
    client_visible: bool
    shared_at: datetime | None
    from_risk: str | None = Field(description="The reference of the risk it came from.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_owner_name(obj: Issue) -> str:
        return obj.owner.full_name

    @staticmethod
    def resolve_from_risk(obj: Issue) -> str | None:
        return obj.from_risk.reference if obj.from_risk else None


class IssueIn(Schema):
    title: Title
    owner_id: Id | None = Field(None, description="Someone on the project's team; default: its PM.")
    description: Text = ""
    affects_schedule: bool = False
    affects_budget: bool = False
    affects_quality: bool = False
    impact: Text = ""
    proposed_solution: Text = Field(
        "", description="The way forward; required before the issue is shared with the client."
    )
    due_date: date | None = None


class IssuePatch(Schema):
    title: Title | None = None
    owner_id: Id | None = None
    description: Text | None = None
    affects_schedule: bool | None = None
    affects_budget: bool | None = None
    affects_quality: bool | None = None
    impact: Text | None = None
    proposed_solution: Text | None = None
    due_date: date | None = None
    status: Literal["open", "in_progress", "resolved"] | None = Field(
        None,
        description="open or in_progress (reopens a resolved issue); resolve through …/resolve",
    )
    client_visible: bool | None = Field(
        None, description="true shares it (see …/share); a shared issue cannot be hidden again"
    )


class ResolveIn(Schema):
    resolution: Text


class EvidenceIn(Schema):
    kind: Evidence.Kind
    project_id: Id | None = Field(
        None,
        description="The record's project (default: the issue's); any project of the "
        "conflict's client for a conflict.",
    )
    number: Number = Field(description="The change request's, status report's or issue's number.")
    note: Note = ""


class EvidenceOut(Schema):
    id: int
    kind: str
    project_id: int
    number: int
    record: str
    note: str
    created_at: datetime

    @staticmethod
    def resolve_project_id(obj: Evidence) -> int:
        target = obj.target
        return int(getattr(target, "project_id", 0))

    @staticmethod
    def resolve_number(obj: Evidence) -> int:
        return int(getattr(obj.target, "number", 0))

    @staticmethod
    def resolve_record(obj: Evidence) -> str:
        report = obj.status_report
        if report is not None:
            return f"{report.project.name} · {report.reference}"
        return str(obj.target)


def _issue(request: ActorRequest, project: Project, number: int) -> Issue:
    return selectors.issue_get(actor=request.actor, project=project, number=number)


@router.get("/projects/{project_id}/issues", response=list[IssueOut], operation_id="issues_list")
@paginate(Pages, ordering=("number", "title", "status", "due_date"))
def issues_list(
    request: ActorRequest,
    project_id: int,
    status: Literal["open", "in_progress", "resolved", "not_resolved"] | None = None,
) -> QuerySet[Issue]:
    """The project's issue log, newest first."""
    project = _viewable(request, project_id)
    wanted = "open" if status == "not_resolved" else status or ""
    issues = selectors.issue_list(actor=request.actor, project=project, status=wanted)
    return issues.filter(status="open") if status == "open" else issues


@router.post(
    "/projects/{project_id}/issues", response={201: IssueOut}, operation_id="issues_create"
)
def issues_create(request: ActorRequest, project_id: int, payload: IssueIn) -> Status[Issue]:
    """Log a problem that happened; internal until shared."""
    project = _recordable(request, project_id)
    values = body_values(payload)
    values.setdefault("owner_id", project.pm_id)
    with named_by_body(BODY_FIELDS):
        issue = services.issue_create(actor=request.actor, project=project, **values)
    return Status(201, _issue(request, project, issue.number))


@router.get("/projects/{project_id}/issues/{number}", response=IssueOut, operation_id="issues_get")
def issues_get(request: ActorRequest, project_id: int, number: int) -> Issue:
    return _issue(request, _viewable(request, project_id), number)


@router.patch(
    "/projects/{project_id}/issues/{number}", response=IssueOut, operation_id="issues_update"
)
def issues_update(
    request: ActorRequest, project_id: int, number: int, payload: IssuePatch
) -> Issue:
    project = _recordable(request, project_id)
    issue = _issue(request, project, number)
    values = body_values(payload, blank=("description", "impact", "proposed_solution"))
    if "due_date" in payload.dict(exclude_unset=True):
        values["due_date"] = payload.due_date
    with named_by_body(BODY_FIELDS):
        services.issue_update(actor=request.actor, issue=issue, **values)
    return _issue(request, project, number)


@router.post(
    "/projects/{project_id}/issues/{number}/share",
    response=IssueOut,
    operation_id="issues_share",
)
def issues_share(
    request: ActorRequest, project_id: int, number: int, payload: NoBody | None = None
) -> Issue:
    """Show the issue to the client with its proposed solution and email its portal contacts
    (refused without a solution; the project's managers only)."""
    project = _viewable(request, project_id)
    issue = _issue(request, project, number)
    require(permissions.can_share(request.actor, project))
    services.issue_share(actor=request.actor, issue=issue)
    return _issue(request, project, number)


@router.post(
    "/projects/{project_id}/issues/{number}/resolve",
    response=IssueOut,
    operation_id="issues_resolve",
)
def issues_resolve(
    request: ActorRequest, project_id: int, number: int, payload: ResolveIn
) -> Issue:
    project = _recordable(request, project_id)
    issue = _issue(request, project, number)
    services.issue_resolve(actor=request.actor, issue=issue, resolution=payload.resolution)
    return _issue(request, project, number)


def evidence_ids(
    request: ActorRequest, payload: EvidenceIn, default_project: Project | None
) -> dict[str, Any]:
    """The record a body names (kind, project, number) as the id the service links; an unseen
    one is a 422 on ``number``."""
    project = default_project
    if payload.project_id is not None:
        project = projects_visible_to(request.actor).filter(pk=payload.project_id).first()
    if project is None:
        raise ValidationError({"project_id": _("Choose a project you can see.")})
    sources: dict[str, tuple[QuerySet[Any], str]] = {
        Evidence.Kind.CHANGE_REQUEST: (
            change_requests_visible_to(request.actor),
            "change_request_id",
        ),
        Evidence.Kind.STATUS_REPORT: (reports_visible_to(request.actor), "status_report_id"),
        Evidence.Kind.ISSUE: (selectors.issues_visible_to(request.actor), "issue_id"),
    }
    queryset, name = sources[payload.kind]
    found = (
        queryset.filter(project=project, number=payload.number).values_list("pk", flat=True).first()
    )
    if found is None:
        raise ValidationError({"number": _("Choose a record of this client or project.")})
    return {name: found, "note": payload.note}


@router.post(
    "/projects/{project_id}/issues/{number}/evidence",
    response={201: EvidenceOut},
    operation_id="issues_evidence_create",
)
def issues_evidence_create(
    request: ActorRequest, project_id: int, number: int, payload: EvidenceIn
) -> Status[Evidence]:
    """Link a change request or a status report of the project to the issue, as evidence."""
    project = _recordable(request, project_id)
    issue = _issue(request, project, number)
    evidence = conflicts.evidence_link(
        actor=request.actor, issue=issue, **evidence_ids(request, payload, project)
    )
    return Status(201, evidence)


@router.post(
    "/projects/{project_id}/risks/{number}/occurred",
    response={201: IssueOut},
    operation_id="risks_occurred",
)
def risks_occurred(
    request: ActorRequest, project_id: int, number: int, payload: OccurredIn
) -> Status[Issue]:
    """The risk happened: it becomes an internal issue (its contingency plan the proposed
    solution to start from)."""
    project = _recordable(request, project_id)
    risk = _risk(request, project, number)
    issue = services.risk_occurred(actor=request.actor, risk=risk, description=payload.description)
    return Status(201, _issue(request, project, issue.number))


# --- the client portal (read-only) --------------------------------------------------------


class PortalRiskOut(Schema):
    reference: str
    title: str
    probability: int
    impact: int
    score: int
    mitigation: str
    status: str
    review_date: date | None


class PortalIssueOut(Schema):
    reference: str
    title: str
    description: str
    affects_schedule: bool
    affects_budget: bool
    affects_quality: bool
    impact: str
    proposed_solution: str
    due_date: date | None
    status: str
    resolution: str
    shared_at: datetime


@portal_router.get(
    "/projects/{project_id}/risks", response=list[PortalRiskOut], operation_id="portal_risks_list"
)
@paginate(Pages)
def portal_risks_list(request: ActorRequest, project_id: int) -> QuerySet[Risk]:
    """The risks your project team shares with you, highest score first."""
    project = project_get(actor=request.actor, project_id=project_id)
    return selectors.risk_list(actor=request.actor, project=project)


@portal_router.get(
    "/projects/{project_id}/issues",
    response=list[PortalIssueOut],
    operation_id="portal_issues_list",
)
@paginate(Pages)
def portal_issues_list(request: ActorRequest, project_id: int) -> QuerySet[Issue]:
    """The problems your project team told you about, each with its impact and proposed
    solution, newest first."""
    project = project_get(actor=request.actor, project_id=project_id)
    return selectors.issue_list(actor=request.actor, project=project)
