"""Published status reports in the client portal; drafts do not exist there."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import export
from rapport.core.pagination import paginate
from rapport.portal.access import contact_required
from rapport.projects.selectors import project_get
from rapport.reports import charts, exports, permissions, selectors, services
from rapport.reports.views import pdf_response
from rapport.tenancy.actors import ActorRequest


@contact_required
def report_list(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    return render(
        request,
        "reports/portal_list.html",
        {
            "project": project,
            "page": paginate(request, selectors.report_list(actor=actor, project=project)),
        },
    )


@contact_required
def report_list_export(request: ActorRequest, project_id: int, fmt: str) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    return export.response(
        fmt,
        name=f"status-reports-{project.code}",
        title=_("Status reports"),
        columns=exports.PORTAL_REPORT_COLUMNS,
        rows=selectors.report_list(actor=actor, project=project),
    )


@contact_required
def report_detail(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    report = selectors.report_get(actor=actor, project=project, number=number)
    contact = permissions.acknowledging_contact(actor, project)
    return render(
        request,
        "reports/portal_detail.html",
        {
            "project": project,
            "report": report,
            "contact": contact,
            "acknowledgement": report.acknowledgements.filter(contact=contact).first()
            if contact
            else None,
            **charts.chart_context(report, for_client=True),
        },
    )


@contact_required
def report_pdf(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    report = selectors.report_get(actor=actor, project=project, number=number)
    return pdf_response(report, language=get_language())


@require_POST
@contact_required
def report_acknowledge(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    report = selectors.report_get(actor=actor, project=project, number=number)
    services.report_acknowledge(actor=actor, report=report)
    messages.success(request, _("Thank you: your acknowledgement is recorded."))
    return redirect("portal_reports:detail", project.pk, number)
