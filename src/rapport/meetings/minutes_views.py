"""Minutes, decisions and action items in the internal app."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import export
from rapport.core.forms import add_service_errors
from rapport.core.pagination import paginate
from rapport.meetings import exports, pdf, permissions, selectors
from rapport.meetings import minutes as services
from rapport.meetings.forms import (
    ActionItemForm,
    CloseForm,
    DecisionForm,
    MinutesForm,
    PublishForm,
)
from rapport.meetings.models import ActionItem, Decision, Meeting, MinutesVersion
from rapport.meetings.views import _managing, _meeting, _view
from rapport.projects.selectors import project_get
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import ActorRequest


@member_required
def minutes_edit(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    """Attendance, notes per agenda item, summary and internal notes; then the decisions and
    action items on the same page."""
    actor = request.actor
    project, meeting = _meeting(actor, project_id, number)
    _managing(actor, project)
    agenda = selectors.agenda(meeting=meeting)
    versions = selectors.versions(meeting=meeting)
    form = MinutesForm(
        request.POST or None, meeting=meeting, agenda=agenda, published=bool(versions)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_record(actor=actor, meeting=meeting, **form.service_values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if versions and len(selectors.versions(meeting=meeting)) > len(versions):
                messages.success(
                    request,
                    _("A corrected version is published; the earlier one stays as it was."),
                )
            else:
                messages.success(request, _("The minutes are saved."))
            return redirect("meetings:minutes", project.pk, number)
    held = meeting.state == meeting.State.HELD
    return render(
        request,
        "meetings/minutes.html",
        {
            "project": project,
            "meeting": meeting,
            "form": form,
            "versions": versions,
            "held": held,
            "decision_form": DecisionForm(project=project, agenda=agenda),
            "action_form": ActionItemForm(project=project, agenda=agenda),
            "decisions": meeting.decisions.select_related(
                "decided_by_user", "decided_by_contact", "agenda_item"
            ),
            "action_items": meeting.action_items.select_related("owner_user", "owner_contact"),
            "unpublished": services.has_unpublished_changes(meeting),
            "publish_form": PublishForm(),
        },
    )


@member_required
def decision_add(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project, meeting = _meeting(actor, project_id, number)
    _managing(actor, project)
    agenda = selectors.agenda(meeting=meeting)
    form = DecisionForm(request.POST or None, project=project, agenda=agenda)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_record(actor=actor, meeting=meeting, **form.service_values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("meetings:minutes", project.pk, number)
    return render(
        request,
        "meetings/minutes_part_form.html",
        {"project": project, "meeting": meeting, "form": form, "heading": _("Record a decision")},
    )


@require_POST
@member_required
def decision_delete(
    request: ActorRequest, project_id: int, number: int, decision_id: int
) -> HttpResponse:
    actor = request.actor
    project, meeting = _meeting(actor, project_id, number)
    decision = get_object_or_404(
        Decision.objects.select_related("meeting__project"), meeting=meeting, pk=decision_id
    )
    _managing(actor, project)
    services.decision_delete(actor=actor, decision=decision)
    messages.success(request, _("The decision is removed."))
    return redirect("meetings:minutes", project.pk, number)


@member_required
def action_item_add(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project, meeting = _meeting(actor, project_id, number)
    _managing(actor, project)
    agenda = selectors.agenda(meeting=meeting)
    form = ActionItemForm(request.POST or None, project=project, agenda=agenda)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_item_create(
                actor=actor, project=project, meeting=meeting, **form.service_values()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The action item is recorded."))
            return redirect("meetings:minutes", project.pk, number)
    return render(
        request,
        "meetings/minutes_part_form.html",
        {
            "project": project,
            "meeting": meeting,
            "form": form,
            "heading": _("Record an action item"),
        },
    )


@require_POST
@member_required
def minutes_publish(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project, meeting = _meeting(actor, project_id, number)
    _managing(actor, project)
    form = PublishForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        version = services.minutes_publish(actor=actor, meeting=meeting, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "Version %(number)d of the minutes is published; the client attendees are "
                "asked to confirm it."
            )
            % {"number": version.number},
        )
    return redirect("meetings:minutes", project.pk, number)


@member_required
def minutes_pdf(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    """The latest published version as the client has it, or the draft (marked so)."""
    actor = request.actor
    project, meeting = _meeting(actor, project_id, number)
    _view(actor, project)
    if not hasattr(meeting, "minutes"):
        raise Http404
    version = services.latest_version(meeting)
    if version is not None and not services.has_unpublished_changes(meeting):
        return pdf_response(meeting, content=version.content, version=version)
    return pdf_response(meeting, content=services.content(meeting), version=None)


def pdf_response(
    meeting: Meeting, *, content: dict[str, Any], version: MinutesVersion | None
) -> HttpResponse:
    return HttpResponse(
        pdf.render(meeting, content=content, version=version, language=get_language()),
        content_type=pdf.MIMETYPE,
        headers={
            "Content-Disposition": content_disposition_header(False, pdf.filename(meeting, version))
        },
    )


# --- action items -----------------------------------------------------------------------------


def action_item_status(request: ActorRequest) -> str:
    """The open action items unless another status is asked for; any other value is all."""
    status = request.GET.get("status", "open")
    return status if status in ActionItem.Status.values else ""


@member_required
def action_item_list_export(request: ActorRequest, project_id: int, fmt: str) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    _view(actor, project)
    return export.response(
        fmt,
        name=f"action-items-{project.code}",
        title=_("Action items"),
        columns=exports.ACTION_ITEM_COLUMNS,
        rows=selectors.action_item_list(
            actor=actor, project=project, status=action_item_status(request)
        ),
    )


@member_required
def my_action_items_export(request: ActorRequest, fmt: str) -> HttpResponse:
    actor = request.actor
    return export.response(
        fmt,
        name="my-action-items",
        title=_("My action items"),
        columns=exports.ACTION_ITEM_COLUMNS,
        rows=selectors.action_item_list(actor=actor, status=action_item_status(request), mine=True),
    )


@member_required
def action_item_list(request: ActorRequest, project_id: int) -> HttpResponse:
    """The project's action items, open ones first, overdue ones flagged."""
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    _view(actor, project)
    status = action_item_status(request)
    return render(
        request,
        "meetings/action_items.html",
        {
            "project": project,
            "page": paginate(
                request, selectors.action_item_list(actor=actor, project=project, status=status)
            ),
            "status": status,
            "mine": False,
        },
    )


@member_required
def my_action_items(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    status = action_item_status(request)
    return render(
        request,
        "meetings/action_items.html",
        {
            "project": None,
            "page": paginate(
                request, selectors.action_item_list(actor=actor, status=status, mine=True)
            ),
            "status": status,
            "mine": True,
        },
    )


@member_required
def action_item_close(request: ActorRequest, action_item_id: int) -> HttpResponse:
    actor = request.actor
    item = selectors.action_item_get(actor=actor, action_item_id=action_item_id)
    if not permissions.can_close(actor, item):
        raise PermissionDenied
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_item_close(
                actor=actor, action_item=item, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The action item is closed."))
            return redirect("meetings:action_items", item.project_id)
    return render(request, "meetings/action_item_close.html", {"item": item, "form": form})
