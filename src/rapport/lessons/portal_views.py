"""Lessons learned in the client portal: those the project teams share with the client, of the
contact's own client's published projects; nothing else, not even that others exist."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from rapport.core import export
from rapport.core.pagination import paginate
from rapport.lessons import exports, selectors
from rapport.portal.access import contact_required
from rapport.projects.selectors import project_get
from rapport.tenancy.actors import ActorRequest


@contact_required
def lesson_list(request: ActorRequest, project_id: int | None = None) -> HttpResponse:
    """All the contact's shared lessons, or one project's (a 404 for a project not theirs)."""
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id) if project_id else None
    lessons = selectors.lessons_filtered(actor=actor, project=project)
    return render(
        request,
        "lessons/portal_list.html",
        {"project": project, "lessons": paginate(request, lessons)},
    )


@contact_required
def lesson_list_export(
    request: ActorRequest, fmt: str, project_id: int | None = None
) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id) if project_id else None
    return export.response(
        fmt,
        name=f"lessons-{project.code}" if project else "lessons",
        title=_("Lessons learned"),
        columns=exports.PORTAL_LESSON_COLUMNS,
        rows=selectors.lessons_filtered(actor=actor, project=project),
    )
