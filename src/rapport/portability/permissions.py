"""An organisation's export holds everything of it, people's emails and client files included:
only its owners request and download one."""

from __future__ import annotations

from rapport.tenancy.actors import Actor


def can_export_organisation(actor: Actor) -> bool:
    return actor.is_owner
