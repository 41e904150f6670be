from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from rapport.clients.selectors import client_get
from rapport.core.api_conventions import named_by_body
from rapport.core.api_pagination import Pages
from rapport.projects import selectors, services
from rapport.projects.models import Project, ProjectMember
from rapport.tenancy.actors import ActorRequest
from rapport.tenancy.selectors import project_managers_in_organisation

router = Router(tags=["projects"])

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=150)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$")]
StatusText = Annotated[
    str, StringConstraints(pattern="^(" + "|".join(Project.Status.values) + ")$")
]
CadenceText = Annotated[
    str,
    StringConstraints(pattern="^(" + "|".join(Project.ReportCadence.values) + ")$"),
    Field(
        description="When a status report is drafted from the data: none, weekly, "
        "fortnightly or four_weekly."
    ),
]
Weekday = Annotated[
    int, Field(ge=0, le=6, strict=True, description="The drafting day: 0 Monday … 6 Sunday.")
]


class ProjectOut(Schema):
    id: int
    client_id: int
    name: str
    code: str
    description: str
    pm_id: int
    start_date: date
    end_date: date
    status: str
    currency: str
    report_cadence: str
    report_weekday: int
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ProjectIn(Schema):
    client_id: int
    name: Name
    code: Code
    description: Annotated[str, StringConstraints(max_length=5000)] = ""
    pm_id: int | None = None
    start_date: date
    end_date: date
    status: StatusText = Project.Status.PROPOSED.value
    currency: Currency = "EUR"
    report_cadence: CadenceText = Project.ReportCadence.NONE.value
    report_weekday: Weekday = 4


class ProjectPatch(Schema):
    name: Name | None = None
    code: Code | None = None
    description: Annotated[str, StringConstraints(max_length=5000)] | None = None
    pm_id: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    status: StatusText | None = None
    currency: Currency | None = None
    report_cadence: CadenceText | None = None
    report_weekday: Weekday | None = None


def _resolve(request: ActorRequest, values: dict[str, object]) -> dict[str, object]:
    """Ids in the body are resolved through the caller's scope: a foreign id is a 404."""
    actor = request.actor
    if "client_id" in values:
        values["client"] = client_get(actor=actor, client_id=values.pop("client_id"))  # type: ignore[arg-type]
    if "pm_id" in values:
        pm_id = values.pop("pm_id")
        values["pm"] = project_managers_in_organisation(actor).filter(pk=int(str(pm_id))).first()
        if values["pm"] is None:
            raise ValidationError({"pm": _("Choose a project manager of your organisation.")})
    return values


@router.get("/projects", response=list[ProjectOut], operation_id="projects_list")
@paginate(Pages, ordering=("name", "code", "status", "start_date", "end_date"))
def projects_list(
    request: ActorRequest, status: StatusText | None = None, client_id: int | None = None
) -> QuerySet[Project]:
    actor = request.actor
    if client_id is not None:
        client_get(actor=actor, client_id=client_id)  # a client outside the caller's scope: 404
    return selectors.project_list(actor=actor, status=status or "", client_id=client_id)


@router.post("/projects", response={201: ProjectOut}, operation_id="projects_create")
def projects_create(request: ActorRequest, payload: ProjectIn) -> Status[Project]:
    values = _resolve(request, payload.dict(exclude_none=True))
    return Status(201, services.project_create(actor=request.actor, **values))


@router.get("/projects/{project_id}", response=ProjectOut, operation_id="projects_get")
def projects_get(request: ActorRequest, project_id: int) -> Project:
    return selectors.project_get(actor=request.actor, project_id=project_id)


@router.patch("/projects/{project_id}", response=ProjectOut, operation_id="projects_update")
def projects_update(request: ActorRequest, project_id: int, payload: ProjectPatch) -> Project:
    actor = request.actor
    project = selectors.project_get(actor=actor, project_id=project_id)
    values = _resolve(request, payload.dict(exclude_unset=True, exclude_none=True))
    return services.project_update(actor=actor, project=project, **values)


