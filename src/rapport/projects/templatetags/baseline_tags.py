"""Small presentation helpers for the baseline pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from rapport.projects import smart
from rapport.projects.models import Milestone, Objective

register = template.Library()


@register.filter
def smart_checks(objective: Objective) -> list[smart.Check]:
    return smart.objective_checks(objective)


@register.filter
def failing(checks: list[smart.Check]) -> list[smart.Check]:
    return [check for check in checks if not check.passed]


@register.filter
def slip_days(milestone: Milestone) -> int:
    """Days between when it is expected (done, forecast or baseline) and its baseline date."""
    return (milestone.expected_date - milestone.baseline_date).days


@register.filter
def plain_number(value: Any) -> str:
    """A decimal without trailing zeros: 4.0000 is 4, 2.5000 is 2.5."""
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value)).normalize()
    except InvalidOperation:
        return str(value)
    return format(number, "f")


@register.filter
def absolute(value: int) -> int:
    return abs(value)
