"""Reads of lessons: members read all their organisation's lessons (that is what a library is
for); contacts only those shared with them, of their clients' published projects."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from rapport.lessons import search
from rapport.lessons.models import Lesson, ProjectTerms
from rapport.projects.models import Project
from rapport.projects.selectors import projects_visible_to
from rapport.tenancy.actors import Actor


def lessons_visible_to(actor: Actor) -> QuerySet[Lesson]:
    if actor.is_member:
        return Lesson.objects.filter(organisation_id=actor.organisation_id)
    if actor.is_contact:
        return Lesson.objects.filter(
            shared_with_client=True, project__in=projects_visible_to(actor)
        )
    return Lesson.objects.none()


def _libraries(actor: Actor) -> list[int]:
    """The organisations whose libraries the actor searches."""
    if actor.is_member:
        return [actor.organisation_id]
    visible = lessons_visible_to(actor).order_by().values_list("organisation_id", flat=True)
    return list(visible.distinct())


def lesson_get(*, actor: Actor, lesson_id: int) -> Lesson:
    """One lesson the actor may read, 404 otherwise."""
    return get_object_or_404(
        lessons_visible_to(actor).select_related("project", "client", "created_by"), pk=lesson_id
    )


def lessons_filtered(
    *,
    actor: Actor,
    category: str = "",
    client_id: int | None = None,
    year: int | None = None,
    project: Project | None = None,
) -> QuerySet[Lesson]:
    """The lessons the actor may read, filtered, newest first."""
    lessons = lessons_visible_to(actor)
    if category:
        lessons = lessons.filter(category=category)
    if client_id is not None:
        lessons = lessons.filter(client_id=client_id)
    if year is not None:
        lessons = lessons.filter(year=year)
    if project is not None:
        lessons = lessons.filter(project=project)
    return lessons.select_related("project", "client").order_by("-created_at", "-id")


def lesson_search(
    *,
    actor: Actor,
    query: str = "",
    category: str = "",
    client_id: int | None = None,
    year: int | None = None,
    limit: int = 50,
) -> list[Lesson]:
    """Filtered, then ranked by relevance (newest first without a query)."""
    related = lessons_filtered(actor=actor, category=category, client_id=client_id, year=year)
    lessons = related.select_related(None).order_by()
    if not query.strip():
        return list(related[:limit])
    hits = search.rank(lessons, query, organisation_ids=_libraries(actor), limit=limit)
    found = related.in_bulk([hit.lesson_id for hit in hits])
    return [found[hit.lesson_id] for hit in hits]


SAME_CLIENT_BONUS = 1.0
SUGGESTIONS_KEPT = 3600  # seconds; the library's version moves on whenever a lesson changes


def project_terms(project: Project, text: str, digest: str) -> list[str]:
    """The project's words as search terms: those the job worker read (``ProjectTerms``) if
    they are of these words, else read here (which loads jieba into this process)."""
    stored = (
        ProjectTerms.objects.filter(project=project, text_digest=digest)
        .values_list("terms", flat=True)
        .first()
    )
    return list(stored) if stored is not None else search.query_terms(text)


def _suggested(
    actor: Actor, project: Project, wanted: list[str], limit: int
) -> list[tuple[int, float]]:
    """Two rankings of ``limit`` each, the library's and the client's, give the best
    ``limit`` of the sum exactly."""
    candidates = lessons_visible_to(actor).exclude(project=project)
    same_client = candidates.filter(client_id=project.client_id)
    libraries = [actor.organisation_id]
    scores = {
        hit.lesson_id: hit.score
        for hit in search.rank_terms(candidates, wanted, organisation_ids=libraries, limit=limit)
    }
    for hit in search.rank_terms(same_client, wanted, organisation_ids=libraries, limit=limit):
        scores[hit.lesson_id] = hit.score + SAME_CLIENT_BONUS
    for lesson_id in same_client.order_by("-pk").values_list("pk", flat=True)[: 2 * limit]:
        scores.setdefault(lesson_id, SAME_CLIENT_BONUS)
    return sorted(scores.items(), key=lambda item: (-item[1], -item[0]))[:limit]


def suggestions(*, actor: Actor, project: Project, limit: int = 5) -> list[Lesson]:
    """Past lessons most relevant to a project: its name and description against the
    library (BM25), a lesson of the same client raised by ``SAME_CLIENT_BONUS`` (the newest
    of them when too few match); its own lessons left out. The ranking is kept until the
    library, or the project's words or client, change."""
    if not actor.is_member:
        return []
    text = search.project_text(project.name, project.description)
    digest = search.text_digest(text)
    key = ":".join(
        [
            "lessons:suggested",
            str(search.library_version(actor.organisation_id)),
            str(project.pk),
            str(project.client_id),
            str(limit),
            digest,
        ]
    )
    best = cache.get_or_set(
        key,
        lambda: _suggested(actor, project, project_terms(project, text, digest), limit),
        SUGGESTIONS_KEPT,
    )
    if not best:
        return []
    order = Case(
        *(When(pk=pk, then=Value(i)) for i, (pk, _score) in enumerate(best)),
        output_field=IntegerField(),
    )
    return list(
        Lesson.objects.filter(pk__in=[pk for pk, _score in best])
        .select_related("project", "client")
        .order_by(order)
    )
