"""The global search page of the internal app. Without a kind: the first matches of every
kind; with one (``?kind=changes``): every match of that kind, a page at a time. While a
person types, htmx fetches the same page and swaps in its results."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from rapport.core.pagination import paginate
from rapport.search import selectors
from rapport.search.query import MAX_QUERY_CHARS, parse
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import ActorRequest


@member_required
def results(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    query = parse(request.GET.get("q"))
    source = selectors.LISTED_HERE.get(request.GET.get("kind", ""))
    context = {"query": query, "max_chars": MAX_QUERY_CHARS, "source": None, "groups": []}
    if source is not None and query.terms:
        page = paginate(request, source.matching(actor, query.terms))
        context |= {
            "source": source,
            "page": page,
            "hits": [source.hit(row, query.terms) for row in page.object_list],
        }
    else:
        context["groups"] = selectors.search(actor=actor, query=query)
    return render(request, "search/results.html", context)
