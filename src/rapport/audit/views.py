from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from rapport.audit import exports, selectors
from rapport.audit.labels import ACTION_LABELS
from rapport.core import export
from rapport.core.pagination import paginate
from rapport.core.services import search_term
from rapport.tenancy import permissions
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import ActorRequest

ACTIONS = list(ACTION_LABELS)
PAGE_SIZE = 50
COUNT_LIMIT = 10_000  # a million events in ten years: the page counts this far at most


def _filters(request: ActorRequest) -> dict[str, Any]:
    """The trail's filters; only those who may read it see it at all."""
    if not permissions.can_read_audit(request.actor):
        raise Http404
    return {
        "action": request.GET.get("action", "") if request.GET.get("action") in ACTIONS else "",
        "object_type": search_term(request.GET.get("type"), 40),
        "actor_query": search_term(request.GET.get("who")),
        "object_query": search_term(request.GET.get("q")),
    }


@member_required
def audit_export(request: ActorRequest, fmt: str) -> HttpResponse:
    filters = _filters(request)
    return export.response(
        fmt,
        name="audit-trail",
        title=_("Audit trail"),
        columns=exports.AUDIT_COLUMNS,
        rows=selectors.audit_event_list(actor=request.actor, **filters),
    )


@member_required
def audit_list(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    filters = _filters(request)
    events = selectors.audit_event_list(actor=actor, **filters)
    types = selectors.audit_record_types(actor=actor)
    return render(
        request,
        "audit/list.html",
        {
            "page": paginate(request, events, per_page=PAGE_SIZE, count_limit=COUNT_LIMIT),
            "filters": filters,
            "actions": ACTIONS,
            "types": types,
        },
    )
