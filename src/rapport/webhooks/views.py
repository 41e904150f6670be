"""Webhook settings of the organisation, for its owners and admins: subscriptions, their
delivery log, and a replay of any delivery."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import export
from rapport.core.forms import add_service_errors
from rapport.core.pagination import paginate
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import ActorRequest
from rapport.webhooks import exports, selectors, services
from rapport.webhooks.forms import SubscriptionForm
from rapport.webhooks.models import WebhookSubscription
from rapport.webhooks.permissions import can_manage_webhooks


def _require_admin(request: ActorRequest) -> None:
    if not can_manage_webhooks(request.actor):
        raise PermissionDenied


def _secret_page(request: ActorRequest, subscription: WebhookSubscription) -> HttpResponse:
    """The secret, shown this once: it is never displayed again."""
    return render(request, "webhooks/secret.html", {"subscription": subscription})


@member_required
def subscription_list(request: ActorRequest) -> HttpResponse:
    _require_admin(request)
    subscriptions = selectors.subscription_list(actor=request.actor)
    return render(
        request,
        "webhooks/list.html",
        {"page": paginate(request, subscriptions)},
    )


@member_required
def subscription_list_export(request: ActorRequest, fmt: str) -> HttpResponse:
    _require_admin(request)
    return export.response(
        fmt,
        name="webhooks",
        title=_("Webhooks"),
        columns=exports.SUBSCRIPTION_COLUMNS,
        rows=selectors.subscription_list(actor=request.actor),
    )


@member_required
def delivery_list_export(request: ActorRequest, subscription_id: int, fmt: str) -> HttpResponse:
    actor = request.actor
    subscription = selectors.subscription_get(actor=actor, subscription_id=subscription_id)
    return export.response(
        fmt,
        name=f"webhook-deliveries-{subscription.pk}",
        title=_("Deliveries"),
        columns=exports.DELIVERY_COLUMNS,
        rows=selectors.delivery_list(actor=actor, subscription=subscription),
    )


@member_required
def subscription_create(request: ActorRequest) -> HttpResponse:
    _require_admin(request)
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscription = services.subscription_create(actor=request.actor, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _secret_page(request, subscription)
    return render(
        request,
        "webhooks/form.html",
        {"form": form, "title": _("New webhook")},
        status=400 if form.errors else 200,
    )


@member_required
def subscription_detail(request: ActorRequest, subscription_id: int) -> HttpResponse:
    actor = request.actor
    subscription = selectors.subscription_get(actor=actor, subscription_id=subscription_id)
    deliveries = selectors.delivery_list(actor=actor, subscription=subscription)
    return render(
        request,
        "webhooks/detail.html",
        {
            "subscription": subscription,
            "page": paginate(request, deliveries),
        },
    )


@member_required
def subscription_edit(request: ActorRequest, subscription_id: int) -> HttpResponse:
    actor = request.actor
    subscription = selectors.subscription_get(actor=actor, subscription_id=subscription_id)
    form = SubscriptionForm(
        request.POST or None,
        initial={
            "url": subscription.url,
            "description": subscription.description,
            "events": subscription.events,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_update(actor=actor, subscription=subscription, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The webhook is saved."))
            return redirect("webhooks:detail", subscription.pk)
    return render(
        request,
        "webhooks/form.html",
        {"form": form, "title": subscription.url, "subscription": subscription},
        status=400 if form.errors else 200,
    )


@require_POST
@member_required
def subscription_delete(request: ActorRequest, subscription_id: int) -> HttpResponse:
    actor = request.actor
    subscription = selectors.subscription_get(actor=actor, subscription_id=subscription_id)
    services.subscription_delete(actor=actor, subscription=subscription)
    messages.success(request, _("The webhook is deleted."))
    return redirect("webhooks:list")


@require_POST
@member_required
def subscription_pause(request: ActorRequest, subscription_id: int) -> HttpResponse:
    actor = request.actor
    subscription = selectors.subscription_get(actor=actor, subscription_id=subscription_id)
    services.subscription_pause(actor=actor, subscription=subscription)
    messages.success(request, _("The webhook is paused: no event is sent to it."))
    return redirect("webhooks:detail", subscription.pk)


@require_POST
@member_required
def subscription_resume(request: ActorRequest, subscription_id: int) -> HttpResponse:
    actor = request.actor
    subscription = selectors.subscription_get(actor=actor, subscription_id=subscription_id)
    services.subscription_resume(actor=actor, subscription=subscription)
    messages.success(request, _("The webhook is active again; pending deliveries are sent now."))
    return redirect("webhooks:detail", subscription.pk)


@require_POST
@member_required
def subscription_rotate(request: ActorRequest, subscription_id: int) -> HttpResponse:
    actor = request.actor
    subscription = selectors.subscription_get(actor=actor, subscription_id=subscription_id)
    subscription = services.subscription_rotate_secret(actor=actor, subscription=subscription)
    return _secret_page(request, subscription)


@member_required
def delivery_detail(request: ActorRequest, delivery_id: int) -> HttpResponse:
    delivery = selectors.delivery_get(actor=request.actor, delivery_id=delivery_id)
    return render(
        request,
        "webhooks/delivery.html",
        {
            "delivery": delivery,
            "attempts": delivery.attempt_log.all(),
            "body": services.body_of(delivery).decode(),
        },
    )


@require_POST
@member_required
def delivery_replay(request: ActorRequest, delivery_id: int) -> HttpResponse:
    delivery = selectors.delivery_get(actor=request.actor, delivery_id=delivery_id)
    services.delivery_replay(actor=request.actor, delivery=delivery)
    messages.success(request, _("The event is sent again as a new delivery."))
    return redirect("webhooks:detail", delivery.subscription_id)
