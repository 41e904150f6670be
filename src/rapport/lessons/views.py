"""The lessons library in the internal app: search across the organisation's projects, and
lessons written, corrected and removed by the people on their projects."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.audit.selectors import history_for
from rapport.clients.selectors import clients_visible_to
from rapport.core import export
from rapport.core.forms import Select, add_service_errors, int_or_none
from rapport.lessons import exports, permissions, search, selectors, services
from rapport.lessons.forms import LessonForm, LessonSearchForm
from rapport.lessons.models import Lesson
from rapport.projects.selectors import projects_visible_to
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import ActorRequest


@member_required
def library(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    form = LessonSearchForm(request.GET or None)
    filters = form.filters() if request.GET else {"query": ""}
    query = str(filters["query"])
    lessons = selectors.lesson_search(actor=actor, **filters)
    return render(
        request,
        "lessons/library.html",
        {
            "form": form,
            "lessons": lessons,
            "query": query,
            "no_words": bool(query.strip()) and not search.query_terms(query),
            "client_select": Select(
                choices=[
                    ("", _("All clients")),
                    *clients_visible_to(actor).order_by("name").values_list("pk", "name"),
                ],
                attrs={"aria-label": _("Client")},
            ).render("client", form.data.get("client", "")),
            "can_create": permissions.can_create(actor, projects_visible_to(actor)),
        },
    )


@member_required
def library_export(request: ActorRequest, fmt: str) -> HttpResponse:
    """The library's search as a spreadsheet: the same filters and order, every match."""
    form = LessonSearchForm(request.GET or None)
    filters = form.filters() if request.GET else {"query": ""}
    return export.response(
        fmt,
        name="lessons",
        title=_("Lessons learned"),
        columns=exports.LESSON_COLUMNS,
        rows=selectors.lesson_search(actor=request.actor, limit=export.MAX_ROWS, **filters),
    )


def _form_page(
    request: ActorRequest, form: LessonForm, *, title: str, lesson: Lesson | None = None
) -> HttpResponse:
    return render(
        request,
        "lessons/form.html",
        {"form": form, "title": title, "lesson": lesson},
        status=400 if form.errors else 200,
    )


@member_required
def lesson_create(request: ActorRequest) -> HttpResponse:
    """A new lesson; from a project's closure page it starts on that project."""
    actor = request.actor
    projects = projects_visible_to(actor)
    if not permissions.can_create(actor, projects):
        raise PermissionDenied
    initial = {
        "project": int_or_none(request.GET.get("project")),
        "language": Lesson.Language.CHINESE
        if (get_language() or "").startswith("zh")
        else Lesson.Language.ENGLISH,
    }
    form = LessonForm(request.POST or None, projects=projects, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            lesson = services.lesson_create(actor=actor, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The lesson is in the library."))
            return redirect("lessons:detail", lesson.pk)
    return _form_page(request, form, title=_("Capture a lesson"))


@member_required
def lesson_detail(request: ActorRequest, lesson_id: int) -> HttpResponse:
    actor = request.actor
    lesson = selectors.lesson_get(actor=actor, lesson_id=lesson_id)
    return render(
        request,
        "lessons/detail.html",
        {
            "lesson": lesson,
            "can_write": permissions.can_write(actor, lesson.project),
            "history": history_for(actor=actor, obj=lesson),
        },
    )


@member_required
def lesson_edit(request: ActorRequest, lesson_id: int) -> HttpResponse:
    actor = request.actor
    lesson = selectors.lesson_get(actor=actor, lesson_id=lesson_id)
    if not permissions.can_write(actor, lesson.project):
        raise PermissionDenied
    form = LessonForm(request.POST or None, instance=lesson, projects=projects_visible_to(actor))
    if request.method == "POST" and form.is_valid():
        try:
            services.lesson_update(actor=actor, lesson=lesson, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The lesson is saved."))
            return redirect("lessons:detail", lesson.pk)
    return _form_page(request, form, title=lesson.title, lesson=lesson)


@require_POST
@member_required
def lesson_delete(request: ActorRequest, lesson_id: int) -> HttpResponse:
    lesson = selectors.lesson_get(actor=request.actor, lesson_id=lesson_id)
    services.lesson_delete(actor=request.actor, lesson=lesson)
    messages.success(request, _("The lesson is deleted."))
    return redirect("lessons:library")
