"""Reads of a project's closure, from the projects the actor can see."""

from __future__ import annotations

from django.http import Http404

from rapport.closure.models import Closure
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor

PUBLISHED = (Closure.State.CLOSED, Closure.State.ACCEPTED)


def closure_get(*, actor: Actor, project: Project) -> Closure | None:
    """``project`` comes from ``project_get`` (already scoped). Members: the closure, if any.
    Contacts: only once the project is closed (a 404 before)."""
    closure = (
        Closure.objects.filter(project=project)
        .select_related("closed_by", "accepted_by", "budget_closed_by")
        .first()
    )
    if actor.is_contact and (closure is None or closure.state not in PUBLISHED):
        raise Http404
    return closure
