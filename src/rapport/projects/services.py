"""Writes for projects and their teams."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.clients.selectors import clients_visible_to
from rapport.core.services import assign, require
from rapport.lessons import services as lessons
from rapport.projects import permissions
from rapport.projects.models import Project, ProjectMember
from rapport.tenancy.actors import Actor
from rapport.tenancy.selectors import project_managers_in_organisation, users_in_organisation

PROJECT_FIELDS = (
    "client",
    "name",
    "code",
    "description",
    "pm",
    "start_date",
    "end_date",
    "status",
    "currency",
    "report_cadence",
    "report_weekday",
)


def _check_relations(actor: Actor, project: Project) -> None:
    """Every related id is resolved through the actor's own scope, never trusted."""
    errors = {}
    if (
        project.client_id is not None
        and not clients_visible_to(actor).filter(pk=project.client_id).exists()
    ):
        errors["client"] = _("Choose one of your clients.")
    if (
        project.pm_id is not None
        and not project_managers_in_organisation(actor).filter(pk=project.pm_id).exists()
    ):
        errors["pm"] = _("Choose a project manager of your organisation.")
    if errors:
        raise ValidationError(errors)


def _check_agreed_fields(project: Project, before: dict[str, Any]) -> None:
    """The schedule is part of the signed baseline; money is kept in one currency."""
    from rapport.projects.baseline import is_locked

    errors = {}
    for name in ("start_date", "end_date"):
        if audit.snapshot(project, [name])[name] != before[name] and is_locked(project):
            errors[name] = _(
                "The dates are part of the signed baseline. Change them through a change "
                "request, or re-baseline with a reason."
            )
    if project.currency != before["currency"] and (
        project.budget_lines.exists()
        or project.cost_entries.exists()
        or project.time_entries.exists()
    ):
        errors["currency"] = _(
            "The budget and costs are kept in %(currency)s; it cannot change."
        ) % {"currency": before["currency"]}
    if errors:
        raise ValidationError(errors)


def _apply(project: Project, values: dict[str, Any]) -> None:
    assign(project, PROJECT_FIELDS, values)
    project.code = project.code.upper()
    project.currency = project.currency.upper()


def _words_changed(project: Project) -> None:
    """The lesson library reads the project's new words, to suggest past lessons."""
    lessons.project_terms_later(project.pk)


@transaction.atomic
def project_create(*, actor: Actor, **values: Any) -> Project:
    require(permissions.can_create_project(actor))
    values.setdefault("pm", actor.user)
    project = Project(organisation=actor.organisation)
    _apply(project, values)
    _check_relations(actor, project)
    project.full_clean()
    project.save()
    audit.record(
        actor=actor,
        action="created",
        obj=project,
        changes=audit.diff({}, audit.snapshot(project, PROJECT_FIELDS)),
    )
    _words_changed(project)
    return project


@transaction.atomic
def project_update(*, actor: Actor, project: Project, **values: Any) -> Project:
    require(permissions.can_edit_project(actor, project))
    # The stored row, not the caller's instance: a bound ModelForm has already changed that.
    project = Project.objects.select_for_update().get(pk=project.pk)
    before = audit.snapshot(project, PROJECT_FIELDS)
    _apply(project, values)
    _check_relations(actor, project)
    _check_agreed_fields(project, before)
    project.full_clean()
    project.save()
    if changes := audit.diff(before, audit.snapshot(project, PROJECT_FIELDS)):
        audit.record(actor=actor, action="updated", obj=project, changes=changes)
        if {"name", "description"} & changes.keys():
            _words_changed(project)
    return project


@transaction.atomic
def project_publish(*, actor: Actor, project: Project, published: bool = True) -> Project:
    """Show the project in its client's portal (or take it out); who and when stay on record."""
    require(permissions.can_edit_project(actor, project))
    if project.is_published == published:
        return project
    before = project.published_at
    project.published_at = timezone.now() if published else None
    project.published_by = actor.user if published else None
    project.save(update_fields=["published_at", "published_by", "updated_at"])
    audit.record(
        actor=actor,
        action="published" if published else "unpublished",
        obj=project,
        changes=audit.diff(
            {"published_at": before.isoformat() if before else None},
            audit.snapshot(project, ["published_at"]),
        ),
    )
    return project


@transaction.atomic
def project_member_add(*, actor: Actor, project: Project, user_id: int) -> ProjectMember:
    require(permissions.can_edit_project(actor, project))
    user = users_in_organisation(actor).filter(pk=user_id).first()
    if user is None:
        raise ValidationError({"user": _("Choose a member of your organisation.")})
    member, created = ProjectMember.objects.get_or_create(project=project, user=user)
    if created:
        audit.record(
            actor=actor,
            action="created",
            obj=member,
            organisation_id=project.organisation_id,
            changes={"user": [None, str(user)]},
        )
    return member


@transaction.atomic
def project_member_remove(*, actor: Actor, member: ProjectMember) -> None:
    require(permissions.can_edit_project(actor, member.project))
    audit.record(
        actor=actor,
        action="deleted",
        obj=member,
        organisation_id=member.project.organisation_id,
        changes={"user": [str(member.user), None]},
    )
    member.delete()


@transaction.atomic
def project_member_set_financials(
    *, actor: Actor, member: ProjectMember, allowed: bool
) -> ProjectMember:
    """Team members see no budgets, costs or rates unless the PM grants it; on record."""
    require(permissions.can_edit_project(actor, member.project))
    member = ProjectMember.objects.select_for_update().select_related("user").get(pk=member.pk)
    if member.can_see_financials == allowed:
        return member
    member.can_see_financials = allowed
    member.save(update_fields=["can_see_financials", "updated_at"])
    audit.record(
        actor=actor,
        action="updated",
        obj=member,
        organisation_id=member.project.organisation_id,
        changes={"can_see_financials": [not allowed, allowed]},
    )
    return member
