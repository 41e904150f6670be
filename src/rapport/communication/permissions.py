"""Who may do what with a project's communication: the register, the plan and the log are
internal; the client never sees them."""

from __future__ import annotations

from rapport.clients.models import Client
from rapport.communication.models import Interaction
from rapport.projects import permissions as project_permissions
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor


def can_view(actor: Actor, project: Project) -> bool:
    """The register, the plan and the log: everyone on the project's team."""
    return project.organisation_id == actor.organisation_id and project_permissions.is_on_project(
        actor, project
    )


def can_plan(actor: Actor, project: Project) -> bool:
    """The register and the plan: the project's PM, owners and admins."""
    return project_permissions.can_edit_project(actor, project)


def can_log(actor: Actor, client: Client, project: Project | None) -> bool:
    """A touchpoint on a project: anyone on its team; on a client at large: a manager."""
    if not actor.is_member or client.organisation_id != actor.organisation_id:
        return False
    if project is not None:
        return project.client_id == client.pk and can_view(actor, project)
    return actor.is_manager


def can_delete(actor: Actor, interaction: Interaction) -> bool:
    """A touchpoint logged by mistake: whoever logged it, or the project's managers."""
    if not actor.is_member or interaction.organisation_id != actor.organisation_id:
        return False
    if actor.user is not None and interaction.created_by_id == actor.user.pk:
        return True
    if interaction.project is not None:
        return can_plan(actor, interaction.project)
    return actor.is_admin
