"""The columns of the audit trail, as exported: one line per event, its changes in one cell."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.audit import labels
from rapport.audit.models import AuditEvent
from rapport.core.export import Column


def _shown(value: object) -> str:
    return "—" if value in (None, "") else str(value)


def _changes(event: AuditEvent) -> str:
    return "; ".join(
        f"{label}: {_shown(old)} → {_shown(new)}" for label, old, new in labels.change_rows(event)
    )


AUDIT_COLUMNS: list[Column[AuditEvent]] = [
    Column(_("Time"), lambda event: event.created_at),
    Column(_("Who"), lambda event: event.actor_label),
    Column(_("Action"), lambda event: labels.action_label(event.action)),
    Column(_("Record type"), lambda event: str(event.content_type.name)),
    Column(_("Record"), lambda event: event.object_repr),
    Column(_("Changes"), _changes),
    Column(_("IP address"), lambda event: event.ip),
]
