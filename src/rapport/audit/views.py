from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render

from rapport.audit import selectors
from rapport.audit.labels import ACTION_LABELS
from rapport.core.pagination import paginate
from rapport.core.services import search_term
from rapport.tenancy import permissions
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import ActorRequest

ACTIONS = list(ACTION_LABELS)


@member_required
def audit_list(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if not permissions.can_read_audit(actor):
        raise Http404
    filters = {
        "action": request.GET.get("action", "") if request.GET.get("action") in ACTIONS else "",
        "object_type": search_term(request.GET.get("type"), 40),
        "actor_query": search_term(request.GET.get("who")),
        "object_query": search_term(request.GET.get("q")),
    }
    events = selectors.audit_event_list(
        actor=actor,
        action=filters["action"],
        object_type=filters["object_type"],
        actor_query=filters["actor_query"],
        object_query=filters["object_query"],
    )
    types = selectors.audit_record_types(actor=actor)
    return render(
        request,
        "audit/list.html",
        {
            "page": paginate(request, events, per_page=50),
            "filters": filters,
            "actions": ACTIONS,
            "types": types,
        },
    )
