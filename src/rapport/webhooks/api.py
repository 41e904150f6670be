"""Webhooks through the API, for the organisation's owners and admins (their tokens): the
event registry, subscriptions, their deliveries and attempts, and replay. Every write is a
call to ``webhooks.services``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from django.db.models import QuerySet
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints

from rapport.core.api_pagination import Pages
from rapport.core.api_schemas import NoBody
from rapport.core.services import require
from rapport.tenancy.actors import ActorRequest
from rapport.webhooks import events, selectors, services
from rapport.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from rapport.webhooks.permissions import can_manage_webhooks

router = Router(tags=["webhooks"])

# The registry's names, so the OpenAPI document lists them and others are a 422.
EventName = Literal[tuple(events.EVENTS)]  # type: ignore[valid-type]
Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Description = Annotated[str, StringConstraints(max_length=200)]
Events = Annotated[
    list[EventName],  # type: ignore[valid-type]
    Field(min_length=1, max_length=len(events.EVENTS)),
]


class EventOut(Schema):
    name: str
    label: str
    fields: list[str] = Field(description="The keys of the payload's `data`, always present.")


class SubscriptionOut(Schema):
    id: int
    url: str
    description: str
    events: list[str]
    is_active: bool
    paused_at: datetime | None
    pause_reason: str
    failures_in_a_row: int
    created_at: datetime
    updated_at: datetime


class SubscriptionWithSecretOut(SubscriptionOut):
    secret: str = Field(description="Signs every delivery; returned only here, this once.")


class SubscriptionIn(Schema):
    url: Url = Field(description="https:// only; private and reserved addresses are refused.")
    description: Description = ""
    events: Events


class SubscriptionPatch(Schema):
    url: Url | None = None
    description: Description | None = None
    events: Events | None = None


class DeliveryOut(Schema):
    id: int
    uuid: UUID = Field(description="Sent as the Rapport-Delivery header.")
    subscription_id: int
    event: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    replay_of_id: int | None
    created_at: datetime
    delivered_at: datetime | None


class AttemptOut(Schema):
    number: int
    started_at: datetime
    duration_ms: int
    status_code: int | None
    response_body: str
    error: str
    succeeded: bool


class DeliveryDetailOut(DeliveryOut):
    payload: dict[str, object]
    attempt_log: list[AttemptOut]

    @staticmethod
    def resolve_attempt_log(obj: WebhookDelivery) -> list[WebhookAttempt]:
        return list(obj.attempt_log.all())


def _admin(request: ActorRequest) -> None:
    require(can_manage_webhooks(request.actor))


@router.get("/webhook-events", response=list[EventOut], operation_id="webhook_events_list")
def webhook_events_list(request: ActorRequest) -> list[EventOut]:
    """Every event a webhook can subscribe to, with its label in your language."""
    _admin(request)
    return [
        EventOut(name=event.name, label=str(event.label), fields=list(event.fields))
        for event in events.EVENTS.values()
    ]


@router.get("/webhooks", response=list[SubscriptionOut], operation_id="webhooks_list")
@paginate(Pages)
def webhooks_list(request: ActorRequest) -> QuerySet[WebhookSubscription]:
    _admin(request)
    return selectors.subscription_list(actor=request.actor)


@router.post("/webhooks", response={201: SubscriptionWithSecretOut}, operation_id="webhooks_create")
def webhooks_create(request: ActorRequest, payload: SubscriptionIn) -> Status[WebhookSubscription]:
    """The response carries the signing secret, which is never shown again."""
    subscription = services.subscription_create(actor=request.actor, **payload.dict())
    return Status(201, subscription)


@router.get("/webhooks/{subscription_id}", response=SubscriptionOut, operation_id="webhooks_get")
def webhooks_get(request: ActorRequest, subscription_id: int) -> WebhookSubscription:
    return selectors.subscription_get(actor=request.actor, subscription_id=subscription_id)


@router.patch(
    "/webhooks/{subscription_id}", response=SubscriptionOut, operation_id="webhooks_update"
)
def webhooks_update(
    request: ActorRequest, subscription_id: int, payload: SubscriptionPatch
) -> WebhookSubscription:
    """Change what is sent; ``null`` leaves a field as it is."""
    actor = request.actor
    subscription = selectors.subscription_get(actor=actor, subscription_id=subscription_id)
    values = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return services.subscription_update(actor=actor, subscription=subscription, **values)


@router.delete("/webhooks/{subscription_id}", response={204: None}, operation_id="webhooks_delete")
def webhooks_delete(request: ActorRequest, subscription_id: int) -> Status[None]:
    actor = request.actor
    subscription = selectors.subscription_get(actor=actor, subscription_id=subscription_id)
    services.subscription_delete(actor=actor, subscription=subscription)
    return Status(204, None)


@router.post(
    "/webhooks/{subscription_id}/pause", response=SubscriptionOut, operation_id="webhooks_pause"
)
def webhooks_pause(
    request: ActorRequest, subscription_id: int, payload: NoBody | None = None
) -> WebhookSubscription:
    actor = request.actor
    subscription = selectors.subscription_get(actor=actor, subscription_id=subscription_id)
    return services.subscription_pause(actor=actor, subscription=subscription)


@router.post(
    "/webhooks/{subscription_id}/resume", response=SubscriptionOut, operation_id="webhooks_resume"
)
def webhooks_resume(
    request: ActorRequest, subscription_id: int, payload: NoBody | None = None
) -> WebhookSubscription:
    """Active again; the deliveries still pending are sent now."""
    actor = request.actor
    subscription = selectors.subscription_get(actor=actor, subscription_id=subscription_id)
    return services.subscription_resume(actor=actor, subscription=subscription)


@router.post(
    "/webhooks/{subscription_id}/rotate-secret",
    response=SubscriptionWithSecretOut,
    operation_id="webhooks_rotate_secret",
)
def webhooks_rotate_secret(
    request: ActorRequest, subscription_id: int, payload: NoBody | None = None
) -> WebhookSubscription:
    """A new signing secret, returned this once; the old one stops working at once."""
    actor = request.actor
    subscription = selectors.subscription_get(actor=actor, subscription_id=subscription_id)
    return services.subscription_rotate_secret(actor=actor, subscription=subscription)


@router.get(
    "/webhooks/{subscription_id}/deliveries",
    response=list[DeliveryOut],
    operation_id="webhook_deliveries_list",
)
@paginate(Pages)
def webhook_deliveries_list(
    request: ActorRequest, subscription_id: int
) -> QuerySet[WebhookDelivery]:
    """The subscription's deliveries, newest first."""
    actor = request.actor
    subscription = selectors.subscription_get(actor=actor, subscription_id=subscription_id)
    return selectors.delivery_list(actor=actor, subscription=subscription)


@router.get(
    "/webhook-deliveries/{delivery_id}",
    response=DeliveryDetailOut,
    operation_id="webhook_deliveries_get",
)
def webhook_deliveries_get(request: ActorRequest, delivery_id: int) -> WebhookDelivery:
    """A delivery with its payload and every attempt (response code, duration, answer)."""
    return selectors.delivery_get(actor=request.actor, delivery_id=delivery_id)


@router.post(
    "/webhook-deliveries/{delivery_id}/replay",
    response={202: DeliveryOut},
    operation_id="webhook_deliveries_replay",
)
def webhook_deliveries_replay(
    request: ActorRequest, delivery_id: int, payload: NoBody | None = None
) -> Status[WebhookDelivery]:
    """Send the event again as a new delivery, with the same payload and event ``id``."""
    actor = request.actor
    delivery = selectors.delivery_get(actor=actor, delivery_id=delivery_id)
    return Status(202, services.delivery_replay(actor=actor, delivery=delivery))
