"""Webhook subscriptions, the emission of events and their delivery.

Services of the other apps call ``emit`` inside their transaction: a delivery row is written
for every active subscription to the event, and the worker sends each one once the transaction
commits (a rolled-back action sends nothing). A failed attempt is tried again later with a
growing delay; a subscription whose attempts keep failing is paused and its admins told."""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.core.services import assign, require
from rapport.notify.services import email_queue
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import ADMIN_ROLES, Membership, Organisation
from rapport.webhooks import events, transport
from rapport.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from rapport.webhooks.permissions import can_manage_webhooks

SUBSCRIPTION_FIELDS = ("url", "description", "events")
# The delay before attempts 2, 3, …: six attempts over about fifteen hours.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# While one worker sends a delivery no other picks it up; after this it is due again.
LEASE = timedelta(minutes=2)
DUE_BATCH = 100


def _events(values: Any) -> list[str]:
    chosen = set(values) if isinstance(values, list | tuple | set) else set()
    if not chosen:
        raise ValidationError({"events": _("Choose at least one event.")})
    unknown = sorted(str(name) for name in chosen if name not in events.EVENTS)
    if unknown:
        raise ValidationError(
            {"events": _("Unknown events: %(names)s.") % {"names": ", ".join(unknown)}}
        )
    return [name for name in events.EVENTS if name in chosen]  # in the registry's order


def _snapshot(subscription: WebhookSubscription) -> dict[str, Any]:
    """What the audit trail keeps of a subscription: never its secret."""
    return audit.snapshot(subscription, (*SUBSCRIPTION_FIELDS, "is_active"))


def _values(values: dict[str, Any]) -> dict[str, Any]:
    if "events" in values:
        values["events"] = _events(values["events"])
    if "url" in values:
        values["url"] = transport.check_url(str(values["url"]))
    return values


@transaction.atomic
def subscription_create(
    *, actor: Actor, url: str, events: list[str], description: str = ""
) -> WebhookSubscription:
    """A new subscription; its ``secret`` is readable on the returned object, and shown once."""
    require(can_manage_webhooks(actor))
    values = _values({"url": url, "events": events, "description": description})
    subscription = WebhookSubscription(
        organisation_id=actor.organisation_id,
        created_by=actor.user,
        secret=secrets.token_urlsafe(32),
    )
    assign(subscription, SUBSCRIPTION_FIELDS, values)
    subscription.full_clean(exclude=["organisation", "created_by"])
    subscription.save()
    audit.record(
        actor=actor,
        action="created",
        obj=subscription,
        changes=audit.diff({}, _snapshot(subscription)),
    )
    return subscription


def _locked(subscription: WebhookSubscription) -> WebhookSubscription:
    return WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)


@transaction.atomic
def subscription_update(
    *, actor: Actor, subscription: WebhookSubscription, **values: Any
) -> WebhookSubscription:
    require(can_manage_webhooks(actor))
    subscription = _locked(subscription)
    before = _snapshot(subscription)
    assign(subscription, SUBSCRIPTION_FIELDS, _values(values))
    subscription.full_clean(exclude=["organisation", "created_by"])
    subscription.save()
    if changes := audit.diff(before, _snapshot(subscription)):
        audit.record(actor=actor, action="updated", obj=subscription, changes=changes)
    return subscription


@transaction.atomic
def subscription_delete(*, actor: Actor, subscription: WebhookSubscription) -> None:
    """The subscription and its delivery log go; the audit trail keeps what it was."""
    require(can_manage_webhooks(actor))
    audit.record(
        actor=actor,
        action="deleted",
        obj=subscription,
        organisation_id=subscription.organisation_id,
        changes=audit.removal(_snapshot(subscription)),
    )
    subscription.delete()


@transaction.atomic
def subscription_rotate_secret(
    *, actor: Actor, subscription: WebhookSubscription
) -> WebhookSubscription:
    """A new secret signs every delivery from now on, retries of earlier events included."""
    require(can_manage_webhooks(actor))
    subscription = _locked(subscription)
    subscription.secret = secrets.token_urlsafe(32)
    subscription.save(update_fields=["secret", "updated_at"])
    audit.record(actor=actor, action="webhook_secret_rotated", obj=subscription)
    return subscription


