from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, QuerySet

from rapport.audit.models import AuditEvent
from rapport.tenancy.actors import Actor


def audit_events_visible_to(actor: Actor) -> QuerySet[AuditEvent]:
    """Only an organisation's owners and admins read its audit trail."""
    if not actor.is_admin:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(organisation=actor.organisation).select_related("content_type")


def audit_event_list(
    *,
    actor: Actor,
    action: str = "",
    object_type: str = "",
    actor_query: str = "",
    object_query: str = "",
    object_id: str = "",
    actor_user_id: int | None = None,
    actor_contact_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEvent]:
    events = audit_events_visible_to(actor)
    if object_id:
        events = events.filter(object_id=object_id)
    if actor_user_id is not None:
        events = events.filter(actor_user_id=actor_user_id)
    if actor_contact_id is not None:
        events = events.filter(actor_contact_id=actor_contact_id)
    if since is not None:
        events = events.filter(created_at__gte=since)
    if until is not None:
        events = events.filter(created_at__lt=until)
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(content_type__model=object_type)
    if actor_query:
        events = events.filter(actor_label__icontains=actor_query)
    if object_query:
        events = events.filter(object_repr__icontains=object_query)
    return events


def history_for(*, actor: Actor, obj: models.Model) -> QuerySet[AuditEvent]:
    """A record's history on its own page, for the organisation's members who can open it
    (the caller has already resolved ``obj`` through a scoped selector)."""
    if not actor.is_member:
        return AuditEvent.objects.none()
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return AuditEvent.objects.filter(
        organisation=actor.organisation, content_type=content_type, object_id=str(obj.pk)
    ).select_related("content_type")


def audit_record_types(*, actor: Actor) -> QuerySet[ContentType]:
    """The kinds of record the organisation's trail mentions, for the filter: one index seek
    per kind of record (a few dozen), never a pass over the whole trail."""
    mentioned = audit_events_visible_to(actor).filter(content_type=OuterRef("pk"))
    return ContentType.objects.filter(Exists(mentioned)).order_by("model")
