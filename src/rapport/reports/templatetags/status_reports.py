"""Health colours and reasons in the reader's language; report narrative as safe HTML."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from rapport.core import markdown
from rapport.reports import health

register = template.Library()


@register.filter
def colour_label(colour: str | None) -> str:
    return health.colour_label(colour)


@register.filter
def dimension_label(name: str) -> str:
    return str(health.DIMENSION_LABELS.get(name, name))


@register.filter
def reason_text(reason: dict[str, Any]) -> str:
    return health.reason_text(reason)


@register.filter
def client_reason_text(reason: dict[str, Any]) -> str:
    return health.reason_text(reason, for_client=True)


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return markdown.render(text)


@register.filter
def client_visible(milestones: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in milestones or [] if m.get("client_visible", True)]


@register.filter
def issue_status_label(status: str) -> str:
    from rapport.risks.models import Issue

    return str(dict(Issue.Status.choices).get(status, status))


@register.filter
def affects_label(what: str) -> str:
    from rapport.reports.narrative import AFFECTS

    return str(AFFECTS.get(what, what))
