"""Pieces every app's services share."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models

_no_nul = ProhibitNullCharactersValidator()


def require(allowed: bool) -> None:
    """Refuse an action the actor may see but not do."""
    if not allowed:
        raise PermissionDenied


def assign(obj: models.Model, fields: tuple[str, ...], values: dict[str, Any]) -> None:
    """Set the named fields from ``values``: text stripped, NUL characters refused (no
    database stores them and PostgreSQL rejects them), unknown names a programming error."""
    unknown = set(values) - set(fields)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    errors: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, str):
            try:
                _no_nul(value)
            except ValidationError as error:
                errors[name] = error
                continue
            value = value.strip()
        setattr(obj, name, value)
    if errors:
        raise ValidationError(errors)


def search_term(value: str | None, limit: int = 100) -> str:
    """A search box's text, safe for any database: NUL characters dropped, length bounded."""
    return (value or "").replace("\x00", "").strip()[:limit]
