"""The audit trail through the API, read-only and for the organisation's owners and admins:
who changed what, when and from where, newest first, filtered by record, actor and time."""

from datetime import datetime
from typing import Annotated, Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from rapport.audit import selectors
from rapport.audit.models import AuditEvent
from rapport.core.api_pagination import CountedUpTo
from rapport.core.api_schemas import AwareDateTime
from rapport.core.forms import MAX_ID
from rapport.core.services import require
from rapport.tenancy import permissions
from rapport.tenancy.actors import ActorRequest

router = Router(tags=["audit trail"])

Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class AuditEventOut(Schema):
    id: int
    action: str
    object_type: str = Field(description="The kind of record, e.g. `project`, `changerequest`.")
    object_id: str
    object_repr: str
    actor_label: str
    actor_user_id: int | None
    actor_contact_id: int | None
    changes: dict[str, Any] = Field(description="Per field: `[old, new]`.")
    ip: str | None
    created_at: datetime

    @staticmethod
    def resolve_object_type(obj: AuditEvent) -> str:
        return obj.content_type.model


@router.get("/audit-events", response=list[AuditEventOut], operation_id="audit_events_list")
@paginate(CountedUpTo)
def audit_events_list(
    request: ActorRequest,
    object_type: Annotated[str, StringConstraints(max_length=100)] = "",
    object_id: Annotated[str, StringConstraints(max_length=40)] = "",
    action: Annotated[str, StringConstraints(max_length=40)] = "",
    actor_user_id: Id | None = None,
    actor_contact_id: Id | None = None,
    since: AwareDateTime | None = None,
    until: AwareDateTime | None = None,
) -> QuerySet[AuditEvent]:
    """Newest first. ``since`` is inclusive, ``until`` exclusive; a time without an offset
    is in UTC. ``count`` stops at 10,000: walk on while a page is full, or narrow the trail
    (``since``, ``until``, the filters) to count it exactly."""
    require(permissions.can_read_audit(request.actor))
    return selectors.audit_event_list(
        actor=request.actor,
        object_type=object_type.lower(),
        object_id=object_id,
        action=action,
        actor_user_id=actor_user_id,
        actor_contact_id=actor_contact_id,
        since=since,
        until=until,
    )


@router.get("/audit-events/{event_id}", response=AuditEventOut, operation_id="audit_events_get")
def audit_events_get(request: ActorRequest, event_id: int) -> AuditEvent:
    return get_object_or_404(selectors.audit_events_visible_to(request.actor), pk=event_id)
