"""The client's view of a project's risks and issues: client-visible risks and shared issues
with their impact and proposed solution; nothing internal."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from rapport.core.pagination import paginate
from rapport.portal.access import contact_required
from rapport.projects.selectors import project_get
from rapport.risks import selectors
from rapport.tenancy.actors import ActorRequest


@contact_required
def risks_and_issues(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    issues = selectors.issue_list(actor=actor, project=project).order_by("status", "-number")
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
