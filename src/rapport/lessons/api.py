"""The lessons library through the API: search in English and Chinese with filters, read,
write and delete lessons, and the lessons suggested for a project; for the client's contacts
(client portal API), the lessons their project teams share with them. Every write is a call to
``lessons.services``; search is ``lessons.selectors``, as on the library page."""

from datetime import datetime
from typing import Annotated, Literal

from django.db.models import QuerySet
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints

from rapport.core.api_pagination import Pages
from rapport.lessons import search, selectors, services
from rapport.lessons.models import Category, Lesson
from rapport.portal.api import PortalTokenAuth
from rapport.projects.selectors import project_get
from rapport.tenancy.actors import ActorRequest

router = Router(tags=["lessons learned"])
portal_router = Router(auth=PortalTokenAuth(), tags=["client portal"])

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Year = Annotated[int, Field(ge=1900, le=9999)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Required = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Text = Annotated[str, StringConstraints(max_length=5000)]
Tag = Annotated[str, StringConstraints(max_length=services.MAX_TAG_CHARS)]
Tags = Annotated[list[Tag], Field(max_length=services.MAX_TAGS)]
Language = Literal["en", "zh-hans"]
SearchText = Annotated[
    str,
    StringConstraints(max_length=10_000),
    Field(description="Words in English or Chinese; operators and punctuation mean nothing."),
]
MAX_RESULTS = 200  # a search returns the best this many, by relevance


class LessonOut(Schema):
    id: int
    title: str
    what_happened: str
    impact: str
    root_cause: str
    recommendation: str
    category: str
    tags: list[str]
    language: str
    shared_with_client: bool
    year: int
    project_id: int | None
    project_name: str | None
    client_id: int | None
    client_name: str | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_project_name(obj: Lesson) -> str | None:
        return obj.project.name if obj.project else None

    @staticmethod
    def resolve_client_name(obj: Lesson) -> str | None:
        return obj.client.name if obj.client else None


class LessonIn(Schema):
    project_id: Id | None = Field(
        None, description="One of your projects; none: a lesson of the organisation (managers)."
    )
    title: Title
    what_happened: Required
    impact: Text = ""
    root_cause: Text = ""
    recommendation: Required
    category: Category
    tags: Tags = []
    language: Language = "en"
    shared_with_client: bool = Field(False, description="The project's client reads it.")


class LessonPatch(Schema):
    title: Title | None = None
    what_happened: Required | None = None
    impact: Text | None = None
    root_cause: Text | None = None
    recommendation: Required | None = None
    category: Category | None = None
    tags: Tags | None = None
    language: Language | None = None
    shared_with_client: bool | None = None


@router.get("/lessons", response=list[LessonOut], operation_id="lessons_list")
@paginate(Pages, ordering=("title",))
def lessons_list(
    request: ActorRequest,
    q: SearchText = "",
    category: Category | None = None,
    client_id: Id | None = None,
    year: Year | None = None,
) -> QuerySet[Lesson] | list[Lesson]:
    """The organisation's lessons, newest first; with ``q``, the best matches first (up to
    200). A query without a word in it finds nothing."""
    actor, code = request.actor, category.value if category else ""
    if not q.strip():
        return selectors.lessons_filtered(
            actor=actor, category=code, client_id=client_id, year=year
        )
    if not search.query_terms(q):
        return []
    return selectors.lesson_search(
        actor=actor, query=q, category=code, client_id=client_id, year=year, limit=MAX_RESULTS
    )


@router.post("/lessons", response={201: LessonOut}, operation_id="lessons_create")
def lessons_create(request: ActorRequest, payload: LessonIn) -> Status[Lesson]:
    actor = request.actor
    values = payload.dict()
    if values["project_id"] is not None:
        project_get(actor=actor, project_id=values["project_id"])  # a 404 if not theirs
    values["category"] = payload.category.value
    lesson = services.lesson_create(actor=actor, **values)
    return Status(201, selectors.lesson_get(actor=actor, lesson_id=lesson.pk))


@router.get("/lessons/{lesson_id}", response=LessonOut, operation_id="lessons_get")
def lessons_get(request: ActorRequest, lesson_id: int) -> Lesson:
    return selectors.lesson_get(actor=request.actor, lesson_id=lesson_id)


@router.patch("/lessons/{lesson_id}", response=LessonOut, operation_id="lessons_update")
def lessons_update(request: ActorRequest, lesson_id: int, payload: LessonPatch) -> Lesson:
    """Change what is sent; ``null`` leaves a field as it is."""
    actor = request.actor
    lesson = selectors.lesson_get(actor=actor, lesson_id=lesson_id)
    values = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    if "category" in values:
        values["category"] = payload.category.value  # type: ignore[union-attr]
    services.lesson_update(actor=actor, lesson=lesson, **values)
    return selectors.lesson_get(actor=actor, lesson_id=lesson_id)


@router.delete("/lessons/{lesson_id}", response={204: None}, operation_id="lessons_delete")
def lessons_delete(request: ActorRequest, lesson_id: int) -> Status[None]:
    lesson = selectors.lesson_get(actor=request.actor, lesson_id=lesson_id)
    services.lesson_delete(actor=request.actor, lesson=lesson)
    return Status(204, None)


@router.get(
    "/projects/{project_id}/lesson-suggestions",
    response=list[LessonOut],
    operation_id="lessons_suggestions",
)
def lessons_suggestions(request: ActorRequest, project_id: int) -> list[Lesson]:
    """The past lessons most relevant to the project (similar name and description, same
    client first), up to five, as on its page."""
    project = project_get(actor=request.actor, project_id=project_id)
    return selectors.suggestions(actor=request.actor, project=project)


# --- the client portal ---------------------------------------------------------------------


class PortalLessonOut(Schema):
    id: int
    title: str
    what_happened: str
    impact: str
    root_cause: str
    recommendation: str
    category: str
    tags: list[str]
    language: str
    year: int
    project_id: int | None
    project_name: str | None

    @staticmethod
    def resolve_project_name(obj: Lesson) -> str | None:
        return obj.project.name if obj.project else None


@portal_router.get("/lessons", response=list[PortalLessonOut], operation_id="portal_lessons_list")
@paginate(Pages)
def portal_lessons_list(request: ActorRequest, project_id: Id | None = None) -> QuerySet[Lesson]:
    """The lessons your project teams share with you, newest first; ``project_id`` for one of
    your projects."""
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id) if project_id else None
    return selectors.lessons_filtered(actor=actor, project=project)
