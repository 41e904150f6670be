"""Who may do what with a status report."""

from __future__ import annotations

from rapport.clients.models import Contact
from rapport.projects import permissions as project_permissions
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor


def can_manage(actor: Actor, project: Project) -> bool:
    """Draft, edit, refresh and publish: the project's PM, owners and admins."""
    return project_permissions.can_edit_project(actor, project)


def can_draft(actor: Actor, project: Project) -> bool:
    """Those who manage the project's reports, and the schedule (the system acting for the
    project's organisation), which drafts but never edits or publishes."""
    if actor.kind == "system":
        return actor.organisation is not None and actor.organisation_id == project.organisation_id
    return can_manage(actor, project)


def can_acknowledge(actor: Actor, project: Project) -> bool:
    return acknowledging_contact(actor, project) is not None


def acknowledging_contact(actor: Actor, project: Project) -> Contact | None:
    """The actor's portal contact at the project's client, if any."""
    if not actor.is_contact or project.published_at is None:
        return None
    return (
        Contact.objects.filter(
            pk__in=actor.contact_ids, client_id=project.client_id, portal_access=True
        )
        .order_by("pk")
        .first()
    )


def can_answer(actor: Actor, project: Project) -> bool:
    """Answer the client's questions on a report: those who manage the project's reports."""
    return can_manage(actor, project)


def asking_contact(actor: Actor, project: Project) -> Contact | None:
    """Who asks or adds to a question on the project's reports: the actor's portal contact
    at the project's client (every portal contact of the client reads the same threads)."""
    return acknowledging_contact(actor, project)
