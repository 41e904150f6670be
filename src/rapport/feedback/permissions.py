"""Who may do what with a project's client feedback: the team reads it and records what
clients say; the project's managers send surveys."""

from __future__ import annotations

from rapport.projects import permissions as project_permissions
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor


def can_view(actor: Actor, project: Project) -> bool:
    return actor.is_member and project_permissions.can_track(actor, project)


def can_record(actor: Actor, project: Project) -> bool:
    """Record an interview, a call, a comment in a meeting, an email: the project's team."""
    return can_view(actor, project)


def can_send(actor: Actor, project: Project) -> bool:
    """Send a survey to the client's contacts: the project's PM, owners and admins."""
    return project_permissions.can_edit_project(actor, project)


def can_edit_templates(actor: Actor) -> bool:
    """Word the organisation's questionnaires: its owners, admins and project managers."""
    return actor.is_manager


def can_change_settings(actor: Actor) -> bool:
    """Set what counts as a low score and the default delays: owners and admins."""
    return actor.is_admin
