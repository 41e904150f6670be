"""The change log and change requests in the internal app."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rapport.changes import exports, impact, permissions, selectors, services
from rapport.changes.forms import ChangeRequestForm, CommentForm, EvaluationForm
from rapport.changes.models import State
from rapport.core import export
from rapport.core.charts import Series, step_chart
from rapport.core.forms import add_service_errors
from rapport.core.pagination import paginate
from rapport.projects import permissions as project_permissions
from rapport.projects.selectors import project_get
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import ActorRequest


def _state(request: ActorRequest) -> str:
    state = request.GET.get("state", "")
    return state if state in State.values else ""


@member_required
def change_log_export(request: ActorRequest, project_id: int, fmt: str) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    financials = project_permissions.can_view_financials(actor, project)
    return export.response(
        fmt,
        name=f"change-log-{project.code}",
        title=_("Change log"),
        columns=exports.change_request_columns(financials=financials),
        rows=selectors.change_request_list(actor=actor, project=project, state=_state(request)),
    )


@member_required
def change_log(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    state = _state(request)
    log = impact.change_log(project)
    financials = project_permissions.can_view_financials(actor, project)
    chart = step_chart(
        [Series(_("Days added"), [(day, days) for day, days, _cost in log.cumulative])],
        title=_("Cumulative effect of approved changes on the end date"),
        unit=_("days"),
    )
    cost_chart = (
        step_chart(
            [Series(_("Cost added"), [(day, cost) for day, _days, cost in log.cumulative])],
            title=_("Cumulative effect of approved changes on the budget"),
            unit=project.currency,
        )
        if financials
        else ""
    )
    return render(
        request,
        "changes/list.html",
        {
            "project": project,
            "log": log,
            "chart": chart,
            "cost_chart": cost_chart,
            "page": paginate(
                request, selectors.change_request_list(actor=actor, project=project, state=state)
            ),
            "state": state,
            "states": State.choices,
            "financials": financials,
            "can_raise": permissions.can_raise(actor, project),
        },
    )


@member_required
def change_request_create(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    if not permissions.can_raise(actor, project):
        raise PermissionDenied
    financials = project_permissions.can_view_financials(actor, project)
    form = ChangeRequestForm(request.POST or None, project=project, financials=financials)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change_request = services.change_request_create(
                actor=actor,
                project=project,
                title=data["title"],
                description=data["description"],
                reason=data["reason"],
                priority=data["priority"],
                submit=data["submit_now"],
                **{
                    name: [item.pk for item in data[name]]
                    for name in ("objectives", "milestones", "deliverables", "budget_lines")
                    if name in data
                },
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("%(reference)s created.") % {"reference": change_request.reference}
            )
            return redirect("changes:detail", project.pk, change_request.number)
    return render(request, "changes/form.html", {"project": project, "form": form})


@member_required
def change_request_detail(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    change_request = selectors.change_request_get(actor=actor, project=project, number=number)
    return render(
        request,
        "changes/detail.html",
        {
            "project": project,
            "cr": change_request,
            "proposal": impact.proposal(change_request),
            "timeline": selectors.timeline(change_request=change_request),
            "decisions": change_request.decisions.select_related("user", "contact"),
            "financials": project_permissions.can_view_financials(actor, project),
            "can_manage": permissions.can_manage(actor, project),
            "can_evaluate": permissions.can_evaluate(actor, project),
            "can_approve_internally": permissions.can_approve_internally(actor, project),
            "comment_form": CommentForm(),
        },
    )


@member_required
def change_request_evaluate(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    change_request = selectors.change_request_get(actor=actor, project=project, number=number)
    if not permissions.can_evaluate(actor, project):
        raise PermissionDenied
    financials = project_permissions.can_view_financials(actor, project)
    form = EvaluationForm(
        request.POST or None, instance=change_request, project=project, financials=financials
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_request_evaluate(
                actor=actor,
                change_request=change_request,
                costs=form.costs(),
                milestones=[m.pk for m in data["milestones"]],
                **{name: data[name] for name in services.EVALUATION_FIELDS},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The impact is recorded."))
            return redirect("changes:detail", project.pk, number)
    return render(
        request, "changes/evaluate.html", {"project": project, "cr": change_request, "form": form}
    )


ACTIONS = {
    "submit": lambda actor, cr, comment: services.change_request_submit(
        actor=actor, change_request=cr
    ),
    "send": lambda actor, cr, comment: services.change_request_send_for_approval(
        actor=actor, change_request=cr
    ),
    "internal_approve": lambda actor, cr, comment: services.change_request_internal_decide(
        actor=actor, change_request=cr, approve=True, comment=comment
    ),
    "internal_return": lambda actor, cr, comment: services.change_request_internal_decide(
        actor=actor, change_request=cr, approve=False, comment=comment
    ),
    "implement": lambda actor, cr, comment: services.change_request_implement(
        actor=actor, change_request=cr
    ),
    "withdraw": lambda actor, cr, comment: services.change_request_withdraw(
        actor=actor, change_request=cr, comment=comment
    ),
}


DONE = {
    "submit": gettext_lazy("The change request is submitted."),
    "send": gettext_lazy("The change request is on its way for approval."),
    "internal_approve": gettext_lazy("Approved internally; the client can now decide."),
    "internal_return": gettext_lazy("Sent back for more evaluation."),
    "implement": gettext_lazy("Implemented: the baseline has a new version."),
    "withdraw": gettext_lazy("The change request is withdrawn."),
}


@require_POST
@member_required
def change_request_action(
    request: ActorRequest, project_id: int, number: int, action: str
) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    change_request = selectors.change_request_get(actor=actor, project=project, number=number)
    step = ACTIONS.get(action)
    if step is None:
        raise Http404
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        step(actor, change_request, comment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, str(DONE[action]))
    return redirect("changes:detail", project.pk, number)