def _pause(subscription: WebhookSubscription, *, actor: Actor, reason: str) -> None:
    subscription.is_active = False
    subscription.paused_at = timezone.now()
    subscription.pause_reason = reason[:200]
    subscription.save(update_fields=["is_active", "paused_at", "pause_reason", "updated_at"])
    audit.record(
        actor=actor,
        action="webhook_paused",
        obj=subscription,
        changes={"is_active": [True, False]},
    )


@transaction.atomic
def subscription_pause(*, actor: Actor, subscription: WebhookSubscription) -> WebhookSubscription:
    """No event is sent while paused, and no new delivery is recorded for it."""
    require(can_manage_webhooks(actor))
    subscription = _locked(subscription)
    if subscription.is_active:
        _pause(subscription, actor=actor, reason="")
    return subscription


@transaction.atomic
def subscription_resume(*, actor: Actor, subscription: WebhookSubscription) -> WebhookSubscription:
    """Active again, with a clean slate: the deliveries still pending are sent now."""
    require(can_manage_webhooks(actor))
    subscription = _locked(subscription)
    if subscription.is_active:
        return subscription
    subscription.is_active = True
    subscription.paused_at = None
    subscription.pause_reason = ""
    subscription.failures_in_a_row = 0
    subscription.save()
    audit.record(
        actor=actor,
        action="webhook_resumed",
        obj=subscription,
        changes={"is_active": [False, True]},
    )
    pending = subscription.deliveries.filter(status=WebhookDelivery.Status.PENDING)
    pending.update(next_attempt_at=timezone.now())
    _enqueue(list(pending.order_by("created_at", "id").values_list("pk", flat=True)))
    return subscription


@transaction.atomic
def delivery_replay(*, actor: Actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery's event again, as a new delivery with the same payload (and so the same
    event ``id``, by which the receiver recognises it)."""
    require(can_manage_webhooks(actor))
    replay = WebhookDelivery.objects.create(
        organisation_id=delivery.organisation_id,
        subscription_id=delivery.subscription_id,
        event=delivery.event,
        subject=delivery.subject,
        payload=delivery.payload,
        replay_of=delivery,
        next_attempt_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        action="webhook_replayed",
        obj=delivery.subscription,
        changes={"delivery": [None, str(replay.uuid)], "event": [None, delivery.event]},
    )
    _enqueue([replay.pk])
    return replay


# --- emission -------------------------------------------------------------------------------


def _enqueue(delivery_ids: Iterable[int]) -> None:
    from rapport.webhooks.tasks import deliver_webhook

    ids = list(delivery_ids)

    def enqueue() -> None:
        for pk in ids:
            deliver_webhook.enqueue(delivery_id=pk)

    if ids:
        transaction.on_commit(enqueue)


def emit(event: str, organisation_id: int, data: dict[str, Any]) -> list[WebhookDelivery]:
    """Record ``event`` for every active subscription of the organisation that wants it, to be
    sent once the caller's transaction commits. ``data`` must have exactly the event's
    documented fields."""
    spec = events.get(event)
    if set(data) != set(spec.fields):
        raise ValueError(f"{event} data must have the fields {spec.fields}, not {sorted(data)}")
    subscriptions = [
        subscription
        for subscription in WebhookSubscription.objects.filter(
            organisation_id=organisation_id, is_active=True
        ).only("id", "events")
        if event in subscription.events
    ]  # few per organisation; a JSON "contains" lookup does not work on SQLite
    if not subscriptions:
        return []
    organisation = Organisation.objects.only("name").get(pk=organisation_id)
    now = timezone.now()
    payload = json.loads(
        json.dumps(
            {
                "id": str(uuid.uuid4()),
                "event": event,
                "created_at": now,
                "organisation": {"id": organisation_id, "name": organisation.name},
                "data": data,
            },
            cls=DjangoJSONEncoder,
        )
    )
    deliveries = [
        WebhookDelivery.objects.create(
            organisation_id=organisation_id,
            subscription_id=subscription.pk,
            event=event,
            subject=f"{spec.subject}={data[spec.subject]}",
            payload=payload,
            next_attempt_at=now,
        )
        for subscription in subscriptions
    ]
    _enqueue(delivery.pk for delivery in deliveries)
    return deliveries


# --- delivery (the worker) ------------------------------------------------------------------


def _pending_before(delivery: WebhookDelivery) -> QuerySet[WebhookDelivery]:
    """Earlier deliveries of the same object to the same subscription, not yet done."""
    return WebhookDelivery.objects.filter(
        subscription_id=delivery.subscription_id,
        subject=delivery.subject,
        status=WebhookDelivery.Status.PENDING,
        pk__lt=delivery.pk,
    )


def _claim(delivery_id: int, now: datetime) -> bool:
    """Take a due delivery for one attempt; False when it is not due, done, waits for an
    earlier event of the same object, or another worker has it. A conditional update, so two
    workers never send the same attempt."""
    waiting = WebhookDelivery.objects.filter(pk=delivery_id).only("subscription_id", "subject")
    if (delivery := waiting.first()) is None or _pending_before(delivery).exists():
        return False
    claimed = WebhookDelivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        pk=delivery_id,
        status=WebhookDelivery.Status.PENDING,
        subscription__is_active=True,
    ).update(next_attempt_at=now + LEASE, attempts=F("attempts") + 1)
    return claimed == 1


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()


def deliver(*, delivery_id: int, now: datetime | None = None) -> WebhookDelivery | None:
    """One attempt at a delivery, if it is due. Idempotent: a delivered one is never sent
    again. The POST runs outside any transaction, so a slow receiver holds no lock."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return None
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    subscription = delivery.subscription
    body = body_of(delivery)
    answer = transport.post(
        url=subscription.url,
        body=body,
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Rapport-Webhooks/1",
            "Rapport-Event": delivery.event,
            "Rapport-Delivery": str(delivery.uuid),
            "Rapport-Signature": transport.signature(
                subscription.secret, int(now.timestamp()), body
            ),
        },
    )
    _record(delivery, answer, now)
    return delivery


