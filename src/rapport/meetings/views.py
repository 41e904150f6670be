"""Meetings in the internal app: the project's meetings, scheduling, the agenda builder with
its proposals, rescheduling and cancelling."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import export
from rapport.core.forms import add_service_errors
from rapport.core.pagination import paginate
from rapport.meetings import exports, permissions, selectors, services
from rapport.meetings import minutes as minutes_services
from rapport.meetings.forms import AgendaItemForm, CancelForm, CarryForm, MeetingForm
from rapport.meetings.models import AgendaItem, Meeting
from rapport.projects.models import Project
from rapport.projects.selectors import project_get
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import Actor, ActorRequest


def _meeting(actor: Actor, project_id: int, number: int) -> tuple[Project, Meeting]:
    project = project_get(actor=actor, project_id=project_id)
    return project, selectors.meeting_get(actor=actor, project=project, number=number)


def _managing(actor: Actor, project: Project) -> None:
    if not permissions.can_manage(actor, project):
        raise PermissionDenied


def _view(actor: Actor, project: Project) -> None:
    """Contacts never reach here; a member who sees the project but is not on its team
    (impossible today) would be refused."""
    if not permissions.can_view(actor, project):
        raise PermissionDenied


def _when(request: ActorRequest) -> str:
    when = request.GET.get("when", "")
    return when if when in ("upcoming", "past") else ""


@member_required
def meeting_list_export(request: ActorRequest, project_id: int, fmt: str) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    _view(actor, project)
    return export.response(
        fmt,
        name=f"meetings-{project.code}",
        title=_("Client meetings"),
        columns=exports.MEETING_COLUMNS,
        rows=selectors.meeting_list(actor=actor, project=project, when=_when(request)),
    )


@member_required
def meeting_list(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    _view(actor, project)
    when = _when(request)
    return render(
        request,
        "meetings/list.html",
        {
            "project": project,
            "page": paginate(
                request, selectors.meeting_list(actor=actor, project=project, when=when)
            ),
            "when": when,
            "can_manage": permissions.can_manage(actor, project),
        },
    )


@member_required
def meeting_create(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    _managing(actor, project)
    assert actor.user is not None
    form = MeetingForm(
        request.POST or None,
        project=project,
        initial={
            "time_zone": actor.user.time_zone,
            "attendees": [actor.user],
            "title": _("Status meeting"),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(
                actor=actor, project=project, **form.service_values()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(reference)s is scheduled and the attendees are invited.")
                % {"reference": meeting.reference},
            )
            return redirect("meetings:detail", project.pk, meeting.number)
    return render(
        request, "meetings/form.html", {"project": project, "form": form, "meeting": None}
    )


@member_required
def meeting_detail(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project, meeting = _meeting(actor, project_id, number)
    _view(actor, project)
    can_manage = permissions.can_manage(actor, project)
    agenda = selectors.agenda(meeting=meeting)
    agenda_minutes = sum(item.time_box for item in agenda)
    minutes = getattr(meeting, "minutes", None)
    cancel_form = CancelForm()
    if meeting.series is None:
        del cancel_form.fields["following"]
    return render(
        request,
        "meetings/detail.html",
        {
            "project": project,
            "meeting": meeting,
            "agenda": agenda,
            "agenda_minutes": agenda_minutes,
            "over_by": agenda_minutes - meeting.duration_minutes,
            "proposals": selectors.agenda_proposals(meeting=meeting)
            if can_manage and meeting.state != Meeting.State.CANCELLED
            else [],
            "agenda_form": AgendaItemForm(project=project),
            "cancel_form": cancel_form,
            "can_manage": can_manage,
            "minutes": minutes,
            "versions": selectors.versions(meeting=meeting),
            "decisions": meeting.decisions.select_related(
                "decided_by_user", "decided_by_contact", "agenda_item"
            ),
            "action_items": meeting.action_items.select_related("owner_user", "owner_contact"),
            "unpublished": minutes_services.has_unpublished_changes(meeting),
        },
    )


@member_required
def meeting_edit(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project, meeting = _meeting(actor, project_id, number)
    _managing(actor, project)
    if not meeting.is_scheduled:
        messages.error(request, _("Only a scheduled meeting can change."))
        return redirect("meetings:detail", project.pk, number)
    form = MeetingForm(request.POST or None, project=project, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(actor=actor, meeting=meeting, **form.service_values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved; the attendees have the updated invitation."))
            return redirect("meetings:detail", project.pk, number)
    return render(
        request, "meetings/form.html", {"project": project, "form": form, "meeting": meeting}
    )


@require_POST
@member_required
def meeting_cancel(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project, meeting = _meeting(actor, project_id, number)
    _managing(actor, project)
    form = CancelForm(request.POST)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    try:
        cancelled = services.meeting_cancel(
            actor=actor,
            meeting=meeting,
            reason=data.get("reason", ""),
            following=data.get("following", False),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Cancelled (%(count)d); the attendees are told.") % {"count": len(cancelled)},
        )
    return redirect("meetings:detail", project.pk, number)


@require_POST
@member_required
def meeting_send_update(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project, meeting = _meeting(actor, project_id, number)
    _managing(actor, project)
    try:
        services.meeting_send_update(actor=actor, meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The attendees have the invitation with the agenda as it is now.")
        )
    return redirect("meetings:detail", project.pk, number)


# --- the agenda -------------------------------------------------------------------------------


@member_required
def agenda_add(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project, meeting = _meeting(actor, project_id, number)
    _managing(actor, project)
    form = AgendaItemForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_add(actor=actor, meeting=meeting, **form.service_values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Added to the agenda."))
            return redirect("meetings:detail", project.pk, number)
    return render(
        request,
        "meetings/agenda_form.html",
        {"project": project, "meeting": meeting, "form": form, "item": None},
    )


@require_POST
@member_required
def agenda_carry(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project, meeting = _meeting(actor, project_id, number)
    _managing(actor, project)
    form = CarryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a proposal from the list."))
        return redirect("meetings:detail", project.pk, number)
    try:
        services.agenda_item_carry(actor=actor, meeting=meeting, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Added to the agenda."))
    return redirect("meetings:detail", project.pk, number)


def _agenda_item(meeting: Meeting, item_id: int) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.select_related("meeting__project", "owner_user", "owner_contact"),
        meeting=meeting,
        pk=item_id,
    )


@member_required
def agenda_edit(request: ActorRequest, project_id: int, number: int, item_id: int) -> HttpResponse:
    actor = request.actor
    project, meeting = _meeting(actor, project_id, number)
    item = _agenda_item(meeting, item_id)
    _managing(actor, project)
    form = AgendaItemForm(request.POST or None, project=project, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_update(actor=actor, item=item, **form.service_values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The agenda item is saved."))
            return redirect("meetings:detail", project.pk, number)
    return render(
        request,
        "meetings/agenda_form.html",
        {"project": project, "meeting": meeting, "form": form, "item": item},
    )


@require_POST
@member_required
def agenda_delete(
    request: ActorRequest, project_id: int, number: int, item_id: int
) -> HttpResponse:
    actor = request.actor
    project, meeting = _meeting(actor, project_id, number)
    item = _agenda_item(meeting, item_id)
    _managing(actor, project)
    try:
        services.agenda_item_delete(actor=actor, item=item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Removed from the agenda."))
    return redirect("meetings:detail", project.pk, number)
