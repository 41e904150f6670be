"""The heat map's colour band of a cell."""

from __future__ import annotations

from django import template

from rapport.risks.models import band

register = template.Library()


@register.filter
def band_of(probability: int, impact: int) -> str:
    return band(int(probability) * int(impact))
