"""Turning a request into a contact ``Actor`` for the client portal. Anyone without portal
access gets a 404: the portal does not exist for them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from rapport.clients.selectors import portal_contacts_of
from rapport.tenancy.actors import Actor, client_ip


def contact_actor(request: HttpRequest) -> Actor | None:
    if not request.user.is_authenticated:
        return None
    contact_ids = frozenset(portal_contacts_of(request.user.pk).values_list("pk", flat=True))
    if not contact_ids:
        return None
    return Actor.contact(request.user, contact_ids, ip=client_ip(request))


def contact_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor = contact_actor(request)
        if actor is None:
            raise Http404
        request.actor = actor  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
