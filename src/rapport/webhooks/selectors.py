"""Reads of webhooks: an organisation's admins see its subscriptions and their deliveries;
anyone else sees none, so every id they send is a 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from rapport.tenancy.actors import Actor
from rapport.webhooks.models import WebhookDelivery, WebhookSubscription
from rapport.webhooks.permissions import can_manage_webhooks


def subscriptions_visible_to(actor: Actor) -> QuerySet[WebhookSubscription]:
    if not can_manage_webhooks(actor):
        return WebhookSubscription.objects.none()
    return WebhookSubscription.objects.filter(organisation_id=actor.organisation_id)


def subscription_list(*, actor: Actor) -> QuerySet[WebhookSubscription]:
    return subscriptions_visible_to(actor).order_by("-created_at", "-id")


def subscription_get(*, actor: Actor, subscription_id: int) -> WebhookSubscription:
    return get_object_or_404(subscriptions_visible_to(actor), pk=subscription_id)


def deliveries_visible_to(actor: Actor) -> QuerySet[WebhookDelivery]:
    if not can_manage_webhooks(actor):
        return WebhookDelivery.objects.none()
    return WebhookDelivery.objects.filter(organisation_id=actor.organisation_id)


def delivery_list(*, actor: Actor, subscription: WebhookSubscription) -> QuerySet[WebhookDelivery]:
    """The subscription's deliveries, newest first."""
    return (
        deliveries_visible_to(actor)
        .filter(subscription=subscription)
        .order_by("-created_at", "-id")
    )


def delivery_get(*, actor: Actor, delivery_id: int) -> WebhookDelivery:
    return get_object_or_404(
        deliveries_visible_to(actor).select_related("subscription"), pk=delivery_id
    )
