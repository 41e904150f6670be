"""Webhooks send the organisation's data elsewhere: only its owners and admins manage them."""

from __future__ import annotations

from rapport.tenancy.actors import Actor


def can_manage_webhooks(actor: Actor) -> bool:
    return actor.is_admin
