"""Writes for lessons learned; every write re-indexes the lesson for search."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.core.services import assign, require
from rapport.lessons import search
from rapport.lessons.models import Lesson
from rapport.projects import permissions as project_permissions
from rapport.projects.models import Project
from rapport.projects.selectors import projects_visible_to
from rapport.tenancy.actors import Actor

LESSON_FIELDS = (
    "title",
    "what_happened",
    "impact",
    "root_cause",
    "recommendation",
    "category",
    "tags",
    "language",
    "shared_with_client",
)
MAX_TAGS, MAX_TAG_CHARS = 20, 40


def can_write(actor: Actor, project: Project | None) -> bool:
    """A lesson of a project: anyone on its team; of the organisation at large: a manager."""
    if not actor.is_member:
        return False
    if project is None:
        return actor.is_manager
    return project_permissions.can_track(actor, project)


def _tags(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.replace("，", ",").split(",")
    if not isinstance(value, list | tuple):
        raise ValidationError({"tags": _("Give the tags separated by commas.")})
    tags = list(dict.fromkeys(str(tag).replace("\x00", "").strip() for tag in value))
    tags = [tag for tag in tags if tag]
    if len(tags) > MAX_TAGS or any(len(tag) > MAX_TAG_CHARS for tag in tags):
        raise ValidationError({"tags": _("At most 20 tags of up to 40 characters each.")})
    return tags


@transaction.atomic
def lesson_create(*, actor: Actor, project_id: int | None = None, **values: Any) -> Lesson:
    project = None
    if project_id is not None:
        project = projects_visible_to(actor).filter(pk=project_id).first()
        if project is None:
            raise ValidationError({"project": _("Choose one of your projects.")})
    require(can_write(actor, project))
    values["tags"] = _tags(values.get("tags", []))
    lesson = Lesson(
        organisation_id=actor.organisation_id,
        project=project,
        client_id=project.client_id if project else None,
        created_by=actor.user,
        year=(project.end_date.year if project else timezone.localdate().year),
    )
    assign(lesson, LESSON_FIELDS, values)
    lesson.full_clean(exclude=["organisation", "project", "client"])
    lesson.save()
    search.index(lesson)
    audit.record(
        actor=actor,
        action="created",
        obj=lesson,
        changes=audit.diff({}, audit.snapshot(lesson, LESSON_FIELDS)),
    )
    return lesson


@transaction.atomic
def lesson_update(*, actor: Actor, lesson: Lesson, **values: Any) -> Lesson:
    require(can_write(actor, lesson.project))
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    before = audit.snapshot(lesson, LESSON_FIELDS)
    if "tags" in values:
        values["tags"] = _tags(values["tags"])
    assign(lesson, LESSON_FIELDS, values)
    lesson.full_clean(exclude=["organisation", "project", "client"])
    lesson.save()
    search.index(lesson)
    if changes := audit.diff(before, audit.snapshot(lesson, LESSON_FIELDS)):
        audit.record(actor=actor, action="updated", obj=lesson, changes=changes)
    return lesson


@transaction.atomic
def lesson_delete(*, actor: Actor, lesson: Lesson) -> None:
    """The lesson and its search terms go; the audit trail keeps what it said."""
    require(can_write(actor, lesson.project))
    audit.record(
        actor=actor,
        action="deleted",
        obj=lesson,
        changes=audit.removal(audit.snapshot(lesson, LESSON_FIELDS)),
    )
    lesson.delete()