class ProjectPublishIn(Schema):
    published: bool = Field(
        True, strict=True, description="false takes the project out of the client portal"
    )


@router.post("/projects/{project_id}/publish", response=ProjectOut, operation_id="projects_publish")
def projects_publish(request: ActorRequest, project_id: int, payload: ProjectPublishIn) -> Project:
    """Show the project in its client's portal, or take it out (``published_at`` says since
    when); who did it stays on record."""
    actor = request.actor
    project = selectors.project_get(actor=actor, project_id=project_id)
    services.project_publish(actor=actor, project=project, published=payload.published)
    return selectors.project_get(actor=actor, project_id=project_id)


# --- the project's team ---------------------------------------------------------------------


class ProjectMemberOut(Schema):
    id: int
    user_id: int
    full_name: str = Field(alias="user.full_name")
    can_see_financials: bool = Field(
        description="Whether this team member sees the project's budgets, costs and rates."
    )
    created_at: datetime
    updated_at: datetime


class ProjectMemberIn(Schema):
    user_id: int = Field(ge=1, le=2**63 - 1, description="A member of the organisation.")


class ProjectMemberPatch(Schema):
    can_see_financials: bool = Field(strict=True)


def _member(request: ActorRequest, project_id: int, member_id: int) -> ProjectMember:
    actor = request.actor
    project = selectors.project_get(actor=actor, project_id=project_id)
    return selectors.project_member_get(actor=actor, project=project, member_id=member_id)


@router.get(
    "/projects/{project_id}/members",
    response=list[ProjectMemberOut],
    operation_id="project_members_list",
)
@paginate(Pages)
def project_members_list(request: ActorRequest, project_id: int) -> QuerySet[ProjectMember]:
    """The project's team besides its PM (``pm_id`` on the project), everyone on the project
    may read it."""
    project = selectors.project_get(actor=request.actor, project_id=project_id)
    return selectors.project_members(project=project)


@router.post(
    "/projects/{project_id}/members",
    response={200: ProjectMemberOut, 201: ProjectMemberOut},
    operation_id="project_members_add",
)
def project_members_add(
    request: ActorRequest, project_id: int, payload: ProjectMemberIn
) -> Status[ProjectMember]:
    """Adds a member of the organisation to the team (201), or answers with their membership
    when they are on it already (200). The project's PM and the organisation's admins."""
    actor = request.actor
    project = selectors.project_get(actor=actor, project_id=project_id)
    already = project.memberships.filter(user_id=payload.user_id).exists()
    with named_by_body({"user": "user_id"}):
        member = services.project_member_add(actor=actor, project=project, user_id=payload.user_id)
    return Status(200 if already else 201, member)


@router.get(
    "/projects/{project_id}/members/{member_id}",
    response=ProjectMemberOut,
    operation_id="project_members_get",
)
def project_members_get(request: ActorRequest, project_id: int, member_id: int) -> ProjectMember:
    return _member(request, project_id, member_id)


@router.patch(
    "/projects/{project_id}/members/{member_id}",
    response=ProjectMemberOut,
    operation_id="project_members_update",
)
def project_members_update(
    request: ActorRequest, project_id: int, member_id: int, payload: ProjectMemberPatch
) -> ProjectMember:
    """Grants or withdraws a team member's sight of budgets, costs and rates; on record."""
    member = _member(request, project_id, member_id)
    return services.project_member_set_financials(
        actor=request.actor, member=member, allowed=payload.can_see_financials
    )


@router.delete(
    "/projects/{project_id}/members/{member_id}",
    response={204: None},
    operation_id="project_members_remove",
)
def project_members_remove(request: ActorRequest, project_id: int, member_id: int) -> Status[None]:
    """Takes the member off the team; their past work on the project stays on record."""
    services.project_member_remove(
        actor=request.actor, member=_member(request, project_id, member_id)
    )
    return Status(204, None)
