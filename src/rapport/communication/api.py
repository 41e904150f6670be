"""The stakeholder register, the communication plan (with each item's cadence) and what is
due for the caller, through the member API; the touchpoint log is in
rapport.communication.log_api. All of it is internal: contacts have no access.

Thin: ids in the path and in bodies are resolved through the actor-scoped selectors (an
unseen object in the path is a 404; an unseen or foreign id in a body is a 422 on that
field, never a write), and every write is a call to ``communication.services``, which holds
the rules. Service errors are named by the body's fields (``owner_id``, ``contact_ids`` …)."""

from collections.abc import Iterable
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from rapport.clients.models import Client, Contact
from rapport.clients.selectors import contacts_visible_to
from rapport.communication import permissions, selectors, services
from rapport.communication.channels import Channel, MessageKind
from rapport.communication.models import Level, PlanItem, Stakeholder
from rapport.core.api_conventions import named_by_body
from rapport.core.api_pagination import Pages
from rapport.core.services import require
from rapport.projects.models import Project
from rapport.projects.selectors import project_get
from rapport.tenancy.actors import ActorRequest
from rapport.tenancy.selectors import users_in_organisation

router = Router(tags=["communication"])


# --- types --------------------------------------------------------------------------------

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]  # an id any database can hold
Ids = Annotated[list[Id], Field(max_length=200)]
Title = Annotated[str, StringConstraints(max_length=200)]
Text = Annotated[str, StringConstraints(max_length=4000)]


class ContactRef(Schema):
    id: int
    full_name: str


def contact_refs(contacts: Iterable[Contact]) -> list[ContactRef]:
    return [ContactRef(id=contact.pk, full_name=contact.full_name) for contact in contacts]


# --- helpers ------------------------------------------------------------------------------

BODY_FIELDS = {
    "contact": "contact_id",
    "audience": "audience_ids",
    "owner": "owner_id",
    "contacts": "contact_ids",
    "plan_item": "plan_item_id",
    "project": "project_id",
}


