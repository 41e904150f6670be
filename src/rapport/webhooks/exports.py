"""The columns of the webhooks list and of a webhook's deliveries, as exported; the signing
secret and the payloads stay out."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.core.export import Column
from rapport.webhooks.models import WebhookDelivery, WebhookSubscription

SUBSCRIPTION_COLUMNS: list[Column[WebhookSubscription]] = [
    Column(_("URL"), lambda subscription: subscription.url),
    Column(_("Description"), lambda subscription: subscription.description),
    Column(_("Events"), lambda subscription: ", ".join(subscription.event_labels)),
    Column(_("Active"), lambda subscription: subscription.is_active),
    Column(_("Paused on"), lambda subscription: subscription.paused_at),
    Column(_("Why paused"), lambda subscription: subscription.pause_reason),
    Column(_("Failed attempts in a row"), lambda subscription: subscription.failures_in_a_row),
]

DELIVERY_COLUMNS: list[Column[WebhookDelivery]] = [
    Column(_("Time"), lambda delivery: delivery.created_at),
    Column(_("Event"), lambda delivery: delivery.event_label),
    Column(_("Status"), lambda delivery: delivery.get_status_display()),
    Column(_("Attempts"), lambda delivery: delivery.attempts),
    Column(_("Response"), lambda delivery: delivery.last_status_code),
    Column(_("Delivered"), lambda delivery: delivery.delivered_at),
]
