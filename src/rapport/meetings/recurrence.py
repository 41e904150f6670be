"""Occurrences of a recurring meeting, computed the way RFC 5545 expands its rule: in the
organiser's wall-clock time (a weekly 10:00 stays 10:00 across a daylight-saving change), a
monthly meeting on the same day of the month, skipping months that lack that day. Pure
functions; no database."""

from __future__ import annotations

import calendar
import zoneinfo
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_OCCURRENCES = 52
STEP_DAYS = {"weekly": 7, "fortnightly": 14}
RULES: dict[str, dict[str, Any]] = {  # the RRULE parts of each frequency
    "weekly": {"freq": "weekly"},
    "fortnightly": {"freq": "weekly", "interval": 2},
    "monthly": {"freq": "monthly"},
}


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def zone(name: str) -> zoneinfo.ZoneInfo:
    """A known IANA time zone, or a clear refusal (never a file looked up by a name)."""
    if name not in _zones():
        raise ValidationError({"time_zone": _("Choose a time zone.")}, code="time_zone")
    return zoneinfo.ZoneInfo(name)


def localise(value: datetime, time_zone: str, field: str = "start") -> datetime:
    """An aware datetime from ``value``: naive values are wall-clock time in ``time_zone``, and
    must exist there (not fall in the hour skipped when clocks go forward)."""
    tz = zone(time_zone)
    if value.tzinfo is not None:
        return value.astimezone(tz)
    aware = value.replace(tzinfo=tz)
    back = aware.astimezone(zoneinfo.ZoneInfo("UTC")).astimezone(tz)
    if back.replace(tzinfo=None) != value:
        raise ValidationError(
            {
                field: _(
                    "%(time)s does not exist in %(zone)s on that day: the clocks go forward. "
                    "Choose another time."
                )
                % {"time": value.strftime("%H:%M"), "zone": time_zone}
            },
            code="nonexistent_time",
        )
    return aware


def _add_months(first: date, months: int) -> date | None:
    year, month = divmod(first.month - 1 + months, 12)
    year, month = first.year + year, month + 1
    if first.day > calendar.monthrange(year, month)[1]:
        return None  # RFC 5545: an invalid date (the 31st of April) is skipped
    return first.replace(year=year, month=month)


def starts(
    first: datetime, *, frequency: str, until: date | None = None, count: int | None = None
) -> list[datetime]:
    """The starts of a series whose first occurrence is ``first`` (aware, in the organiser's
    time zone), up to ``until`` (inclusive, a day in that zone) or ``count`` occurrences."""
    if frequency not in RULES:
        raise ValidationError({"frequency": _("Choose weekly, fortnightly or monthly.")})
    if (until is None) == (count is None):
        raise ValidationError(
            {"until": _("End the series on a date or after a number of occurrences (one of them).")}
        )
    if count is not None and not 2 <= count <= MAX_OCCURRENCES:
        raise ValidationError(
            {
                "count": _("A series has between 2 and %(max)d occurrences.")
                % {"max": MAX_OCCURRENCES}
            }
        )
    if until is not None and until <= first.date():
        raise ValidationError({"until": _("The series ends after its first meeting.")})
    tz = first.tzinfo
    wall = first.replace(tzinfo=None)
    result: list[datetime] = []
    step = 0
    while True:
        if frequency == "monthly":
            day = _add_months(wall.date(), step)
            step += 1
            if day is None:
                continue
            local = datetime.combine(day, wall.time())
        else:
            local = wall + timedelta(days=STEP_DAYS[frequency] * step)
            step += 1
        if until is not None and local.date() > until:
            break
        result.append(local.replace(tzinfo=tz))
        if count is not None and len(result) == count:
            break
        if len(result) > MAX_OCCURRENCES:
            raise ValidationError(
                {
                    "until": _(
                        "A series has at most %(max)d occurrences: choose an earlier end date."
                    )
                    % {"max": MAX_OCCURRENCES}
                }
            )
    if len(result) < 2:
        raise ValidationError({"until": _("The series must have at least two occurrences.")})
    return result
