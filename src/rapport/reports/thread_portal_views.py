"""The client's questions on a published report, in the portal: any portal contact of the
client opens a thread or adds to one (the threads show on the report page, see
templatetags.report_threads)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from rapport.core.forms import add_service_errors
from rapport.portal.access import contact_required
from rapport.projects.selectors import project_get
from rapport.reports import permissions, selectors, thread_selectors, threads
from rapport.reports.forms import follow_up_form, question_form
from rapport.tenancy.actors import ActorRequest


def _thread_link(project_id: int, number: int, thread_id: int) -> str:
    return reverse("portal_reports:detail", args=[project_id, number]) + f"#thread-{thread_id}"


@contact_required
def report_thread_open(request: ActorRequest, project_id: int, number: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    report = selectors.report_get(actor=actor, project=project, number=number)
    if permissions.asking_contact(actor, project) is None:
        raise PermissionDenied
    form = question_form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = threads.report_thread_open(
                actor=actor, report=report, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your message is with the project team now."))
            return redirect(_thread_link(project.pk, number, thread.pk))
    return render(
        request,
        "reports/portal_thread_form.html",
        {"project": project, "report": report, "thread": None, "form": form},
    )


@contact_required
def report_thread_follow_up(
    request: ActorRequest, project_id: int, number: int, thread_id: int
) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    report = selectors.report_get(actor=actor, project=project, number=number)
    thread = thread_selectors.thread_get(report=report, thread_id=thread_id)
    if permissions.asking_contact(actor, project) is None:
        raise PermissionDenied
    form = follow_up_form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            threads.report_thread_follow_up(
                actor=actor, thread=thread, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your message is with the project team now."))
            return redirect(_thread_link(project.pk, number, thread.pk))
    return render(
        request,
        "reports/portal_thread_form.html",
        {"project": project, "report": report, "thread": thread, "form": form},
    )
