"""Who may write which lesson."""

from __future__ import annotations

from django.db.models import QuerySet

from rapport.projects import permissions as project_permissions
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor


def can_write(actor: Actor, project: Project | None) -> bool:
    """A lesson of a project: anyone on its team; of the organisation at large: a manager."""
    if not actor.is_member:
        return False
    if project is None:
        return actor.is_manager
    return project_permissions.can_track(actor, project)


def can_create(actor: Actor, projects: QuerySet[Project]) -> bool:
    """Open the form: managers always, others when they are on a project (``projects``, the
    actor's own) to write about."""
    return actor.is_manager or (actor.is_member and projects.exists())
