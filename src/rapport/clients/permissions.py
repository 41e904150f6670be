from __future__ import annotations

from rapport.clients.models import Client, ClientImport, Contact
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


def can_import_clients(actor: Actor) -> bool:
    return can_create_client(actor)


def can_use_client_import(actor: Actor, client_import: ClientImport) -> bool:
    """An upload waiting to be imported is its uploader's draft."""
    return (
        can_import_clients(actor)
        and client_import.organisation_id == actor.organisation_id
        and actor.user is not None
        and client_import.owner_id == actor.user.pk
    )
