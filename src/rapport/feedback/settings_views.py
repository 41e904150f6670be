"""The organisation's feedback settings (admins) and its survey templates (admins and
project managers)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core.forms import add_service_errors
from rapport.core.pagination import paginate
from rapport.feedback import org_settings, permissions, services, template_services
from rapport.feedback.models import SurveyTemplate
from rapport.feedback.settings_forms import (
    FeedbackSettingsForm,
    QuestionFormSet,
    TemplateForm,
    question_initial,
    question_rows,
)
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import ActorRequest


@member_required
def feedback_settings(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if not permissions.can_change_settings(actor):
        raise PermissionDenied
    form = FeedbackSettingsForm.of(
        org_settings.feedback_settings_of(actor.organisation_id), request.POST or None
    )
    if request.method == "POST" and form.is_valid():
        try:
            org_settings.feedback_settings_update(actor=actor, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The feedback settings are saved."))
            return redirect("feedback_settings:edit")
    return render(
        request, "feedback/settings.html", {"form": form}, status=400 if form.errors else 200
    )


def _editor(request: ActorRequest) -> None:
    if not permissions.can_edit_templates(request.actor):
        raise PermissionDenied


def _template(request: ActorRequest, template_id: int) -> SurveyTemplate:
    """Another organisation's template is not found, whoever asks; one's own is forbidden to
    those who may not edit."""
    template = get_object_or_404(
        template_services.templates_of(actor=request.actor), pk=template_id
    )
    _editor(request)
    return template


@member_required
def template_list(request: ActorRequest) -> HttpResponse:
    _editor(request)
    assert request.actor.organisation is not None
    services.template_default(organisation=request.actor.organisation)
    templates = template_services.templates_of(actor=request.actor).prefetch_related("questions")
    return render(request, "feedback/templates.html", {"page": paginate(request, templates)})


def _edit(request: ActorRequest, template: SurveyTemplate | None) -> HttpResponse:
    initial = {"name": template.name, "is_default": template.is_default} if template else None
    form = TemplateForm(request.POST or None, initial=initial)
    formset = QuestionFormSet(
        request.POST or None, initial=question_initial(template), prefix="questions"
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            saved = template_services.template_save(
                actor=request.actor,
                template=template,
                name=form.cleaned_data["name"],
                is_default=form.cleaned_data["is_default"],
                questions=question_rows(formset),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The survey template is saved."))
            return redirect("feedback_settings:template_edit", saved.pk)
    invalid = bool(form.errors) or (request.method == "POST" and not formset.is_valid())
    return render(
        request,
        "feedback/template_form.html",
        {"form": form, "formset": formset, "template": template},
        status=400 if invalid else 200,
    )


@member_required
def template_create(request: ActorRequest) -> HttpResponse:
    _editor(request)
    return _edit(request, None)


@member_required
def template_edit(request: ActorRequest, template_id: int) -> HttpResponse:
    return _edit(request, _template(request, template_id))


@member_required
@require_POST
def template_duplicate(request: ActorRequest, template_id: int) -> HttpResponse:
    template = _template(request, template_id)
    copy = template_services.template_duplicate(actor=request.actor, template=template)
    messages.success(request, _("The template is duplicated: reword the copy."))
    return redirect("feedback_settings:template_edit", copy.pk)


@member_required
@require_POST
def template_delete(request: ActorRequest, template_id: int) -> HttpResponse:
    template = _template(request, template_id)
    try:
        template_services.template_delete(actor=request.actor, template=template)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("feedback_settings:template_edit", template.pk)
    messages.success(request, _("The template is deleted."))
    return redirect("feedback_settings:templates")
