"""Showing messages: markdown rendered safely, and a wait in words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django import template
from django.utils.safestring import SafeString
from django.utils.timesince import timesince
from django.utils.translation import gettext

from rapport.core import markdown

register = template.Library()
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return markdown.render(text)


@register.filter
def wait(value: timedelta | float | None) -> str:
    """``3 days, 4 hours``: a duration in the reader's language, two units at most."""
    if value is None:
        return "—"
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    if seconds < 60:
        return gettext("less than a minute")
    return timesince(_EPOCH, _EPOCH + timedelta(seconds=max(seconds, 0)), depth=2)
