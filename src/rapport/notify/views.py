from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from rapport.core import export
from rapport.core.forms import add_service_errors
from rapport.core.pagination import paginate
from rapport.notify import exports, kinds, recipients, selectors, services
from rapport.notify.forms import PreferencesForm
from rapport.notify.selectors import outbox_visible_to
from rapport.portal.access import contact_required
from rapport.tenancy import permissions
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import ActorRequest, client_ip


@member_required
def outbox_list(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if not permissions.can_read_outbox(actor):
        raise Http404
    emails = outbox_visible_to(actor).defer("body_text", "body_html")
    return render(request, "notify/outbox.html", {"page": paginate(request, emails)})


@member_required
def outbox_export(request: ActorRequest, fmt: str) -> HttpResponse:
    actor = request.actor
    if not permissions.can_read_outbox(actor):
        raise Http404
    return export.response(
        fmt,
        name="outbox",
        title=_("Outbox"),
        columns=exports.OUTBOX_COLUMNS,
        rows=outbox_visible_to(actor)
        .defer("body_text", "body_html")
        .order_by("-created_at", "-id"),
    )


@member_required
def outbox_detail(request: ActorRequest, email_id: int) -> HttpResponse:
    actor = request.actor
    email = get_object_or_404(outbox_visible_to(actor), pk=email_id)
    return render(request, "notify/outbox_detail.html", {"email": email})


# --- the notification centre, the same pages for members (app) and contacts (portal) ----------


def _urls(request: ActorRequest) -> str:
    return "notifications" if request.actor.is_member else "portal_notifications"


def _base(request: ActorRequest) -> str:
    return "app/base.html" if request.actor.is_member else "portal/base.html"


def _list(request: ActorRequest) -> HttpResponse:
    notifications = selectors.notifications_of(request.actor).defer("email", "language")
    context = {
        "page": paginate(request, notifications),
        "base": _base(request),
        "ns": _urls(request),
    }
    return render(request, "notify/notifications.html", context)


def _export(request: ActorRequest, fmt: str) -> HttpResponse:
    return export.response(
        fmt,
        name="notifications",
        title=_("Notifications"),
        columns=exports.NOTIFICATION_COLUMNS,
        rows=selectors.notifications_of(request.actor).defer("email", "language"),
    )


def _open(request: ActorRequest, notification_id: int) -> HttpResponse:
    """Follow a notification to where it is handled, marking it read on the way."""
    notification = get_object_or_404(selectors.notifications_of(request.actor), pk=notification_id)
    services.notification_mark_read(actor=request.actor, notification=notification)
    return redirect(notification.link or f"{_urls(request)}:list")


def _read(request: ActorRequest, notification_id: int) -> HttpResponse:
    notification = get_object_or_404(selectors.notifications_of(request.actor), pk=notification_id)
    services.notification_mark_read(actor=request.actor, notification=notification)
    return redirect(f"{_urls(request)}:list")


def _read_all(request: ActorRequest) -> HttpResponse:
    services.notifications_mark_all_read(actor=request.actor)
    return redirect(f"{_urls(request)}:list")


def _preferences(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    choosable = kinds.choosable(selectors.side_of(actor))
    chosen = selectors.preferences_of(actor)
    if request.method == "POST":
        form = PreferencesForm(request.POST, kinds=choosable, chosen=chosen)
        if form.is_valid():
            try:
                services.preferences_set(actor=actor, choices=form.choices())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your notification settings are saved."))
                return redirect(f"{_urls(request)}:preferences")
    else:
        form = PreferencesForm(kinds=choosable, chosen=chosen)
    context = {"form": form, "base": _base(request), "ns": _urls(request)}
    return render(request, "notify/preferences.html", context)


notifications_list = member_required(_list)
notifications_export = member_required(_export)
notification_open = member_required(_open)
notification_read = member_required(require_POST(_read))
notifications_read_all = member_required(require_POST(_read_all))
preferences = member_required(_preferences)

portal_notifications_list = contact_required(_list)
portal_notifications_export = contact_required(_export)
portal_notification_open = contact_required(_open)
portal_notification_read = contact_required(require_POST(_read))
portal_notifications_read_all = contact_required(require_POST(_read_all))
portal_preferences = contact_required(_preferences)


@csrf_exempt  # RFC 8058: the mail provider POSTs without a session; the token is the secret
def unsubscribe(request: ActorRequest, token: str) -> HttpResponse:
    """GET asks to confirm (so a link scanner fetching it changes nothing); POST turns the kind
    off for the person the link was sent to."""
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    try:
        if request.method == "POST":
            recipient, kind = services.unsubscribe(token=token, ip=client_ip(request))
        else:
            recipient, kind = recipients.from_unsubscribe_token(token)
    except recipients.BadUnsubscribeToken:
        return render(request, "notify/unsubscribe_invalid.html", status=400)
    context = {
        "kind": kind,
        "email": recipient.email,
        "done": request.method == "POST",
        "digest": kind.code == kinds.DIGEST,
    }
    return render(request, "notify/unsubscribe.html", context)
