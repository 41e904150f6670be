"""The touchpoint log through the member API: a project's touchpoints and a client's, each
with the channel check it recorded (the channels that suit its kind of message, and why, in
the caller's language). Internal, like the register and the plan (rapport.communication.api,
whose rules for ids in bodies it shares)."""

from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from rapport.clients.models import Client
from rapport.clients.selectors import client_get, contact_get
from rapport.communication import channels, selectors, services
from rapport.communication.api import (
    BODY_FIELDS,
    ContactRef,
    Id,
    Ids,
    Text,
    body_contacts,
    body_values,
    contact_refs,
    project_on_team,
)
from rapport.communication.channels import Channel, MessageKind
from rapport.communication.models import Interaction, PlanItem
from rapport.core.api_conventions import named_by_body
from rapport.core.api_pagination import Pages
from rapport.core.api_schemas import AwareDateTime
from rapport.projects.models import Project
from rapport.projects.selectors import projects_visible_to
from rapport.tenancy.actors import ActorRequest

router = Router(tags=["communication"])


def _plan_item(request: ActorRequest, item_id: int | None) -> PlanItem | None:
    """A plan item named in a touchpoint's body (whether it is of the touchpoint's project is
    the service's rule)."""
    if item_id is None:
        return None
    item = selectors.plan_items_visible_to(request.actor).filter(pk=item_id).first()
    if item is None:
        raise ValidationError(
            {"plan_item_id": _("Choose an item of this project's communication plan.")}
        )
    return item


class TouchpointOut(Schema):
    id: int
    client_id: int
    project_id: int | None
    plan_item_id: int | None
    occurred_at: datetime
    channel: str
    direction: str
    contacts: list[ContactRef]
    kind: str
    channel_suited: bool | None = Field(
        description="Whether the channel suits the kind of message (null: no kind given). "
        "A channel that does not suit is recorded, not refused."
    )
    suited_channels: list[str] = Field(description="The channels that suit the kind, best first.")
    channel_advice: str | None = Field(description="Why, in the caller's language.")
    summary: str
    follow_ups: str
    created_by_id: int | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolvebody_contacts(obj: Interaction) -> list[ContactRef]:
        return contact_refs(obj.contacts.all())

    @staticmethod
    def resolve_suited_channels(obj: Interaction) -> list[str]:
        advice = channels.advise(obj.kind)
        return [str(channel) for channel in advice.suited] if advice else []

    @staticmethod
    def resolve_channel_advice(obj: Interaction) -> str | None:
        advice = channels.advise(obj.kind)
        return advice.why if advice else None


class TouchpointIn(Schema):
    occurred_at: AwareDateTime = Field(
        description="When it happened (ISO 8601; without an offset: UTC). Not in advance."
    )
    channel: Channel
    direction: Interaction.Direction = Interaction.Direction.OUTBOUND
    contact_ids: Ids = []
    kind: MessageKind | Literal[""] = ""
    summary: Text
    follow_ups: Text = ""
    plan_item_id: Id | None = Field(None, description="The plan item it fulfils.")


class ClientTouchpointIn(TouchpointIn):
    project_id: Id | None = Field(
        None, description="One of the client's projects; none: the client at large (managers)."
    )


def _touchpoint(request: ActorRequest, touchpoint_id: int) -> Interaction:
    return selectors.interaction_get(actor=request.actor, interaction_id=touchpoint_id)


def _log(
    request: ActorRequest, client: Client, project: Project | None, payload: TouchpointIn
) -> Interaction:
    values = body_values(payload)
    values.pop("project_id", None)
    contacts = body_contacts(request, client, values.pop("contact_ids", []), "contact_ids")
    plan_item = _plan_item(request, values.pop("plan_item_id", None))
    with named_by_body(BODY_FIELDS):
        interaction = services.interaction_log(
            actor=request.actor,
            client=client,
            project=project,
            contacts=contacts,
            plan_item=plan_item,
            **values,
        )
    return _touchpoint(request, interaction.pk)


@router.get(
    "/projects/{project_id}/touchpoints",
    response=list[TouchpointOut],
    operation_id="project_touchpoints_list",
)
@paginate(Pages)
def project_touchpoints_list(
    request: ActorRequest, project_id: int, channel: Channel | None = None
) -> QuerySet[Interaction]:
    """The project's touchpoints, newest first."""
    project = project_on_team(request, project_id)
    return selectors.interaction_list(
        actor=request.actor, project=project, channel=channel.value if channel else ""
    )


@router.post(
    "/projects/{project_id}/touchpoints",
    response={201: TouchpointOut},
    operation_id="project_touchpoints_create",
)
def project_touchpoints_create(
    request: ActorRequest, project_id: int, payload: TouchpointIn
) -> Status[Interaction]:
    """Log a touchpoint as it happened (not in advance). The channel is checked against the
    kind of message: one that does not suit is recorded (``channel_suited``), not refused."""
    project = project_on_team(request, project_id)
    return Status(201, _log(request, project.client, project, payload))


@router.get(
    "/clients/{client_id}/touchpoints",
    response=list[TouchpointOut],
    operation_id="client_touchpoints_list",
)
@paginate(Pages)
def client_touchpoints_list(
    request: ActorRequest, client_id: int, contact_id: Id | None = None
) -> QuerySet[Interaction]:
    """The client's touchpoints across the projects the caller sees and with the client at
    large, newest first; ``contact_id``: those with one of its contacts."""
    client = client_get(actor=request.actor, client_id=client_id)
    contact = None
    if contact_id is not None:
        contact = contact_get(actor=request.actor, contact_id=contact_id)
        if contact.client_id != client.pk:
            raise Http404
    return selectors.interaction_list(actor=request.actor, client=client, contact=contact)


@router.post(
    "/clients/{client_id}/touchpoints",
    response={201: TouchpointOut},
    operation_id="client_touchpoints_create",
)
def client_touchpoints_create(
    request: ActorRequest, client_id: int, payload: ClientTouchpointIn
) -> Status[Interaction]:
    """Log a touchpoint on one of the client's projects (anyone on its team) or, without
    ``project_id``, with the client at large (owners, admins and PMs)."""
    client = client_get(actor=request.actor, client_id=client_id)
    project = None
    if payload.project_id is not None:
        project = (
            projects_visible_to(request.actor)
            .filter(client=client, pk=payload.project_id)
            .select_related("client")
            .first()
        )
        if project is None:
            raise ValidationError({"project_id": _("Choose a project of this client.")})
    return Status(201, _log(request, client, project, payload))


@router.get("/touchpoints/{touchpoint_id}", response=TouchpointOut, operation_id="touchpoints_get")
def touchpoints_get(request: ActorRequest, touchpoint_id: int) -> Interaction:
    return _touchpoint(request, touchpoint_id)


@router.delete(
    "/touchpoints/{touchpoint_id}", response={204: None}, operation_id="touchpoints_delete"
)
def touchpoints_delete(request: ActorRequest, touchpoint_id: int) -> Status[None]:
    """Delete a touchpoint logged by mistake: whoever logged it, or the project's managers."""
    interaction = _touchpoint(request, touchpoint_id)
    services.interaction_delete(actor=request.actor, interaction=interaction)
    return Status(204, None)
