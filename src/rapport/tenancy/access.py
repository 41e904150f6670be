"""Turning a request into an ``Actor`` for the internal app. Anyone who is not a member of
an organisation gets a 404 here: the app does not exist for them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from rapport.tenancy import selectors
from rapport.tenancy.actors import Actor, client_ip

SESSION_ORGANISATION = "organisation_id"


def member_actor(request: HttpRequest) -> Actor | None:
    if not request.user.is_authenticated:
        return None
    membership = selectors.active_membership(
        request.user, request.session.get(SESSION_ORGANISATION)
    )
    if membership is None:
        return None
    return Actor.member(
        request.user, membership.organisation, membership.role, ip=client_ip(request)
    )


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor = member_actor(request)
        if actor is None:
            raise Http404
        request.actor = actor  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The email address django-axes counts failures against, in one letter case."""
    from rapport.tenancy.models import normalize_email

    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return normalize_email(str(raw))


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' lock-out: the page in the visitor's language, a 429 saying when to retry."""
    from django.conf import settings

    from rapport.core.ratelimit import too_many

    return too_many(
        request,
        int(settings.AXES_COOLOFF_TIME.total_seconds()),
        template=settings.AXES_LOCKOUT_TEMPLATE,
    )
