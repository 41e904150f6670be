"""The risk register (with its heat map) and the issue log of a project, in the app."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.audit.selectors import history_for
from rapport.changes.selectors import change_requests_visible_to
from rapport.core import export
from rapport.core.forms import add_service_errors
from rapport.core.pagination import paginate
from rapport.projects.models import Project
from rapport.projects.selectors import project_get
from rapport.reports.selectors import reports_visible_to
from rapport.risks import conflicts, exports, permissions, selectors, services
from rapport.risks.forms import EvidenceForm, IssueForm, OccurredForm, ResolveForm, RiskForm
from rapport.risks.models import Issue, Risk
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import Actor, ActorRequest


def _project(request: ActorRequest, project_id: int, *, record: bool = False) -> Project:
    project = project_get(actor=request.actor, project_id=project_id)
    allowed = permissions.can_record if record else permissions.can_view
    if not allowed(request.actor, project):
        raise PermissionDenied
    return project


def _status(request: ActorRequest, values: list[str]) -> str:
    status = request.GET.get("status", "")
    return status if status in ("open", *values) else ""


# --- risks --------------------------------------------------------------------------------


@member_required
def register(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = _project(request, project_id)
    status = _status(request, Risk.Status.values)
    open_risks = list(selectors.risk_list(actor=actor, project=project, status="open"))
    return render(
        request,
        "risks/register.html",
        {
            "project": project,
            "heat_map": selectors.heat_map(open_risks),
            "open_count": len(open_risks),
            "page": paginate(
                request, selectors.risk_list(actor=actor, project=project, status=status)
            ),
            "status": status,
            "statuses": Risk.Status.choices,
            "can_record": permissions.can_record(actor, project),
        },
    )


@member_required
def register_export(request: ActorRequest, project_id: int, fmt: str) -> HttpResponse:
    project = _project(request, project_id)
    status = _status(request, Risk.Status.values)
    return export.response(
        fmt,
        name=f"risks-{project.code}",
        title=_("Risk register"),
        columns=exports.RISK_COLUMNS,
        rows=selectors.risk_list(actor=request.actor, project=project, status=status),
    )


@member_required
def risk_create(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = _project(request, project_id, record=True)
    form = RiskForm(
        request.POST or None, project=project, can_share=permissions.can_share(actor, project)
    )
    if request.method == "POST" and form.is_valid():
        try:
            risk = services.risk_create(actor=actor, project=project, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("%(reference)s is in the register.") % {"reference": risk.reference}
            )
            return redirect("risks:risk_detail", project.pk, risk.number)
    return render(
        request,
        "risks/form.html",
        {"project": project, "form": form, "title": _("Add a risk"), "back": "register"},
    )


@member_required
def risk_detail(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project = _project(request, project_id)
    risk = selectors.risk_get(actor=actor, project=project, number=number)
    return render(
        request,
        "risks/risk_detail.html",
        {
            "project": project,
            "risk": risk,
            "issues": selectors.issues_visible_to(actor).filter(from_risk=risk).order_by("number"),
            "history": history_for(actor=actor, obj=risk),
            "can_record": permissions.can_record(actor, project),
            "occurred_form": OccurredForm(),
        },
    )


@member_required
def risk_edit(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project = _project(request, project_id, record=True)
    risk = selectors.risk_get(actor=actor, project=project, number=number)
    form = RiskForm(
        request.POST or None,
        instance=risk,
        project=project,
        can_share=permissions.can_share(actor, project),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_update(actor=actor, risk=risk, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(reference)s is saved.") % {"reference": risk.reference})
            return redirect("risks:risk_detail", project.pk, risk.number)
    return render(
        request,
        "risks/form.html",
        {"project": project, "form": form, "title": str(risk), "back": "register"},
    )


@require_POST
@member_required
def risk_occurred(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project = _project(request, project_id, record=True)
    risk = selectors.risk_get(actor=actor, project=project, number=number)
    form = OccurredForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("risks:risk_detail", project.pk, number)
    try:
        issue = services.risk_occurred(
            actor=actor, risk=risk, description=form.cleaned_data["description"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("risks:risk_detail", project.pk, number)
    messages.success(
        request,
        _("%(risk)s occurred: %(issue)s is in the issue log. Check its proposed solution.")
        % {"risk": risk.reference, "issue": issue.reference},
    )
    return redirect("risks:issue_detail", project.pk, issue.number)


# --- issues -------------------------------------------------------------------------------


@member_required
def issue_log(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = _project(request, project_id)
    status = _status(request, Issue.Status.values)
    return render(
        request,
        "risks/issue_log.html",
        {
            "project": project,
            "page": paginate(
                request, selectors.issue_list(actor=actor, project=project, status=status)
            ),
            "status": status,
            "statuses": Issue.Status.choices,
            "can_record": permissions.can_record(actor, project),
        },
    )


@member_required
def issue_log_export(request: ActorRequest, project_id: int, fmt: str) -> HttpResponse:
    project = _project(request, project_id)
    status = _status(request, Issue.Status.values)
    return export.response(
        fmt,
        name=f"issues-{project.code}",
        title=_("Issue log"),
        columns=exports.ISSUE_COLUMNS,
        rows=selectors.issue_list(actor=request.actor, project=project, status=status),
    )


@member_required
def issue_create(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = _project(request, project_id, record=True)
    form = IssueForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.issue_create(actor=actor, project=project, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("%(reference)s is in the issue log.") % {"reference": issue.reference}
            )
            return redirect("risks:issue_detail", project.pk, issue.number)
    return render(
        request,
        "risks/form.html",
        {"project": project, "form": form, "title": _("Log an issue"), "back": "issue_log"},
    )


@member_required
def issue_detail(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project = _project(request, project_id)
    issue = selectors.issue_get(actor=actor, project=project, number=number)
    links = selectors.evidence_of(issue=issue)
    return render(
        request,
        "risks/issue_detail.html",
        {
            "project": project,
            "issue": issue,
            "history": history_for(actor=actor, obj=issue),
            "can_record": permissions.can_record(actor, project),
            "can_share": permissions.can_share(actor, project),
            "resolve_form": ResolveForm(),
            "evidence": links,
            "trail": selectors.evidence_trail(links),
            "evidence_form": _issue_evidence_form(actor, issue),
        },
    )


@member_required
def issue_edit(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project = _project(request, project_id, record=True)
    issue = selectors.issue_get(actor=actor, project=project, number=number)
    form = IssueForm(request.POST or None, instance=issue, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.issue_update(actor=actor, issue=issue, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(reference)s is saved.") % {"reference": issue.reference})
            return redirect("risks:issue_detail", project.pk, issue.number)
    return render(
        request,
        "risks/form.html",
        {"project": project, "form": form, "title": str(issue), "back": "issue_log"},
    )


@require_POST
@member_required
def issue_share(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project = _project(request, project_id)
    issue = selectors.issue_get(actor=actor, project=project, number=number)
    if not permissions.can_share(actor, project):
        raise PermissionDenied
    try:
        services.issue_share(actor=actor, issue=issue)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(reference)s is shared with the client; their portal contacts are told.")
            % {"reference": issue.reference},
        )
    return redirect("risks:issue_detail", project.pk, number)


@require_POST
@member_required
def issue_resolve(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project = _project(request, project_id, record=True)
    issue = selectors.issue_get(actor=actor, project=project, number=number)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("risks:issue_detail", project.pk, number)
    try:
        services.issue_resolve(actor=actor, issue=issue, resolution=form.cleaned_data["resolution"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(reference)s is resolved.") % {"reference": issue.reference})
    return redirect("risks:issue_detail", project.pk, number)


def _issue_evidence_form(actor: Actor, issue: Issue, data: object = None) -> EvidenceForm:
    return EvidenceForm(
        data,
        change_requests=change_requests_visible_to(actor).filter(project=issue.project),
        status_reports=reports_visible_to(actor).filter(
            project=issue.project, published_at__isnull=False
        ),
        issues=None,
    )


@require_POST
@member_required
def issue_evidence(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project = _project(request, project_id, record=True)
    issue = selectors.issue_get(actor=actor, project=project, number=number)
    form = _issue_evidence_form(actor, issue, request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            conflicts.evidence_link(actor=actor, issue=issue, **form.values())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The evidence is linked."))
    return redirect("risks:issue_detail", project.pk, number)
