"""Reads of a project's feedback, for those who may see it."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from rapport.feedback.models import Feedback, ImprovementAction, Survey, SurveyInvitation
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor


def feedback_list(*, actor: Actor, project: Project) -> QuerySet[Feedback]:
    return (
        Feedback.objects.filter(project=project, organisation_id=actor.organisation_id)
        .select_related("contact", "recorded_by", "follow_up")
        .order_by("-received_on", "-pk")
    )


def survey_list(*, actor: Actor, project: Project) -> QuerySet[Survey]:
    return (
        Survey.objects.filter(project=project, organisation_id=actor.organisation_id)
        .prefetch_related("invitations__contact")
        .order_by("-created_at")
    )


def invitations_of(*, actor: Actor, project: Project) -> QuerySet[SurveyInvitation]:
    """The surveys sent to the contact actor for this project (their own invitations only)."""
    return SurveyInvitation.objects.filter(
        survey__project=project, contact_id__in=actor.contact_ids or ()
    ).select_related("survey__template", "contact", "response")


def open_invitations_of(*, actor: Actor, project: Project) -> QuerySet[SurveyInvitation]:
    return invitations_of(actor=actor, project=project).filter(
        answered_at__isnull=True, survey__expires_at__gt=timezone.now()
    )


def shared_improvements(*, actor: Actor, project: Project) -> QuerySet[ImprovementAction]:
    """ "You said, we did": the improvement actions the project's managers chose to show the
    client (the project was resolved for the actor, so a contact sees only their own)."""
    return ImprovementAction.objects.filter(project=project, shareable=True).order_by(
        "status", "-updated_at", "-pk"
    )


def open_invitations_for(*, actor: Actor) -> QuerySet[SurveyInvitation]:
    """The contact actor's unanswered, unexpired surveys across the projects they see."""
    from rapport.projects.selectors import projects_visible_to

    return (
        SurveyInvitation.objects.filter(
            survey__project__in=projects_visible_to(actor),
            contact_id__in=actor.contact_ids or (),
            answered_at__isnull=True,
            survey__expires_at__gt=timezone.now(),
        )
        .select_related("survey__project", "survey__template")
        .order_by("survey__expires_at", "id")
    )
