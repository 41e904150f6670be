"""Status reports in the internal app: list with the health over time, draft, edit, publish,
and who acknowledged."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import export
from rapport.core.forms import add_service_errors
from rapport.core.pagination import paginate
from rapport.projects import permissions as project_permissions
from rapport.projects.models import Project
from rapport.projects.selectors import project_get
from rapport.reports import charts, exports, pdf, permissions, selectors, services
from rapport.reports.forms import NarrativeForm, PeriodForm
from rapport.reports.models import StatusReport
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import Actor, ActorRequest

STRIP = 26  # reports shown in the health-over-time strip


def _reports(actor: Actor, project: Project) -> QuerySet[StatusReport]:
    assert actor.organisation is not None
    return selectors.with_acknowledgement_status(
        selectors.report_list(actor=actor, project=project), organisation=actor.organisation
    )


@member_required
def report_list_export(request: ActorRequest, project_id: int, fmt: str) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    return export.response(
        fmt,
        name=f"status-reports-{project.code}",
        title=_("Status reports"),
        columns=exports.REPORT_COLUMNS,
        rows=_reports(actor, project),
    )


@member_required
def report_list(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    assert actor.organisation is not None
    reports = _reports(actor, project)
    return render(
        request,
        "reports/list.html",
        {
            "project": project,
            "page": paginate(request, reports),
            "strip": list(reports[:STRIP])[::-1],
            "can_manage": permissions.can_manage(actor, project),
            "acknowledgement_days": actor.organisation.report_acknowledgement_days,
        },
    )


@member_required
def report_create(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    if not permissions.can_manage(actor, project):
        raise PermissionDenied
    form = PeriodForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_draft(actor=actor, project=project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(reference)s is drafted from the data.") % {"reference": report.reference},
            )
            return redirect("reports:edit", project.pk, report.number)
    return render(request, "reports/form.html", {"project": project, "form": form})


@member_required
def report_detail(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    report = selectors.report_get(actor=actor, project=project, number=number)
    return render(
        request,
        "reports/detail.html",
        {
            "project": project,
            "report": report,
            "financials": project_permissions.can_view_financials(actor, project),
            "can_manage": permissions.can_manage(actor, project),
            **charts.chart_context(report, for_client=False),
        },
    )


@member_required
def report_pdf(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    """The PDF as the client receives it (a draft's is marked as a draft)."""
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    report = selectors.report_get(actor=actor, project=project, number=number)
    return pdf_response(
        report,
        language=get_language(),
        financials=project_permissions.can_view_financials(actor, project),
    )


def pdf_response(report: StatusReport, *, language: str, financials: bool = True) -> HttpResponse:
    return HttpResponse(
        pdf.render(report, language=language, financials=financials),
        content_type=pdf.MIMETYPE,
        headers={"Content-Disposition": content_disposition_header(False, pdf.filename(report))},
    )


@member_required
def report_edit(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    report = selectors.report_get(actor=actor, project=project, number=number)
    if not permissions.can_manage(actor, project):
        raise PermissionDenied
    if report.is_published:
        messages.error(
            request, _("A published report cannot change; draft a correction that references it.")
        )
        return redirect("reports:detail", project.pk, number)
    form = NarrativeForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_update(actor=actor, report=report, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The report is saved."))
            return redirect("reports:detail", project.pk, number)
    return render(
        request, "reports/edit.html", {"project": project, "report": report, "form": form}
    )


@require_POST
@member_required
def report_refresh(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    report = selectors.report_get(actor=actor, project=project, number=number)
    try:
        services.report_refresh(actor=actor, report=report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The data and health are read again."))
    return redirect("reports:detail", project.pk, number)


@require_POST
@member_required
def report_publish(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    report = selectors.report_get(actor=actor, project=project, number=number)
    try:
        services.report_publish(actor=actor, report=report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Published: the client sees it in the portal and by email."))
    return redirect("reports:detail", project.pk, number)


@member_required
def report_acknowledgements(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    report = selectors.report_get(actor=actor, project=project, number=number)
    assert actor.organisation is not None
    acknowledged = selectors.acknowledgements(report=report)
    done = {a.contact_id for a in acknowledged}
    return render(
        request,
        "reports/acknowledgements.html",
        {
            "project": project,
            "report": report,
            "acknowledged": acknowledged,
            "wait": selectors.acknowledgement_wait(report=report, organisation=actor.organisation),
            "waiting": [
                c for c in selectors.report_recipients(project=project) if c.pk not in done
            ],
        },
    )
