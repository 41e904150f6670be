"""The conflict register in the app: the organisation's conflicts with their root-cause
breakdown, one conflict with its parties, timeline, evidence and evidence trail. Internal:
the portal has no page for it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.audit.selectors import history_for
from rapport.changes.selectors import change_requests_visible_to
from rapport.clients.models import Client
from rapport.clients.selectors import client_get
from rapport.core import export
from rapport.core.forms import MAX_ID, add_service_errors, int_or_none
from rapport.core.pagination import paginate
from rapport.projects.selectors import projects_visible_to
from rapport.reports.selectors import reports_visible_to
from rapport.risks import charts, conflicts, exports, permissions, selectors
from rapport.risks.forms import CloseForm, ConflictForm, EvidenceForm, StepForm
from rapport.risks.models import Conflict
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import Actor, ActorRequest


def _client_filter(request: ActorRequest) -> Client | None:
    """The client the register is narrowed to; another organisation's is a 404. Only those
    who keep conflicts see the register."""
    actor = request.actor
    client_id = int_or_none(request.GET.get("client"))
    if client_id is not None and not 0 < client_id <= MAX_ID:
        raise Http404
    client = client_get(actor=actor, client_id=client_id) if client_id else None
    if not permissions.can_keep_conflicts(actor):
        raise PermissionDenied
    return client


@member_required
def conflict_list_export(request: ActorRequest, fmt: str) -> HttpResponse:
    client = _client_filter(request)
    return export.response(
        fmt,
        name="conflicts",
        title=_("Conflict register"),
        columns=exports.CONFLICT_COLUMNS,
        rows=selectors.conflict_list(
            actor=request.actor,
            client_id=client.pk if client else None,
            status=request.GET.get("status", ""),
        ),
    )


@member_required
def conflict_list(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    client = _client_filter(request)
    status = request.GET.get("status", "")
    return render(
        request,
        "risks/conflict_list.html",
        {
            "page": paginate(
                request,
                selectors.conflict_list(
                    actor=actor,
                    client_id=client.pk if client else None,
                    status=status,
                ),
            ),
            "client": client,
            "can_record": client is not None and permissions.can_record_conflict(actor, client),
            "status": status if status in Conflict.Status.values else "",
            "statuses": Conflict.Status.choices,
            "chart": charts.root_causes(selectors.root_cause_breakdown(actor=actor)),
        },
    )


@member_required
def conflict_create(request: ActorRequest, client_id: int) -> HttpResponse:
    actor = request.actor
    client = client_get(actor=actor, client_id=client_id)
    if not permissions.can_record_conflict(actor, client):
        raise PermissionDenied
    form = ConflictForm(request.POST or None, client=client, projects=projects_visible_to(actor))
    if request.method == "POST" and form.is_valid():
        try:
            conflict = conflicts.conflict_create(actor=actor, client=client, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(reference)s is in the conflict register.") % {"reference": conflict.reference},
            )
            return redirect("risks:conflict_detail", conflict.pk)
    return render(
        request,
        "risks/conflict_form.html",
        {"form": form, "client": client, "title": _("Record a conflict")},
    )


def _evidence_form(actor: Actor, conflict: Conflict, data: object = None) -> EvidenceForm:
    return EvidenceForm(
        data,
        change_requests=change_requests_visible_to(actor).filter(project__client=conflict.client),
        status_reports=reports_visible_to(actor).filter(
            project__client=conflict.client, published_at__isnull=False
        ),
        issues=selectors.issues_visible_to(actor).filter(project__client=conflict.client),
    )


@member_required
def conflict_detail(request: ActorRequest, conflict_id: int) -> HttpResponse:
    actor = request.actor
    conflict = selectors.conflict_get(actor=actor, conflict_id=conflict_id)
    team, contacts = selectors.conflict_parties(conflict=conflict)
    links = selectors.evidence_of(conflict=conflict)
    return render(
        request,
        "risks/conflict_detail.html",
        {
            "conflict": conflict,
            "team": team,
            "contacts": contacts,
            "steps": conflict.steps.select_related("taken_by"),
            "evidence": links,
            "trail": selectors.evidence_trail(links),
            "history": history_for(actor=actor, obj=conflict),
            "can_handle": permissions.can_handle_conflict(actor, conflict),
            "step_form": StepForm(
                organisation_id=conflict.organisation_id,
                initial={"occurred_on": timezone.localdate(), "taken_by": actor.user},
            ),
            "close_form": CloseForm(initial={"resolved_on": timezone.localdate()}),
            "evidence_form": _evidence_form(actor, conflict),
        },
    )


def _handled(request: ActorRequest, conflict_id: int) -> Conflict:
    conflict = selectors.conflict_get(actor=request.actor, conflict_id=conflict_id)
    if not permissions.can_handle_conflict(request.actor, conflict):
        raise PermissionDenied
    return conflict


@member_required
def conflict_edit(request: ActorRequest, conflict_id: int) -> HttpResponse:
    actor = request.actor
    conflict = _handled(request, conflict_id)
    form = ConflictForm(
        request.POST or None,
        instance=conflict,
        client=conflict.client,
        projects=projects_visible_to(actor),
    )
    if request.method == "POST" and form.is_valid():
        try:
            conflicts.conflict_update(actor=actor, conflict=conflict, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("%(reference)s is saved.") % {"reference": conflict.reference}
            )
            return redirect("risks:conflict_detail", conflict.pk)
    return render(
        request,
        "risks/conflict_form.html",
        {"form": form, "client": conflict.client, "conflict": conflict, "title": str(conflict)},
    )


def _errors(form: StepForm | CloseForm | EvidenceForm) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@require_POST
@member_required
def conflict_step(request: ActorRequest, conflict_id: int) -> HttpResponse:
    conflict = _handled(request, conflict_id)
    form = StepForm(request.POST, organisation_id=conflict.organisation_id)
    if not form.is_valid():
        messages.error(request, _errors(form))
    else:
        try:
            conflicts.conflict_step_add(actor=request.actor, conflict=conflict, **form.values())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The step is on the timeline."))
    return redirect("risks:conflict_detail", conflict.pk)


@require_POST
@member_required
def conflict_close(request: ActorRequest, conflict_id: int) -> HttpResponse:
    conflict = _handled(request, conflict_id)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
    else:
        try:
            conflicts.conflict_close(actor=request.actor, conflict=conflict, **form.values())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("%(reference)s is closed.") % {"reference": conflict.reference}
            )
    return redirect("risks:conflict_detail", conflict.pk)


@require_POST
@member_required
def conflict_evidence(request: ActorRequest, conflict_id: int) -> HttpResponse:
    conflict = _handled(request, conflict_id)
    form = _evidence_form(request.actor, conflict, request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
    else:
        try:
            conflicts.evidence_link(actor=request.actor, conflict=conflict, **form.values())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The evidence is linked."))
    return redirect("risks:conflict_detail", conflict.pk)
