"""The internal app's home page for a member: what needs them today."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render

from rapport.core import today
from rapport.core.pagination import paginate
from rapport.onboarding.steps import guide_for
from rapport.projects.models import Project
from rapport.projects.selectors import project_list
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import ActorRequest


@member_required
def app_home(request: ActorRequest) -> HttpResponse:
    """Every section with something waiting, or with ``?section=`` one section in full."""
    actor = request.actor
    key = request.GET.get("section", "")
    if key:
        section = today.BY_KEY.get(key)
        if section is None:
            raise Http404
        page = paginate(request, today.SectionLines(section, actor))  # type: ignore[arg-type]
        return render(request, "app/home_section.html", {"section": section, "page": page})
    sections = today.today(actor)
    request.waiting_count = sum(shown.total for shown in sections)  # type: ignore[attr-defined]
    projects = project_list(actor=actor).exclude(
        status__in=[Project.Status.CLOSED, Project.Status.CANCELLED]
    )
    return render(
        request,
        "app/home.html",
        {
            "sections": sections,
            "projects": projects[:20],
            "project_count": projects.count(),
            "guide": guide_for(actor),
        },
    )
