"""The internal app's home page for a member."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from rapport.clients.selectors import clients_visible_to
from rapport.closure.checkins import checkins_due
from rapport.communication import selectors as communication
from rapport.feedback import followups
from rapport.messaging import selectors as messaging
from rapport.projects.models import Project
from rapport.projects.selectors import project_list
from rapport.reports import thread_selectors as report_questions
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import ActorRequest


@member_required
def app_home(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    projects = project_list(actor=actor).exclude(
        status__in=[Project.Status.CLOSED, Project.Status.CANCELLED]
    )
    return render(
        request,
        "app/home.html",
        {
            "projects": projects[:20],
            "project_count": projects.count(),
            "client_count": clients_visible_to(actor).count(),
            "touchpoints_due": communication.attention(actor=actor),
            "messages_waiting": messaging.threads_waiting(actor=actor),
            "checkins_due": list(checkins_due(actor=actor)[:20]),
            "questions_waiting": report_questions.questions_waiting(actor=actor),
            "feedback_follow_ups": list(followups.follow_ups_open(actor=actor)[:20]),
        },
    )
