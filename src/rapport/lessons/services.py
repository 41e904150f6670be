"""Writes for lessons learned; every write re-indexes the lesson for search."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.core.services import assign, require
from rapport.lessons import search
from rapport.lessons.models import Lesson, ProjectTerms
from rapport.lessons.permissions import can_write
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


def _project(actor: Actor, project_id: int | None) -> Project | None:
    if project_id is None:
        return None
    project = projects_visible_to(actor).filter(pk=project_id).first()
    if project is None:
        raise ValidationError({"project": _("Choose one of your projects.")})
    return project


def _place(lesson: Lesson, project: Project | None) -> None:
    """A lesson belongs to its project's client and year; shared lessons need a project,
    since the client sees them through it."""
    lesson.project = project
    lesson.client_id = project.client_id if project else None
    lesson.year = project.end_date.year if project else lesson.year or timezone.localdate().year
    if lesson.shared_with_client and project is None:
        raise ValidationError(
            {"shared_with_client": _("Only a lesson of a project can be shared with its client.")}
        )


@transaction.atomic
def lesson_create(*, actor: Actor, project_id: int | None = None, **values: Any) -> Lesson:
    project = _project(actor, project_id)
    require(can_write(actor, project))
    values["tags"] = _tags(values.get("tags", []))
    lesson = Lesson(organisation_id=actor.organisation_id, created_by=actor.user)
    assign(lesson, LESSON_FIELDS, values)
    _place(lesson, project)
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


class _Keep:
    """The project a lesson already has, when the caller does not move it."""


KEEP = _Keep()


@transaction.atomic
def lesson_update(
    *, actor: Actor, lesson: Lesson, project_id: int | _Keep | None = KEEP, **values: Any
) -> Lesson:
    """Moving a lesson to another project needs the right to write on both."""
    require(can_write(actor, lesson.project))
    lesson = (
        Lesson.objects.select_for_update(of=("self",)).select_related("project").get(pk=lesson.pk)
    )
    project = lesson.project
    if not isinstance(project_id, _Keep) and project_id != lesson.project_id:
        project = _project(actor, project_id)
        require(can_write(actor, project))
    before = {**audit.snapshot(lesson, LESSON_FIELDS), "project": str(lesson.project or "")}
    if "tags" in values:
        values["tags"] = _tags(values["tags"])
    assign(lesson, LESSON_FIELDS, values)
    _place(lesson, project)
    lesson.full_clean(exclude=["organisation", "project", "client"])
    lesson.save()
    search.index(lesson)
    after = {**audit.snapshot(lesson, LESSON_FIELDS), "project": str(lesson.project or "")}
    if changes := audit.diff(before, after):
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
        organisation_id=lesson.organisation_id,
        changes=audit.removal(audit.snapshot(lesson, LESSON_FIELDS)),
    )
    lesson.delete()
    search.library_changed(lesson.organisation_id)


# --- a project's words as search terms, read by the job worker ------------------------------

TERMS_BATCH = 500


def project_terms_later(project_id: int) -> None:
    """After the caller's transaction commits, the job worker reads the project's words as
    search terms (``ProjectTerms``), so that its lesson suggestions are ranked without loading
    jieba into the web process."""
    from rapport.lessons.tasks import read_project_terms

    transaction.on_commit(lambda: read_project_terms.enqueue(project_id=project_id))


def project_terms_store(rows: list[tuple[int, str, str]], read_at: datetime) -> int:
    """Store the terms of these projects' words (``(pk, name, description)``), read as they
    were at ``read_at``: a project changed after it is read again by the next sweep."""
    found = []
    for pk, name, description in rows:
        text = search.project_text(name, description)
        found.append(
            ProjectTerms(
                project_id=pk,
                text_digest=search.text_digest(text),
                terms=search.query_terms(text),
                read_at=read_at,
            )
        )
    with transaction.atomic():
        ProjectTerms.objects.bulk_create(
            found,
            update_conflicts=True,
            unique_fields=["project"],
            update_fields=["text_digest", "terms", "read_at"],
        )
    return len(found)


def project_terms_read(*, project_id: int) -> bool:
    """Store the search terms of one project's words (in the job worker: it loads jieba).
    False when the project is gone."""
    read_at = timezone.now()
    rows = list(Project.objects.filter(pk=project_id).values_list("pk", "name", "description")[:1])
    return bool(rows) and project_terms_store(rows, read_at) == 1


def project_terms_read_pending() -> int:
    """Read the words of every project whose terms are missing or older than its last change
    (projects made before the job existed, imported ones, a lost job), in batches by primary
    key; how many were read."""
    read_at = timezone.now()
    current = ProjectTerms.objects.filter(
        project=OuterRef("pk"), read_at__gte=OuterRef("updated_at")
    )
    done, after = 0, 0
    while True:
        rows = list(
            Project.objects.filter(pk__gt=after)
            .exclude(Exists(current))
            .order_by("pk")
            .values_list("pk", "name", "description")[:TERMS_BATCH]
        )
        if not rows:
            return done
        done += project_terms_store(rows, read_at)
        after = rows[-1][0]
