from __future__ import annotations

from rapport.clients.models import Client, Contact
from rapport.tenancy.actors import Actor


def can_create_client(actor: Actor) -> bool:
    return actor.is_manager


def can_edit_client(actor: Actor, client: Client) -> bool:
    return actor.is_manager and client.organisation_id == actor.organisation_id


def can_edit_contact(actor: Actor, contact: Contact) -> bool:
    return actor.is_manager and contact.organisation_id == actor.organisation_id


def can_manage_portal_access(actor: Actor, contact: Contact) -> bool:
    return can_edit_contact(actor, contact)


def can_view_client_health(actor: Actor, client: Client) -> bool:
    """The score reads the conflicts register, which team members do not see."""
    return actor.is_manager and client.organisation_id == actor.organisation_id
