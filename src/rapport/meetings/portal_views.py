"""Meetings in the client portal: the meetings a contact is invited to, their agenda, the
published minutes (never the internal notes) to confirm or correct, and the contact's own
action items to close."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import export
from rapport.core.forms import add_service_errors
from rapport.core.pagination import paginate
from rapport.meetings import exports, permissions, selectors
from rapport.meetings import minutes as minutes_services
from rapport.meetings.forms import CloseForm, RespondForm
from rapport.meetings.minutes_views import action_item_status, pdf_response
from rapport.portal.access import contact_required
from rapport.projects.selectors import project_get
from rapport.tenancy.actors import ActorRequest


@contact_required
def meeting_list(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    return render(
        request,
        "meetings/portal_list.html",
        {
            "project": project,
            "page": paginate(request, selectors.meeting_list(actor=actor, project=project)),
        },
    )


@contact_required
def meeting_list_export(request: ActorRequest, project_id: int, fmt: str) -> HttpResponse:
    """The meetings the contact is invited to (with their agenda and published minutes)."""
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    return export.response(
        fmt,
        name=f"meetings-{project.code}",
        title=_("Meetings"),
        columns=exports.MEETING_COLUMNS,
        rows=selectors.meeting_list(actor=actor, project=project),
    )


@contact_required
def meeting_detail(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    meeting = selectors.meeting_get(actor=actor, project=project, number=number)
    versions = selectors.versions(meeting=meeting)
    latest = versions[0] if versions else None
    mine = None
    if latest is not None:
        mine = next((r for r in latest.responses.all() if r.contact_id in actor.contact_ids), None)
    return render(
        request,
        "meetings/portal_detail.html",
        {
            "project": project,
            "meeting": meeting,
            "agenda": selectors.agenda(meeting=meeting),
            "latest": latest,
            "earlier": versions[1:],
            "mine": mine,
            "can_respond": latest is not None
            and mine is None
            and latest.window_open
            and permissions.can_respond(actor, meeting),
            "form": RespondForm(),
        },
    )


@require_POST
@contact_required
def minutes_respond(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    meeting = selectors.meeting_get(actor=actor, project=project, number=number)
    form = RespondForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Confirm the minutes or propose a correction."))
        return redirect("portal_meetings:detail", project.pk, number)
    try:
        minutes_services.minutes_respond(
            actor=actor,
            meeting=meeting,
            confirm=form.cleaned_data["answer"] == "confirm",
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Thank you: your confirmation is recorded.")
            if form.cleaned_data["answer"] == "confirm"
            else _("Thank you: your correction is with the project manager."),
        )
    return redirect("portal_meetings:detail", project.pk, number)


@contact_required
def minutes_pdf(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    """The latest published version of the minutes; unpublished minutes do not exist here."""
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    meeting = selectors.meeting_get(actor=actor, project=project, number=number)
    version = minutes_services.latest_version(meeting)
    if version is None:
        raise Http404
    return pdf_response(meeting, content=version.content, version=version)


@contact_required
def my_action_items(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    status = action_item_status(request)
    return render(
        request,
        "meetings/portal_action_items.html",
        {
            "page": paginate(request, selectors.action_item_list(actor=actor, status=status)),
            "status": status,
        },
    )


@contact_required
def my_action_items_export(request: ActorRequest, fmt: str) -> HttpResponse:
    return export.response(
        fmt,
        name="my-action-items",
        title=_("My action items"),
        columns=exports.PORTAL_ACTION_ITEM_COLUMNS,
        rows=selectors.action_item_list(actor=request.actor, status=action_item_status(request)),
    )


@contact_required
def action_item_close(request: ActorRequest, action_item_id: int) -> HttpResponse:
    actor = request.actor
    item = selectors.action_item_get(actor=actor, action_item_id=action_item_id)
    if not permissions.can_close(actor, item):
        raise PermissionDenied
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            minutes_services.action_item_close(
                actor=actor, action_item=item, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you: the action item is closed."))
            return redirect("portal_meetings:action_items")
    return render(request, "meetings/portal_action_item_close.html", {"item": item, "form": form})
