from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.audit.selectors import history_for
from rapport.core import export
from rapport.core.forms import add_service_errors, int_or_none
from rapport.core.pagination import paginate
from rapport.core.services import search_term
from rapport.lessons.selectors import suggestions as lesson_suggestions
from rapport.messaging.selectors import unread_thread_count
from rapport.projects import (
    baseline,
    exports,
    permissions,
    progress,
    progress_charts,
    selectors,
    services,
)
from rapport.projects.forms import ProjectForm, ProjectMemberForm
from rapport.projects.models import Project
from rapport.reports.models import StatusReport
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import ActorRequest


def _project_list(request: ActorRequest) -> tuple[QuerySet[Project], str, str]:
    """The projects of the list with their filters: status and search."""
    status = request.GET.get("status", "")
    if status not in Project.Status.values:
        status = ""
    query = search_term(request.GET.get("q"))
    projects = selectors.project_list(actor=request.actor, status=status, query=query).annotate(
        # the computed health of each project's latest status report, in one subquery
        latest_health=Subquery(
            StatusReport.objects.filter(project=OuterRef("pk"))
            .order_by("-number")
            .values("overall_health")[:1]
        )
    )
    return projects, status, query


@member_required
def project_list(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    projects, status, query = _project_list(request)
    return render(
        request,
        "projects/list.html",
        {
            "page": paginate(request, projects),
            "status": status,
            "query": query,
            "statuses": Project.Status.choices,
            "can_create": permissions.can_create_project(actor),
        },
    )


@member_required
def project_export(request: ActorRequest, fmt: str) -> HttpResponse:
    return export.response(
        fmt,
        name="projects",
        title=_("Projects"),
        columns=exports.PROJECT_COLUMNS,
        rows=_project_list(request)[0],
    )


@member_required
def project_create(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if not permissions.can_create_project(actor):
        raise PermissionDenied
    initial = {
        "pm": actor.user,
        "currency": actor.organisation.default_currency if actor.organisation else "EUR",
        "client": int_or_none(request.GET.get("client")),
    }
    form = ProjectForm(
        request.POST or None,
        actor=actor,
        initial=initial,
        instance=Project(organisation=actor.organisation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=actor, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Project “%(name)s” created.") % {"name": project.name})
            return redirect("projects:detail", project.pk)
    return render(request, "projects/form.html", {"form": form})


@member_required
def project_detail(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = selectors.project_get(actor=actor, project_id=project_id)
    can_edit = permissions.can_edit_project(actor, project)
    financials = permissions.can_view_financials(actor, project)
    computed = progress.compute(project)
    charts = {"milestones": progress_charts.milestone_burnup(computed)}
    if financials:
        charts["budget"] = progress_charts.budget_burn(computed, project.currency)
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "members": selectors.project_members(project=project),
            "member_form": ProjectMemberForm(actor=actor) if can_edit else None,
            "history": history_for(actor=actor, obj=project)[:20],
            "can_edit": can_edit,
            "financials": financials,
            "progress": computed,
            "charts": charts,
            "baseline_version": baseline.latest_version(project),
            "unread_threads": unread_thread_count(actor=actor, project=project),
            "suggested_lessons": lesson_suggestions(actor=actor, project=project),
        },
    )


@member_required
def project_edit(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = selectors.project_get(actor=actor, project_id=project_id)
    if not permissions.can_edit_project(actor, project):
        raise PermissionDenied
    form = ProjectForm(request.POST or None, actor=actor, instance=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(actor=actor, project=project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Project saved."))
            return redirect("projects:detail", project.pk)
    return render(request, "projects/form.html", {"form": form, "project": project})


@require_POST
@member_required
def project_publish(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = selectors.project_get(actor=actor, project_id=project_id)
    published = request.POST.get("published", "1") == "1"
    services.project_publish(actor=actor, project=project, published=published)
    if published:
        messages.success(request, _("The project is now visible in the client portal."))
    else:
        messages.success(request, _("The project is no longer visible in the client portal."))
    return redirect("projects:detail", project.pk)


@require_POST
@member_required
def project_member_add(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = selectors.project_get(actor=actor, project_id=project_id)
    form = ProjectMemberForm(request.POST, actor=actor)
    if form.is_valid():
        try:
            member = services.project_member_add(
                actor=actor, project=project, user_id=form.cleaned_data["user"].pk
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(name)s joined the project.") % {"name": member.user})
    else:
        messages.error(request, _("Choose a member of your organisation."))
    return redirect("projects:detail", project.pk)


@require_POST
@member_required
def project_member_remove(request: ActorRequest, project_id: int, member_id: int) -> HttpResponse:
    actor = request.actor
    project = selectors.project_get(actor=actor, project_id=project_id)
    member = selectors.project_member_get(actor=actor, project=project, member_id=member_id)
    services.project_member_remove(actor=actor, member=member)
    messages.success(request, _("%(name)s left the project.") % {"name": member.user})
    return redirect("projects:detail", project.pk)


@require_POST
@member_required
def project_member_financials(
    request: ActorRequest, project_id: int, member_id: int
) -> HttpResponse:
    """Grant or withdraw a team member's sight of budgets, costs and rates."""
    actor = request.actor
    project = selectors.project_get(actor=actor, project_id=project_id)
    member = selectors.project_member_get(actor=actor, project=project, member_id=member_id)
    if not permissions.can_edit_project(actor, project):
        raise PermissionDenied
    allowed = request.POST.get("allowed") == "1"
    member = services.project_member_set_financials(actor=actor, member=member, allowed=allowed)
    if allowed:
        messages.success(
            request, _("%(name)s now sees budget and actuals.") % {"name": member.user}
        )
    else:
        messages.success(
            request, _("%(name)s no longer sees budget and actuals.") % {"name": member.user}
        )
    return redirect("projects:detail", project.pk)
