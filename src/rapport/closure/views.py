"""A project's closure in the internal app: the checklist, the PM's summary and lessons, the
closure report, closing the project, the PDF."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.closure import checkins, pdf, permissions, selectors, services
from rapport.closure.checklist import checklist
from rapport.closure.forms import CheckInForm, CheckInSettingsForm, CloseForm, ClosureForm
from rapport.closure.models import Closure
from rapport.closure.report import compile_report
from rapport.core.forms import add_service_errors
from rapport.lessons import permissions as lesson_permissions
from rapport.lessons.selectors import lessons_visible_to
from rapport.projects import permissions as project_permissions
from rapport.projects.selectors import project_get
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import ActorRequest


def _page(
    request: ActorRequest,
    project_id: int,
    *,
    form: ClosureForm | None = None,
    close_form: CloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    if not permissions.can_view(actor, project):
        raise Http404
    closure = selectors.closure_get(actor=actor, project=project)
    preparing = closure is None or closure.state == Closure.State.PREPARING
    can_manage = permissions.can_manage(actor, project)
    if form is None:
        form = ClosureForm(
            initial={
                "narrative": closure.narrative if closure else "",
                "lessons": closure.lessons if closure else "",
                "budget_closed": bool(closure and closure.budget_closed_on),
            }
        )
    return render(
        request,
        "closure/detail.html",
        {
            "project": project,
            "closure": closure,
            "preparing": preparing,
            "checklist": checklist(project, closure) if preparing else None,
            "report": compile_report(project) if preparing or closure is None else closure.report,
            "financials": project_permissions.can_view_financials(actor, project),
            "can_manage": can_manage and preparing,
            "can_override": permissions.can_override(actor, project),
            "form": form,
            "close_form": close_form or CloseForm(),
            "checkins": checkins.project_checkins(project=project),
            "checkin_form": CheckInForm(),
            "can_record_checkins": can_manage,
            "lessons": lessons_visible_to(actor).filter(project=project).order_by("-id"),
            "can_capture_lesson": lesson_permissions.can_write(actor, project),
        },
        status=status,
    )


@member_required
def closure_detail(request: ActorRequest, project_id: int) -> HttpResponse:
    return _page(request, project_id)


@require_POST
@member_required
def closure_save(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    if not permissions.can_manage(actor, project):
        raise PermissionDenied
    form = ClosureForm(request.POST)
    if form.is_valid():
        try:
            services.closure_update(actor=actor, project=project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The closure is saved."))
            return redirect("closure:detail", project.pk)
    return _page(request, project_id, form=form, status=400)


@require_POST
@member_required
def closure_close(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    if not permissions.can_manage(actor, project):
        raise PermissionDenied
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.closure_close(
                actor=actor, project=project, override_reason=form.cleaned_data["override_reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The project is closed and its closure report is with the client.")
            )
            return redirect("closure:detail", project.pk)
    return _page(request, project_id, close_form=form, status=400)


@member_required
def closure_pdf(request: ActorRequest, project_id: int) -> HttpResponse:
    """The PDF as the client receives it, once the project is closed."""
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    closure = selectors.closure_get(actor=actor, project=project)
    if closure is None or closure.state == Closure.State.PREPARING:
        raise Http404
    return pdf.response(
        closure,
        language=get_language(),
        financials=project_permissions.can_view_financials(actor, project),
    )


@require_POST
@member_required
def checkin_record(request: ActorRequest, project_id: int, checkin_id: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    checkin = get_object_or_404(checkins.project_checkins(project=project), pk=checkin_id)
    if not permissions.can_manage(actor, project):
        raise PermissionDenied
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            checkins.checkin_record(actor=actor, checkin=checkin, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The check-in is recorded as a touchpoint."))
            return redirect("closure:detail", project.pk)
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("closure:detail", project.pk)


@member_required
def checkin_settings(request: ActorRequest) -> HttpResponse:
    """When to check in after a project closes: the organisation's admins set it."""
    actor = request.actor
    if not actor.is_admin:
        raise PermissionDenied
    current = ", ".join(str(m) for m in checkins.checkin_months(actor.organisation_id))
    form = CheckInSettingsForm(request.POST or None, initial={"months": current})
    if request.method == "POST" and form.is_valid():
        try:
            checkins.checkin_months_update(actor=actor, months=form.cleaned_data["months"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The check-in schedule is saved."))
            return redirect("closure_settings:checkins")
    return render(
        request,
        "closure/settings.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
