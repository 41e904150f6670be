"""A project's client feedback in the app (surveys sent, responses, entries recorded by the
team) and the personal answer page a contact opens from the survey email, without login."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from rapport.core import export, ratelimit
from rapport.core.forms import add_service_errors
from rapport.core.pagination import paginate
from rapport.feedback import exports, permissions, schedule, selectors, services
from rapport.feedback.forms import FeedbackForm, SurveySendForm, answer_fields
from rapport.feedback.models import SurveyInvitation
from rapport.portal.access import contact_required
from rapport.projects.models import Project
from rapport.projects.selectors import project_get
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import Actor, ActorRequest, client_ip

# Requests of personal survey links per IP address: guessing links is paused with a 429.
ANSWER_PER_IP = ratelimit.Limit("survey-link-ip", 60, 10 * 60)


def _project(request: ActorRequest, project_id: int, *, send: bool = False) -> Project:
    project = project_get(actor=request.actor, project_id=project_id)
    allowed = permissions.can_send if send else permissions.can_view
    if not allowed(request.actor, project):
        raise PermissionDenied
    return project


@member_required
def feedback_list_export(request: ActorRequest, project_id: int, fmt: str) -> HttpResponse:
    project = _project(request, project_id)
    return export.response(
        fmt,
        name=f"feedback-{project.code}",
        title=_("Client feedback"),
        columns=exports.FEEDBACK_COLUMNS,
        rows=selectors.feedback_list(actor=request.actor, project=project),
    )


@member_required
def feedback_list(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = _project(request, project_id)
    return render(
        request,
        "feedback/list.html",
        {
            "project": project,
            "page": paginate(request, selectors.feedback_list(actor=actor, project=project)),
            "surveys": selectors.survey_list(actor=actor, project=project)[:10],
            "schedules": [
                schedule.describe(item)
                for item in schedule.schedules_of(actor=actor, project=project)
            ],
            "can_send": permissions.can_send(actor, project),
            "can_record": permissions.can_record(actor, project),
        },
    )


@member_required
def survey_send(request: ActorRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id, send=True)
    form = SurveySendForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_send(actor=request.actor, project=project, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            count = survey.invitations.count()
            messages.success(
                request,
                ngettext(
                    "The survey was sent to %(count)d contact.",
                    "The survey was sent to %(count)d contacts.",
                    count,
                )
                % {"count": count},
            )
            return redirect("feedback:list", project.pk)
    return render(request, "feedback/send.html", {"project": project, "form": form})


@member_required
def feedback_create(request: ActorRequest, project_id: int) -> HttpResponse:
    project = project_get(actor=request.actor, project_id=project_id)
    if not permissions.can_record(request.actor, project):
        raise PermissionDenied
    form = FeedbackForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_record(actor=request.actor, project=project, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The feedback is recorded."))
            return redirect("feedback:list", project.pk)
    return render(request, "feedback/record.html", {"project": project, "form": form})


@never_cache
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The personal survey link: works for its one contact and survey, once, until expiry. It
    shows the questions and nothing else of the project, and touches no session."""
    wait = ratelimit.hit(ANSWER_PER_IP, client_ip(request) or "-")
    if wait:
        return ratelimit.too_many(request, wait)
    invitation = services.invitation_from_token(token)
    if invitation is None:
        return render(request, "feedback/answer_closed.html", {"reason": "unknown"}, status=404)
    language = invitation.contact.language
    translation.activate(language)
    request.LANGUAGE_CODE = translation.get_language()
    context = {"survey": invitation.survey, "contact": invitation.contact}
    if invitation.answered_at is not None:
        return render(
            request,
            "feedback/answer_thanks.html",
            {**context, "response": getattr(invitation, "response", None)},
        )
    if services.is_expired(invitation):
        return render(request, "feedback/answer_closed.html", {"reason": "expired"}, status=410)
    return _answer_form(
        request,
        invitation,
        actor=Actor.anonymous(ip=client_ip(request)),
        template="feedback/answer.html",
        done=redirect("feedback_public:answer", token),
        context=context,
    )


def _answer_form(
    request: HttpRequest,
    invitation: SurveyInvitation,
    *,
    actor: Actor,
    template: str,
    done: HttpResponse,
    context: dict[str, Any],
) -> HttpResponse:
    """The questions in the respondent's language; a POST answers, or shows each question's
    error beside it with what was typed kept."""
    questions = list(invitation.survey.template.questions.all())
    errors: dict[str, list[str]] = {}
    values = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            services.survey_answer(
                invitation=invitation, values=dict(request.POST.items()), actor=actor
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return render(
                    request,
                    "feedback/answer_closed.html",
                    {"reason": "message", "message": " ".join(error.messages)},
                    status=409,
                )
            errors = {key: list(messages) for key, messages in error.message_dict.items()}
        else:
            return done
    fields = answer_fields(questions, invitation.contact.language)
    for field in fields:
        field["value"] = values.get(field["name"], "")
        field["errors"] = errors.get(field["name"], [])
    return render(
        request,
        template,
        {**context, "fields": fields, "has_errors": bool(errors)},
        status=400 if errors else 200,
    )


@contact_required
def portal_answer(request: ActorRequest, project_id: int, survey_id: int) -> HttpResponse:
    """A portal contact answers a survey sent to them without the emailed link."""
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    invitation = get_object_or_404(
        selectors.invitations_of(actor=actor, project=project), survey_id=survey_id
    )
    context = {"project": project, "survey": invitation.survey, "contact": invitation.contact}
    if invitation.answered_at is not None:
        response = getattr(invitation, "response", None)
        return render(request, "feedback/portal_answer.html", {**context, "response": response})
    if services.is_expired(invitation):
        raise Http404
    return _answer_form(
        request,
        invitation,
        actor=actor,
        template="feedback/portal_answer.html",
        done=redirect("portal_feedback:answer", project.pk, invitation.survey_id),
        context=context,
    )
