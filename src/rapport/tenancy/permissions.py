"""Who may do what in an organisation. Services ask these; views never re-implement them."""

from __future__ import annotations

from rapport.tenancy.actors import Actor
from rapport.tenancy.models import Membership, Role


def can_manage_team(actor: Actor) -> bool:
    return actor.is_admin


def can_grant_role(actor: Actor, role: str) -> bool:
    """Admins manage admins, PMs and team members; only an owner makes or unmakes owners."""
    return actor.is_owner or (actor.is_admin and role != Role.OWNER)


def can_change_membership(actor: Actor, membership: Membership) -> bool:
    return (
        membership.organisation_id == actor.organisation_id
        and can_manage_team(actor)
        and can_grant_role(actor, membership.role)
    )


def can_read_audit(actor: Actor) -> bool:
    return actor.is_admin


def can_read_outbox(actor: Actor) -> bool:
    return actor.is_admin
