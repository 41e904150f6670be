"""Schemas the API routers of several apps share."""

from __future__ import annotations

from ninja import Schema


class NoBody(Schema):
    """An action needs no body; one that is sent must still be a JSON object (else 400)."""
