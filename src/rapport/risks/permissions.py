"""Who may do what with a project's risks and issues: the team keeps the register and the
log; the project's managers decide what the client sees."""

from __future__ import annotations

from rapport.clients.models import Client
from rapport.projects import permissions as project_permissions
from rapport.projects.models import Project
from rapport.risks.models import Conflict
from rapport.tenancy.actors import Actor


def can_view(actor: Actor, project: Project) -> bool:
    """The register and the log in the app: everyone on the project's team."""
    return actor.is_member and project_permissions.can_track(actor, project)


def can_record(actor: Actor, project: Project) -> bool:
    """Raise and update risks and issues, record that a risk occurred, resolve an issue:
    everyone on the project's team."""
    return can_view(actor, project)


def can_share(actor: Actor, project: Project) -> bool:
    """Make a risk client-visible or share an issue with the client: its PM, owners, admins."""
    return project_permissions.can_edit_project(actor, project)


def can_keep_conflicts(actor: Actor) -> bool:
    """The conflict register is for the organisation's managers (owners, admins, PMs)."""
    return actor.is_manager


def can_record_conflict(actor: Actor, client: Client) -> bool:
    """Owners and admins for every client; a PM for the clients whose projects they manage."""
    if not actor.is_manager or client.organisation_id != actor.organisation_id:
        return False
    return actor.is_admin or client.projects.filter(pm=actor.user).exists()


def can_handle_conflict(actor: Actor, conflict: Conflict) -> bool:
    """Edit, add steps, link evidence, close: whoever may record conflicts for its client."""
    return can_record_conflict(actor, conflict.client)
