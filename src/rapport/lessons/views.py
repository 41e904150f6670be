"""The lessons library in the internal app: search across the organisation's projects."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from rapport.clients.selectors import clients_visible_to
from rapport.lessons import search, selectors
from rapport.lessons.forms import LessonSearchForm
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
            "clients": clients_visible_to(actor).order_by("name"),
        },
    )
