"""Writing the audit trail. Every service that changes data calls ``record`` once per change."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from rapport.audit.models import AuditEvent
from rapport.core import versions, waiting_cache
from rapport.reports import health_store
from rapport.tenancy.actors import Actor


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


EMPTY = (None, "")


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of ``fields``, in a form the audit trail can store."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every field whose value changed; going from nothing to an
    empty value is no change, so a new record lists only the fields it set."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value and not (before.get(name) in EMPTY and value in EMPTY)
    }


def removal(before: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, None]}`` for a record being deleted: what it held."""
    return {name: [value, None] for name, value in before.items() if value not in EMPTY}


def record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
    organisation_id: int | None = None,
    contact_id: int | None = None,
) -> AuditEvent:
    """``contact_id``: which of a contact actor's contacts acted (their first, if not said)."""
    if contact_id is None and actor.is_contact and actor.contact_ids:
        contact_id = min(actor.contact_ids)
    organisation_id = (
        organisation_id
        if organisation_id is not None
        else getattr(obj, "organisation_id", None) or actor.organisation_id or None
    )
    versions.record_changed(organisation_id, obj._meta.app_label)
    waiting_cache.record_changed(organisation_id, obj)
    health_store.changed(obj, changes)
    return AuditEvent.objects.create(
        organisation_id=organisation_id,
        actor_user=actor.user,
        actor_contact_id=contact_id,
        actor_label=actor.label[:200],
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=dict(changes or {}),
        ip=actor.ip,
    )
