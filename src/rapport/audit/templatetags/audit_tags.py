from typing import Any

from django import template

from rapport.audit import labels
from rapport.audit.models import AuditEvent

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    return labels.action_label(action)


@register.filter
def change_rows(event: AuditEvent) -> list[tuple[str, Any, Any]]:
    return labels.change_rows(event)
