from __future__ import annotations

from typing import Any

from django import template

from rapport.clients import health

register = template.Library()


@register.filter
def health_band(score: int | None) -> str:
    return health.band(score)


@register.filter
def band_label(score: int | None) -> str:
    return str(health.BAND_LABELS.get(health.band(score), ""))


@register.filter
def band_colour(score: int | None) -> str:
    """The colour of the project health badges the band is shown with."""
    return health.BAND_COLOURS.get(health.band(score), "grey")


@register.filter
def part_label(key: str) -> str:
    return str(health.PART_LABELS.get(key, key))


@register.filter
def part_explanation(part: dict[str, Any]) -> str:
    return health.explain(part)
