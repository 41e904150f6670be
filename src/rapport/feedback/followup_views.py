"""Acting on feedback in the app (follow-ups, improvement actions, the expectation gap) and
"you said, we did" in the client portal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core.forms import add_service_errors
from rapport.feedback import followups, permissions, selectors
from rapport.feedback.followup_forms import HandleForm, ImprovementForm, PmRatingForm
from rapport.feedback.followup_models import FollowUp, ImprovementAction, PmRating
from rapport.portal.access import contact_required
from rapport.projects.models import Project
from rapport.projects.selectors import project_get
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import ActorRequest


def _project(request: ActorRequest, project_id: int, *, manage: bool = False) -> Project:
    project = project_get(actor=request.actor, project_id=project_id)
    allowed = permissions.can_send if manage else permissions.can_view
    if not allowed(request.actor, project):
        raise PermissionDenied
    return project


@require_POST
@member_required
def follow_up_handle(request: ActorRequest, project_id: int, follow_up_id: int) -> HttpResponse:
    project = _project(request, project_id, manage=True)
    follow_up = get_object_or_404(FollowUp.objects.filter(project=project), pk=follow_up_id)
    form = HandleForm(request.POST)
    if form.is_valid():
        try:
            followups.follow_up_handle(
                actor=request.actor, follow_up=follow_up, handling=form.cleaned_data["handling"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The follow-up is handled."))
    else:
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
    return redirect("feedback:list", project.pk)


@member_required
def improvements(request: ActorRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    actions = (
        ImprovementAction.objects.filter(project=project)
        .select_related("owner", "feedback")
        .order_by("status", "due_date", "pk")
    )
    return render(
        request,
        "feedback/improvements.html",
        {
            "project": project,
            "actions": actions,
            "can_record": permissions.can_record(request.actor, project),
        },
    )


def _improvement_form(
    request: ActorRequest, project: Project, action: ImprovementAction | None
) -> HttpResponse:
    initial: dict[str, Any] = {"owner": request.actor.user.pk if request.actor.user else None}
    if action is not None:
        initial = {
            "title": action.title,
            "you_said": action.you_said,
            "we_did": action.we_did,
            "owner": action.owner_id,
            "due_date": action.due_date.isoformat() if action.due_date else "",
            "status": action.status,
            "shareable": action.shareable,
            "feedback": action.feedback_id or "",
        }
    elif feedback_id := request.GET.get("feedback", ""):
        initial["feedback"] = feedback_id
    form = ImprovementForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            followups.improvement_save(
                actor=request.actor, project=project, action=action, **form.values()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The improvement action is saved."))
            return redirect("feedback:improvements", project.pk)
    return render(
        request,
        "feedback/improvement_form.html",
        {"project": project, "form": form, "action": action},
    )


@member_required
def improvement_create(request: ActorRequest, project_id: int) -> HttpResponse:
    project = project_get(actor=request.actor, project_id=project_id)
    if not permissions.can_record(request.actor, project):
        raise PermissionDenied
    return _improvement_form(request, project, None)


@member_required
def improvement_edit(request: ActorRequest, project_id: int, action_id: int) -> HttpResponse:
    project = project_get(actor=request.actor, project_id=project_id)
    if not permissions.can_record(request.actor, project):
        raise PermissionDenied
    action = get_object_or_404(ImprovementAction.objects.filter(project=project), pk=action_id)
    return _improvement_form(request, project, action)


@member_required
def expectation_gap(request: ActorRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    can_rate = permissions.can_send(request.actor, project)
    form = PmRatingForm(request.POST or None)
    if request.method == "POST":
        if not can_rate:
            raise PermissionDenied
        if form.is_valid():
            try:
                followups.pm_rating_record(actor=request.actor, project=project, **form.values())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your rating is recorded."))
                return redirect("feedback:gap", project.pk)
    ratings = list(PmRating.objects.filter(project=project).order_by("-period_end", "-pk")[:12])
    return render(
        request,
        "feedback/gap.html",
        {
            "project": project,
            "form": form,
            "can_rate": can_rate,
            "rows": followups.expectation_gaps(ratings),
            "gap_points": followups.GAP_POINTS,
        },
    )


@contact_required
def we_did(request: ActorRequest, project_id: int) -> HttpResponse:
    """ "You said, we did": the improvement actions the project's managers chose to share."""
    project = project_get(actor=request.actor, project_id=project_id)
    actions = selectors.shared_improvements(actor=request.actor, project=project)
    return render(request, "feedback/we_did.html", {"project": project, "actions": actions})
