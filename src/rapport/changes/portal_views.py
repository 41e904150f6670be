"""Change requests in the client portal: raise one, follow it, decide on it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.changes import exports, impact, permissions, selectors, services
from rapport.changes.forms import CommentForm, DecisionForm, PortalChangeRequestForm
from rapport.core import export
from rapport.core.forms import add_service_errors
from rapport.core.pagination import paginate
from rapport.portal.access import contact_required
from rapport.projects.selectors import project_get
from rapport.tenancy.actors import ActorRequest


@contact_required
def change_list(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    return render(
        request,
        "changes/portal_list.html",
        {
            "project": project,
            "page": paginate(request, selectors.change_request_list(actor=actor, project=project)),
            "can_raise": permissions.can_raise(actor, project),
        },
    )


@contact_required
def change_list_export(request: ActorRequest, project_id: int, fmt: str) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    return export.response(
        fmt,
        name=f"change-requests-{project.code}",
        title=_("Change requests"),
        columns=exports.PORTAL_CHANGE_REQUEST_COLUMNS,
        rows=selectors.change_request_list(actor=actor, project=project),
    )


@contact_required
def change_request_create(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    if not permissions.can_raise(actor, project):
        raise PermissionDenied
    form = PortalChangeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change_request = services.change_request_create(
                actor=actor, project=project, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(reference)s is with your project manager now.")
                % {"reference": change_request.reference},
            )
            return redirect("portal_changes:detail", project.pk, change_request.number)
    return render(request, "changes/portal_form.html", {"project": project, "form": form})


@contact_required
def change_request_detail(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    change_request = selectors.change_request_get(actor=actor, project=project, number=number)
    proposal = impact.proposal(change_request)
    return render(
        request,
        "changes/portal_detail.html",
        {
            "project": project,
            "cr": change_request,
            "proposal": proposal,
            "visible_moves": [m for m in proposal.moves if m.milestone.client_visible],
            "decisions": change_request.decisions.filter(contact__isnull=False).select_related(
                "contact"
            ),
            "can_decide": permissions.can_decide(actor, project),
            "can_withdraw": permissions.can_withdraw(actor, change_request),
            "decision_form": DecisionForm(),
            "comment_form": CommentForm(),
        },
    )


@require_POST
@contact_required
def change_request_decide(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    change_request = selectors.change_request_get(actor=actor, project=project, number=number)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve, reject or ask for more information."))
        return redirect("portal_changes:detail", project.pk, number)
    try:
        services.change_request_decide(
            actor=actor,
            change_request=change_request,
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your decision is recorded."))
    return redirect("portal_changes:detail", project.pk, number)


@require_POST
@contact_required
def change_request_withdraw(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    change_request = selectors.change_request_get(actor=actor, project=project, number=number)
    form = CommentForm(request.POST)
    try:
        services.change_request_withdraw(
            actor=actor,
            change_request=change_request,
            comment=form.cleaned_data["comment"] if form.is_valid() else "",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The change request is withdrawn."))
    return redirect("portal_changes:detail", project.pk, number)
