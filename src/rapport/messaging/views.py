"""The conversations of a project, for its team (``app``) and for its client's contacts
(``portal``): the same pages on both sides, each behind its own door."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from rapport.core import export
from rapport.core.forms import add_service_errors
from rapport.core.pagination import paginate
from rapport.messaging import attachments as files
from rapport.messaging import exports, permissions, selectors, services
from rapport.messaging.forms import MessageForm, ThreadForm
from rapport.portal.access import contact_required
from rapport.projects.models import Project
from rapport.projects.selectors import project_get
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import ActorRequest


@dataclass(frozen=True)
class Side:
    name: str  # "app" or "portal"
    base: str  # the template the pages extend
    namespace: str  # of the URL names


APP = Side("app", "app/base.html", "messages_app")
PORTAL = Side("portal", "portal/base.html", "portal_messages")


def _project(request: ActorRequest, project_id: int) -> Project:
    project = project_get(actor=request.actor, project_id=project_id)
    if not permissions.can_take_part(request.actor, project):
        raise Http404
    return project


def _context(side: Side, project: Project, **values: Any) -> dict[str, Any]:
    return {"side": side, "base": side.base, "project": project, **values}


def _thread_list(request: ActorRequest, project_id: int, side: Side) -> HttpResponse:
    actor = request.actor
    project = _project(request, project_id)
    context = _context(
        side,
        project,
        page=paginate(request, selectors.thread_list(actor=actor, project=project)),
        form=ThreadForm(),
    )
    if side is APP:
        context["response_times"] = selectors.response_times(project=project)
    return render(request, "messaging/list.html", context)


def _thread_list_export(request: ActorRequest, project_id: int, fmt: str) -> HttpResponse:
    """The same conversations on both sides: the app's and the portal's."""
    project = _project(request, project_id)
    return export.response(
        fmt,
        name=f"messages-{project.code}",
        title=_("Messages"),
        columns=exports.THREAD_COLUMNS,
        rows=selectors.thread_list(actor=request.actor, project=project),
    )


def _thread_open(request: ActorRequest, project_id: int, side: Side) -> HttpResponse:
    actor = request.actor
    project = _project(request, project_id)
    form = ThreadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.thread_open(actor=actor, project=project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your message is sent."))
            return redirect(f"{side.namespace}:thread", project.pk, thread.pk)
    return render(request, "messaging/open.html", _context(side, project, form=form))


def _thread(request: ActorRequest, project_id: int, thread_id: int, side: Side) -> HttpResponse:
    """The conversation, oldest first, and the reply form; opening it marks it read."""
    actor = request.actor
    project = _project(request, project_id)
    thread = selectors.thread_get(actor=actor, project=project, thread_id=thread_id)
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            message = services.message_post(actor=actor, thread=thread, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your message is sent."))
            url = reverse(f"{side.namespace}:thread", args=[project.pk, thread.pk])
            return redirect(f"{url}#message-{message.pk}")
    conversation = list(selectors.thread_messages(thread=thread))
    if request.method == "GET":
        services.thread_mark_read(actor=actor, thread=thread)
    return render(
        request,
        "messaging/thread.html",
        _context(side, project, thread=thread, conversation=conversation, form=form),
    )


def _download(
    request: ActorRequest, project_id: int, thread_id: int, attachment_id: int
) -> HttpResponse:
    """The file as a download, never shown or run in the page: the original name (RFC 6266),
    the type it was checked to be, ``nosniff`` and a sandbox policy in case it is opened."""
    actor = request.actor
    project = _project(request, project_id)
    thread = selectors.thread_get(actor=actor, project=project, thread_id=thread_id)
    attachment = selectors.attachment_get(actor=actor, thread=thread, attachment_id=attachment_id)
    try:
        handle = files.path_of(attachment.stored_name).open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return cast(HttpResponse, response)  # streamed; the access decorators are typed for pages


# --- the team's side ----------------------------------------------------------------------------


@member_required
def thread_list(request: ActorRequest, project_id: int) -> HttpResponse:
    return _thread_list(request, project_id, APP)


@member_required
def thread_list_export(request: ActorRequest, project_id: int, fmt: str) -> HttpResponse:
    return _thread_list_export(request, project_id, fmt)


@member_required
def thread_open(request: ActorRequest, project_id: int) -> HttpResponse:
    return _thread_open(request, project_id, APP)


@member_required
def thread_detail(request: ActorRequest, project_id: int, thread_id: int) -> HttpResponse:
    return _thread(request, project_id, thread_id, APP)


@member_required
def attachment_download(
    request: ActorRequest, project_id: int, thread_id: int, attachment_id: int
) -> HttpResponse:
    return _download(request, project_id, thread_id, attachment_id)


# --- the client's side --------------------------------------------------------------------------


@contact_required
def portal_thread_list(request: ActorRequest, project_id: int) -> HttpResponse:
    return _thread_list(request, project_id, PORTAL)


@contact_required
def portal_thread_list_export(request: ActorRequest, project_id: int, fmt: str) -> HttpResponse:
    return _thread_list_export(request, project_id, fmt)


@contact_required
def portal_thread_open(request: ActorRequest, project_id: int) -> HttpResponse:
    return _thread_open(request, project_id, PORTAL)


@contact_required
def portal_thread_detail(request: ActorRequest, project_id: int, thread_id: int) -> HttpResponse:
    return _thread(request, project_id, thread_id, PORTAL)


@contact_required
def portal_attachment_download(
    request: ActorRequest, project_id: int, thread_id: int, attachment_id: int
) -> HttpResponse:
    return _download(request, project_id, thread_id, attachment_id)
