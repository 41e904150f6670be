"""Who may do what with a project's closure."""

from __future__ import annotations

from rapport.projects import permissions as project_permissions
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor


def can_view(actor: Actor, project: Project) -> bool:
    """Everyone on the project in the app; the client once it is closed."""
    if actor.is_contact:
        return True  # scoped by the closure's selector: closed and published only
    return project_permissions.is_on_project(actor, project)


def can_manage(actor: Actor, project: Project) -> bool:
    """Write the summary and lessons, tick the budget, close: the PM and admins."""
    return project_permissions.can_edit_project(actor, project)


def can_override(actor: Actor, project: Project) -> bool:
    """Close despite what blocks it, with a reason: admins only."""
    return actor.is_admin and project.organisation_id == actor.organisation_id


def can_accept(actor: Actor, project: Project) -> bool:
    return project_permissions.can_decide_for_client(actor, project)
