"""Labels, in the reader's language, for the codes a frozen closure report stores."""

from __future__ import annotations

from django import template
from django.db.models import TextChoices

from rapport.changes.models import State
from rapport.risks.models import Conflict, Issue

register = template.Library()

CHOICES: dict[str, type[TextChoices]] = {
    "change_request": State,
    "issue": Issue.Status,
    "conflict": Conflict.Status,
    "strategy": Conflict.Strategy,
}


@register.filter
def choice_label(value: str, kind: str) -> str:
    choices = CHOICES.get(kind)
    if choices is None or value not in choices.values:
        return value
    return str(choices(value).label)
