"""Meeting times in a named zone (the organiser's), written out as text: Django's ``date``
filter would turn any moment back into the reader's zone."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django import template

register = template.Library()


@register.filter
def at_zone(value: datetime | str | None, zone: str) -> str:
    """``2027-03-22 10:00`` for ``value`` (a moment, or its ISO text) in ``zone``."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    try:
        tz = zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo("UTC")
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


@register.filter
def moment(value: str | None) -> datetime | None:
    """A stored ISO moment as a datetime (shown in the reader's zone by ``date``)."""
    return datetime.fromisoformat(value) if value else None