def body_values(payload: Schema, blank: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields the caller sent, enums as their codes. ``null`` empties a field named in
    ``blank`` and leaves any other unchanged (as leaving it out would)."""
    values = {}
    for name, value in payload.dict(exclude_unset=True).items():
        if value is None:
            if name in blank:
                values[name] = ""
            continue
        values[name] = value.value if isinstance(value, Enum) else value
    return values


def project_on_team(request: ActorRequest, project_id: int) -> Project:
    """A project the caller sees (404 otherwise), for someone on its team (403 otherwise)."""
    project = project_get(actor=request.actor, project_id=project_id)
    require(permissions.can_view(request.actor, project))
    return project


def _plannable(request: ActorRequest, project_id: int) -> Project:
    """A project whose register and plan the caller keeps (403 for the rest of its team)."""
    project = project_get(actor=request.actor, project_id=project_id)
    require(permissions.can_plan(request.actor, project))
    return project


def body_contacts(
    request: ActorRequest, client: Client, ids: list[int], field: str
) -> list[Contact]:
    """Contacts named in a body, among those the caller sees: an unknown id is a field error
    (whether they belong to ``client`` is the service's rule)."""
    wanted = set(ids)
    found = list(contacts_visible_to(request.actor).filter(pk__in=wanted).order_by("pk"))
    if len(found) != len(wanted):
        raise ValidationError(
            {field: _("Choose contacts of %(client)s.") % {"client": client.name}},
            code="foreign_contact",
        )
    return found


def _owner_id(request: ActorRequest, owner_id: int) -> int:
    if not users_in_organisation(request.actor).filter(pk=owner_id).exists():
        raise ValidationError({"owner_id": _("Choose a member of your organisation.")})
    return owner_id


# --- the register -------------------------------------------------------------------------


class StakeholderOut(Schema):
    id: int
    project_id: int
    contact_id: int
    contact_name: str
    role: str
    influence: str
    interest: str
    quadrant: str = Field(description="manage, satisfy, inform or monitor (influence × interest)")
    notes: str
    cadence_colour: str | None = Field(
        description="The worst cadence colour (green, due, amber, red) of the active plan "
        "items the contact is an audience of; null if none."
    )
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_contact_name(obj: Stakeholder) -> str:
        return obj.contact.full_name

    @staticmethod
    def resolve_cadence_colour(obj: Stakeholder, context: dict[str, Any]) -> str | None:
        """The project's plan is read once per request, whatever the number of rows."""
        request = context["request"]
        memo = request.__dict__.setdefault("_stakeholder_colours", {})
        if obj.project_id not in memo:
            plan = selectors.plan(actor=request.actor, project=obj.project)
            memo[obj.project_id] = selectors.stakeholder_colours(plan)
        return memo[obj.project_id].get(obj.contact_id)


class StakeholderIn(Schema):
    contact_id: Id
    role: Stakeholder.Role = Stakeholder.Role.OTHER
    influence: Level = Level.LOW
    interest: Level = Level.LOW
    notes: Text = ""


class StakeholderPatch(Schema):
    role: Stakeholder.Role | None = None
    influence: Level | None = None
    interest: Level | None = None
    notes: Text | None = None


def _stakeholder(request: ActorRequest, project: Project, stakeholder_id: int) -> Stakeholder:
    stakeholder = selectors.stakeholder_get(
        actor=request.actor, project=project, stakeholder_id=stakeholder_id
    )
    stakeholder.project = project
    return stakeholder


@router.get(
    "/projects/{project_id}/stakeholders",
    response=list[StakeholderOut],
    operation_id="stakeholders_list",
)
@paginate(Pages)
def stakeholders_list(request: ActorRequest, project_id: int) -> QuerySet[Stakeholder]:
    """The project's stakeholder register, by name."""
    project = project_on_team(request, project_id)
    return selectors.stakeholder_list(actor=request.actor, project=project).select_related(
        "project"
    )


@router.post(
    "/projects/{project_id}/stakeholders",
    response={201: StakeholderOut},
    operation_id="stakeholders_create",
)
def stakeholders_create(
    request: ActorRequest, project_id: int, payload: StakeholderIn
) -> Status[Stakeholder]:
    """Add a contact of the project's client to its register (once)."""
    project = _plannable(request, project_id)
    values = body_values(payload)
    [contact] = body_contacts(request, project.client, [values.pop("contact_id")], "contact_id")
    with named_by_body(BODY_FIELDS):
        stakeholder = services.stakeholder_add(
            actor=request.actor, project=project, contact=contact, **values
        )
    return Status(201, _stakeholder(request, project, stakeholder.pk))


@router.get(
    "/projects/{project_id}/stakeholders/{stakeholder_id}",
    response=StakeholderOut,
    operation_id="stakeholders_get",
)
def stakeholders_get(request: ActorRequest, project_id: int, stakeholder_id: int) -> Stakeholder:
    return _stakeholder(request, project_on_team(request, project_id), stakeholder_id)


@router.patch(
    "/projects/{project_id}/stakeholders/{stakeholder_id}",
    response=StakeholderOut,
    operation_id="stakeholders_update",
)
def stakeholders_update(
    request: ActorRequest, project_id: int, stakeholder_id: int, payload: StakeholderPatch
) -> Stakeholder:
    """Change a stakeholder's role, influence, interest or notes (``null`` notes: none)."""
    project = _plannable(request, project_id)
    stakeholder = _stakeholder(request, project, stakeholder_id)
    with named_by_body(BODY_FIELDS):
        services.stakeholder_update(
            actor=request.actor, stakeholder=stakeholder, **body_values(payload, blank=("notes",))
        )
    return _stakeholder(request, project, stakeholder_id)


@router.delete(
    "/projects/{project_id}/stakeholders/{stakeholder_id}",
    response={204: None},
    operation_id="stakeholders_delete",
)
def stakeholders_delete(
    request: ActorRequest, project_id: int, stakeholder_id: int
) -> Status[None]:
    project = _plannable(request, project_id)
    stakeholder = _stakeholder(request, project, stakeholder_id)
    services.stakeholder_remove(actor=request.actor, stakeholder=stakeholder)
    return Status(204, None)


# --- the plan and its cadence ---------------------------------------------------------------


class PlanItemOut(Schema):
    id: int
    project_id: int
    title: str
    audience: list[ContactRef]
    channel: str
    kind: str
    cadence_days: int
    owner_id: int
    owner_name: str
    starts_on: date
    fulfilled_by: str = Field(
        description="interaction (touchpoints logged against it) or status_report (the "
        "project's published status reports)"
    )
    active: bool
    last_done: date | None
    next_due: date
    overdue_days: int = Field(description="Days past due; 0 on the due day, negative before.")
    cadence_colour: str = Field(
        description="green (not yet due), due (today), amber (overdue), red (overdue by more "
        "than half its cadence)"
    )
    created_at: datetime
    updated_at: datetime


class AttentionOut(PlanItemOut):
    project_name: str
    project_code: str


def _plan_out(touchpoint: selectors.PlannedTouchpoint) -> dict[str, Any]:
    item = touchpoint.item
    return {
        "id": item.pk,
        "project_id": item.project_id,
        "project_name": item.project.name,
        "project_code": item.project.code,
        "title": item.title,
        "audience": contact_refs(item.audience.all()),
        "channel": item.channel,
        "kind": item.kind,
        "cadence_days": item.cadence_days,
        "owner_id": item.owner_id,
        "owner_name": str(item.owner),
        "starts_on": item.starts_on,
        "fulfilled_by": item.fulfilled_by,
        "active": item.active,
        "last_done": touchpoint.last_done,
        "next_due": touchpoint.due.next_due,
        "overdue_days": touchpoint.due.overdue_days,
        "cadence_colour": touchpoint.due.colour,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
    }


class PlanItemIn(Schema):
    title: Title
    audience_ids: Ids = []
    channel: Channel
    kind: MessageKind | Literal[""] = ""
    cadence_days: int
    owner_id: Id | None = Field(None, description="Default: the project's PM.")
    starts_on: date | None = Field(None, description="Default: today.")
    fulfilled_by: PlanItem.Fulfilment = PlanItem.Fulfilment.INTERACTION
    active: bool = True


class PlanItemPatch(Schema):
    title: Title | None = None
    audience_ids: Ids | None = None
    channel: Channel | None = None
    kind: MessageKind | Literal[""] | None = None
    cadence_days: int | None = None
    owner_id: Id | None = None
    starts_on: date | None = None
    fulfilled_by: PlanItem.Fulfilment | None = None
    active: bool | None = None


def _planned(request: ActorRequest, project: Project, item_id: int) -> dict[str, Any]:
    return _plan_out(
        selectors.planned_touchpoint_get(actor=request.actor, project=project, item_id=item_id)
    )


@router.get(
    "/projects/{project_id}/communication-plan",
    response=list[PlanItemOut],
    operation_id="communication_plan_list",
)
@paginate(Pages)
def communication_plan_list(request: ActorRequest, project_id: int) -> list[dict[str, Any]]:
    """The project's communication plan by title, each item with when it was last done and
    when it is next due."""
    project = project_on_team(request, project_id)
    return [_plan_out(t) for t in selectors.plan(actor=request.actor, project=project)]


@router.post(
    "/projects/{project_id}/communication-plan",
    response={201: PlanItemOut},
    operation_id="communication_plan_create",
)
def communication_plan_create(
    request: ActorRequest, project_id: int, payload: PlanItemIn
) -> Status[dict[str, Any]]:
    project = _plannable(request, project_id)
    values = body_values(payload)
    audience = body_contacts(
        request, project.client, values.pop("audience_ids", []), "audience_ids"
    )
    owner_id = _owner_id(request, values.pop("owner_id", project.pm_id))
    with named_by_body(BODY_FIELDS):
        item = services.plan_item_create(
            actor=request.actor, project=project, audience=audience, owner_id=owner_id, **values
        )
    return Status(201, _planned(request, project, item.pk))


@router.get(
    "/projects/{project_id}/communication-plan/{item_id}",
    response=PlanItemOut,
    operation_id="communication_plan_get",
)
def communication_plan_get(request: ActorRequest, project_id: int, item_id: int) -> dict[str, Any]:
    return _planned(request, project_on_team(request, project_id), item_id)


@router.patch(
    "/projects/{project_id}/communication-plan/{item_id}",
    response=PlanItemOut,
    operation_id="communication_plan_update",
)
def communication_plan_update(
    request: ActorRequest, project_id: int, item_id: int, payload: PlanItemPatch
) -> dict[str, Any]:
    """Change a plan item; ``audience_ids`` replaces the audience (``null`` ``kind``: none)."""
    project = _plannable(request, project_id)
    item = selectors.plan_item_get(actor=request.actor, project=project, item_id=item_id)
    values = body_values(payload, blank=("kind",))
    audience = None
    if "audience_ids" in values:
        audience = body_contacts(
            request, project.client, values.pop("audience_ids"), "audience_ids"
        )
    owner_id = None
    if "owner_id" in values:
        owner_id = _owner_id(request, values.pop("owner_id"))
    with named_by_body(BODY_FIELDS):
        services.plan_item_update(
            actor=request.actor, item=item, audience=audience, owner_id=owner_id, **values
        )
    return _planned(request, project, item_id)


@router.delete(
    "/projects/{project_id}/communication-plan/{item_id}",
    response={204: None},
    operation_id="communication_plan_delete",
)
def communication_plan_delete(request: ActorRequest, project_id: int, item_id: int) -> Status[None]:
    """Remove a plan item; touchpoints that fulfilled it stay in the log."""
    project = _plannable(request, project_id)
    item = selectors.plan_item_get(actor=request.actor, project=project, item_id=item_id)
    services.plan_item_delete(actor=request.actor, item=item)
    return Status(204, None)


@router.get(
    "/communication/attention",
    response=list[AttentionOut],
    operation_id="communication_attention",
)
@paginate(Pages)
def communication_attention(request: ActorRequest) -> list[dict[str, Any]]:
    """The caller's planned touchpoints that are due or overdue (active items they own, or of
    active projects they manage), the most overdue first: the list on the home page."""
    return [_plan_out(t) for t in selectors.attention(actor=request.actor)]
