"""The client's view of a project's risks and issues: client-visible risks and shared issues
with their impact and proposed solution; nothing internal."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from rapport.core import export
from rapport.core.pagination import paginate
from rapport.portal.access import contact_required
from rapport.projects.models import Project
from rapport.projects.selectors import project_get
from rapport.risks import exports, selectors
from rapport.risks.models import Issue
from rapport.tenancy.actors import ActorRequest


def _issues(request: ActorRequest, project: Project) -> QuerySet[Issue]:
    return selectors.issue_list(actor=request.actor, project=project).order_by("status", "-number")


@contact_required
def risks_and_issues(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    issues = _issues(request, project)
    return render(
        request,
        "risks/portal_list.html",
        {
            "project": project,
            "issues": paginate(request, issues, param="issues"),
            "risks": paginate(
                request, selectors.risk_list(actor=actor, project=project), param="risks"
            ),
        },
    )


@contact_required
def risks_export(request: ActorRequest, project_id: int, fmt: str) -> HttpResponse:
    project = project_get(actor=request.actor, project_id=project_id)
    return export.response(
        fmt,
        name=f"risks-{project.code}",
        title=_("Risks"),
        columns=exports.PORTAL_RISK_COLUMNS,
        rows=selectors.risk_list(actor=request.actor, project=project),
    )


@contact_required
def issues_export(request: ActorRequest, project_id: int, fmt: str) -> HttpResponse:
    project = project_get(actor=request.actor, project_id=project_id)
    return export.response(
        fmt,
        name=f"issues-{project.code}",
        title=_("Issues"),
        columns=exports.PORTAL_ISSUE_COLUMNS,
        rows=_issues(request, project),
    )
