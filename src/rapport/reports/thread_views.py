"""The client's questions on a report, in the internal app: those who manage the report answer
(the threads themselves show on the report page, see templatetags.report_threads)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from rapport.core.forms import add_service_errors
from rapport.projects.selectors import project_get
from rapport.reports import permissions, selectors, thread_selectors, threads
from rapport.reports.forms import answer_form
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import ActorRequest


@member_required
def report_thread_answer(
    request: ActorRequest, project_id: int, number: int, thread_id: int
) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    report = selectors.report_get(actor=actor, project=project, number=number)
    thread = thread_selectors.thread_get(report=report, thread_id=thread_id)
    if not permissions.can_answer(actor, project):
        raise PermissionDenied
    form = answer_form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            threads.report_thread_answer(actor=actor, thread=thread, body=form.cleaned_data["body"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your answer is sent to the client."))
            return redirect(
                reverse("reports:detail", args=[project.pk, number]) + f"#thread-{thread.pk}"
            )
    return render(
        request,
        "reports/thread_answer.html",
        {"project": project, "report": report, "thread": thread, "form": form},
    )