@transaction.atomic
def _record(delivery: WebhookDelivery, answer: transport.Answer, now: datetime) -> None:
    if not WebhookSubscription.objects.filter(pk=delivery.subscription_id).exists():
        return  # deleted while the POST was on its way: nothing left to log it in
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        started_at=now,
        duration_ms=answer.duration_ms,
        status_code=answer.status_code,
        response_body=answer.body,
        error=answer.error,
        succeeded=answer.succeeded,
    )
    delivery.last_status_code = answer.status_code
    if answer.succeeded:
        delivery.status = WebhookDelivery.Status.SUCCEEDED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
    delivery.save(update_fields=["status", "delivered_at", "next_attempt_at", "last_status_code"])
    if delivery.status != WebhookDelivery.Status.PENDING:
        _release_next(delivery)
    subscription = _locked(delivery.subscription)
    if answer.succeeded:
        subscription.failures_in_a_row = 0
        subscription.save(update_fields=["failures_in_a_row"])
        return
    subscription.failures_in_a_row += 1
    subscription.save(update_fields=["failures_in_a_row"])
    if (
        subscription.is_active
        and subscription.failures_in_a_row >= settings.RAPPORT_WEBHOOKS_PAUSE_AFTER
    ):
        _pause(
            subscription,
            actor=Actor.system(subscription.organisation),
            reason=_("%(count)s failed attempts in a row")
            % {"count": subscription.failures_in_a_row},
        )
        _tell_admins(subscription)


def _release_next(delivery: WebhookDelivery) -> None:
    """The next event of the same object, held back until this one was done, goes now."""
    following = (
        WebhookDelivery.objects.filter(
            subscription_id=delivery.subscription_id,
            subject=delivery.subject,
            status=WebhookDelivery.Status.PENDING,
            pk__gt=delivery.pk,
        )
        .order_by("pk")
        .first()
    )
    if following is not None:
        _enqueue([following.pk])


def _tell_admins(subscription: WebhookSubscription) -> None:
    link = settings.SITE_URL + reverse("webhooks:detail", args=[subscription.pk])
    admins = Membership.objects.filter(
        organisation_id=subscription.organisation_id, role__in=ADMIN_ROLES, user__is_active=True
    ).select_related("user", "organisation")
    for membership in admins:
        email_queue(
            to=membership.user.email,
            template="webhook_paused",
            context={
                "name": membership.user.full_name,
                "organisation": membership.organisation.name,
                "url": subscription.url,
                "failures": subscription.failures_in_a_row,
                "link": link,
            },
            language=membership.user.language,
            kind="webhook_paused",
            organisation_id=subscription.organisation_id,
        )


def deliver_due(*, now: datetime | None = None) -> int:
    """The retries that are due (and first attempts whose job was lost), oldest first."""
    now = now or timezone.now()
    due = (
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at__lte=now,
            subscription__is_active=True,
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:DUE_BATCH]
    )
    return sum(deliver(delivery_id=pk, now=now) is not None for pk in list(due))
