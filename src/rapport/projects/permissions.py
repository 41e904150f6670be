from __future__ import annotations

from rapport.projects.models import Project
from rapport.tenancy.actors import Actor


def can_create_project(actor: Actor) -> bool:
    return actor.is_manager


def can_edit_project(actor: Actor, project: Project) -> bool:
    """The organisation's owners and admins, and the project's own PM."""
    if not actor.is_member or project.organisation_id != actor.organisation_id:
        return False
    return actor.is_admin or (
        actor.is_manager and actor.user is not None and project.pm_id == actor.user.pk
    )
