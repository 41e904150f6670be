"""A project's survey schedules: after each milestone, monthly, at closure."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core.forms import add_service_errors
from rapport.feedback import schedule
from rapport.feedback.services import template_default
from rapport.feedback.settings_forms import ScheduleForm
from rapport.feedback.views import _project
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import ActorRequest


@member_required
def schedules(request: ActorRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id, send=True)
    template_default(organisation=project.organisation)
    form = ScheduleForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            schedule.schedule_save(actor=request.actor, project=project, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The survey schedule is saved."))
            return redirect("feedback:schedules", project.pk)
    rows = [
        (item, schedule.describe(item))
        for item in schedule.schedules_of(actor=request.actor, project=project)
    ]
    return render(
        request,
        "feedback/schedules.html",
        {"project": project, "form": form, "schedules": rows},
        status=400 if form.errors else 200,
    )


@member_required
@require_POST
def schedule_delete(request: ActorRequest, project_id: int, schedule_id: int) -> HttpResponse:
    project = _project(request, project_id, send=True)
    item = get_object_or_404(
        schedule.schedules_of(actor=request.actor, project=project), pk=schedule_id
    )
    schedule.schedule_delete(actor=request.actor, schedule=item)
    messages.success(request, _("The survey schedule is removed."))
    return redirect("feedback:schedules", project.pk)
