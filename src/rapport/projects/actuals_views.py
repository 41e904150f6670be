"""Actuals: what was spent and worked, for those who may see money (others on the project
are refused with 403, everyone else sees no project at all)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import export
from rapport.core.forms import add_service_errors
from rapport.core.pagination import paginate
from rapport.projects import baseline_services as services
from rapport.projects import exports, permissions, selectors
from rapport.projects.baseline_forms import CostEntryForm, TimeEntryForm
from rapport.projects.models import Project
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import Actor, ActorRequest

ACTUAL_KINDS = ("cost_entry", "time_entry")


def _financial_project(actor: Actor, project_id: int) -> Project:
    project = selectors.project_get(actor=actor, project_id=project_id)
    if not permissions.can_view_financials(actor, project):
        raise PermissionDenied
    return project


def _page(
    request: ActorRequest,
    project: Project,
    cost_form: CostEntryForm | None = None,
    time_form: TimeEntryForm | None = None,
) -> HttpResponse:
    actor = request.actor
    lists = selectors.actuals(project=project)
    return render(
        request,
        "projects/actuals.html",
        {
            "project": project,
            "cost_entries": paginate(request, lists["cost_entries"], param="costs"),
            "time_entries": paginate(request, lists["time_entries"], param="hours"),
            "cost_form": cost_form or CostEntryForm(),
            "time_form": time_form or TimeEntryForm(actor=actor),
        },
    )


@member_required
def actuals(request: ActorRequest, project_id: int) -> HttpResponse:
    return _page(request, _financial_project(request.actor, project_id))


@member_required
def cost_entries_export(request: ActorRequest, project_id: int, fmt: str) -> HttpResponse:
    project = _financial_project(request.actor, project_id)
    return export.response(
        fmt,
        name=f"costs-{project.code}",
        title=_("Cost entries"),
        columns=exports.COST_ENTRY_COLUMNS,
        rows=selectors.actuals(project=project)["cost_entries"].select_related("project"),
    )


@member_required
def time_entries_export(request: ActorRequest, project_id: int, fmt: str) -> HttpResponse:
    project = _financial_project(request.actor, project_id)
    return export.response(
        fmt,
        name=f"hours-{project.code}",
        title=_("Time entries"),
        columns=exports.TIME_ENTRY_COLUMNS,
        rows=selectors.actuals(project=project)["time_entries"].select_related("project"),
    )


@require_POST
@member_required
def actual_create(request: ActorRequest, project_id: int, kind: str) -> HttpResponse:
    actor = request.actor
    project = _financial_project(actor, project_id)
    if kind == "cost_entry":
        cost_form = CostEntryForm(request.POST)
        if cost_form.is_valid():
            try:
                services.cost_entry_create(actor=actor, project=project, **cost_form.cleaned_data)
            except ValidationError as error:
                add_service_errors(cost_form, error)
            else:
                messages.success(request, _("Cost recorded."))
                return redirect("projects:actuals", project.pk)
        return _page(request, project, cost_form=cost_form)
    if kind == "time_entry":
        time_form = TimeEntryForm(request.POST, actor=actor)
        if time_form.is_valid():
            try:
                services.time_entry_create(actor=actor, project=project, **time_form.values())
            except ValidationError as error:
                add_service_errors(time_form, error)
            else:
                messages.success(request, _("Time recorded."))
                return redirect("projects:actuals", project.pk)
        return _page(request, project, time_form=time_form)
    raise Http404


@require_POST
@member_required
def actual_delete(request: ActorRequest, project_id: int, kind: str, entry_id: int) -> HttpResponse:
    actor = request.actor
    project = selectors.project_get(actor=actor, project_id=project_id)
    if kind not in ACTUAL_KINDS:
        raise Http404
    entry = selectors.item_get(actor=actor, project=project, kind=kind, item_id=entry_id)
    if not permissions.can_view_financials(actor, project):
        raise PermissionDenied
    services.actual_delete(actor=actor, entry=entry)
    messages.success(request, _("Entry deleted."))
    return redirect("projects:actuals", project.pk)
