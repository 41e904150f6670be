"""The closure report in the client portal: read it, accept the project's closure, the PDF."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.closure import pdf, permissions, selectors, services
from rapport.closure.forms import AcceptForm
from rapport.portal.access import contact_required
from rapport.projects.selectors import project_get
from rapport.tenancy.actors import ActorRequest


@contact_required
def closure_detail(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    closure = selectors.closure_get(actor=actor, project=project)
    return render(
        request,
        "closure/portal_detail.html",
        {
            "project": project,
            "closure": closure,
            "report": closure.client_report if closure else None,
            "financials": True,
            "can_accept": permissions.can_accept(actor, project),
            "form": AcceptForm(),
        },
    )


@require_POST
@contact_required
def closure_accept(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    selectors.closure_get(actor=actor, project=project)
    if not permissions.can_accept(actor, project):
        raise PermissionDenied
    form = AcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("portal_closure:detail", project.pk)
    try:
        services.closure_accept(actor=actor, project=project, comment=form.cleaned_data["comment"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you: your acceptance of the closure is recorded."))
    return redirect("portal_closure:detail", project.pk)


@contact_required
def closure_pdf(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    closure = selectors.closure_get(actor=actor, project=project)
    if closure is None:
        raise Http404
    return pdf.response(closure, language=get_language())
