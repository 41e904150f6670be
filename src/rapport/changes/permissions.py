"""Who may do what with a change request."""

from __future__ import annotations

from rapport.changes.models import ChangeRequest
from rapport.projects import permissions as project_permissions
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor


def can_raise(actor: Actor, project: Project) -> bool:
    """The project's PM (and admins) in the app; any portal contact of its client."""
    if actor.is_contact:
        return project.published_at is not None and _contact_of_client(actor, project)
    return project_permissions.can_edit_project(actor, project)


def can_evaluate(actor: Actor, project: Project) -> bool:
    """The PM, or a team member of the project to whom the PM delegates it."""
    return actor.is_member and project_permissions.can_track(actor, project)


def can_manage(actor: Actor, project: Project) -> bool:
    return project_permissions.can_edit_project(actor, project)


def can_approve_internally(actor: Actor, project: Project) -> bool:
    return actor.is_admin and project.organisation_id == actor.organisation_id


def can_decide(actor: Actor, project: Project) -> bool:
    return project_permissions.can_decide_for_client(actor, project)


def can_withdraw(actor: Actor, change_request: ChangeRequest) -> bool:
    if actor.is_contact:
        return change_request.requested_by_contact_id in actor.contact_ids
    return can_manage(actor, change_request.project)


def _contact_of_client(actor: Actor, project: Project) -> bool:
    from rapport.clients.models import Contact

    return Contact.objects.filter(
        pk__in=actor.contact_ids, client_id=project.client_id, portal_access=True
    ).exists()
