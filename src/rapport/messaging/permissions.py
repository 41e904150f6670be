"""Who takes part in a project's conversations: its team in the app, and its client's portal
contacts in the portal once the project is published. Nobody else sees that they exist."""

from __future__ import annotations

from rapport.clients.models import Contact
from rapport.projects import permissions as project_permissions
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor


def speaking_contact(actor: Actor, project: Project) -> Contact | None:
    """The actor's portal contact at the project's client, if the project is published."""
    if not actor.is_contact or project.published_at is None:
        return None
    return (
        Contact.objects.filter(
            pk__in=actor.contact_ids, client_id=project.client_id, portal_access=True
        )
        .order_by("pk")
        .first()
    )


def can_take_part(actor: Actor, project: Project) -> bool:
    """Read and write the project's threads: everyone on its team, and its client's portal
    contacts."""
    if actor.is_member:
        return project.organisation_id == actor.organisation_id and (
            project_permissions.is_on_project(actor, project)
        )
    return speaking_contact(actor, project) is not None
