"""Schemas the API routers of several apps share."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from django.utils import timezone
from ninja import Schema
from pydantic import AfterValidator


class NoBody(Schema):
    """An action needs no body; one that is sent must still be a JSON object (else 400)."""


def _aware(value: datetime) -> datetime:
    """A time without an offset is taken in the site's time zone; one that cannot be stored
    in UTC (year 1 east of Greenwich, year 9999 west of it) is invalid."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        # Stored in UTC: an offset a database cannot hold (PostgreSQL stops at ±15:59) is gone.
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("out of range") from None


AwareDateTime = Annotated[datetime, AfterValidator(_aware)]
