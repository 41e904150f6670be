"""An organisation's feedback settings: what counts as a low score (and so opens a
follow-up), when that follow-up is due, and after how many days a survey reminds."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.core.services import require
from rapport.feedback import permissions
from rapport.feedback.models import NPS, RATING
from rapport.feedback.schedule_models import FeedbackSettings
from rapport.tenancy.actors import Actor

FIELDS = ("low_rating", "low_nps", "follow_up_days", "remind_after_days")
RANGES = {
    "low_rating": RATING,
    "low_nps": NPS,
    "follow_up_days": (1, 60),
    "remind_after_days": (1, 30),
}


def feedback_settings_of(organisation_id: int) -> FeedbackSettings:
    """The organisation's settings; the defaults (not saved) while an admin has set none."""
    return FeedbackSettings.objects.filter(
        organisation_id=organisation_id
    ).first() or FeedbackSettings(organisation_id=organisation_id)


def _whole(value: Any, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise ValueError
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.lstrip("-").isdigit():
        raise ValueError
    number = int(text)
    if not low <= number <= high:
        raise ValueError
    return number


@transaction.atomic
def feedback_settings_update(*, actor: Actor, **values: Any) -> FeedbackSettings:
    """Admins set the thresholds; each value is checked against its range before any write."""
    require(permissions.can_change_settings(actor))
    if set(values) - set(FIELDS):
        raise TypeError(f"unknown settings: {sorted(set(values) - set(FIELDS))}")
    errors: dict[str, str] = {}
    checked: dict[str, int] = {}
    for name, raw in values.items():
        low, high = RANGES[name]
        try:
            checked[name] = _whole(raw, low, high)
        except (TypeError, ValueError, OverflowError):
            errors[name] = _("Enter a whole number from %(low)d to %(high)d.") % {
                "low": low,
                "high": high,
            }
    if errors:
        raise ValidationError(errors)
    settings, _created = FeedbackSettings.objects.select_for_update().get_or_create(
        organisation_id=actor.organisation_id
    )
    before = audit.snapshot(settings, FIELDS)
    for name, value in checked.items():
        setattr(settings, name, value)
    settings.save()
    changes = audit.diff(before, audit.snapshot(settings, FIELDS))
    if changes or _created:
        audit.record(
            actor=actor,
            action="feedback_settings_updated",
            obj=settings,
            organisation_id=actor.organisation_id,
            changes=changes,
        )
    return settings
