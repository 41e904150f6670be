"""The user guide inside Rapport, for everyone (it is the same text as ``docs/guide/``)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from rapport.help import guide


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    """The contents in the reader's language, or the page about ``?area=namespace:name``."""
    language = guide.folder_for(get_language())
    namespace, _, url_name = request.GET.get("area", "").partition(":")
    slug = guide.page_for(namespace, url_name) if namespace else guide.INDEX
    if slug == guide.INDEX:
        return redirect("help:index", language)
    return redirect("help:page", language, slug)


@require_safe
def index(request: HttpRequest, language: str) -> HttpResponse:
    return _show(request, language, guide.INDEX)


@require_safe
def page(request: HttpRequest, language: str, slug: str) -> HttpResponse:
    if slug == guide.INDEX:
        return redirect("help:index", language)
    return _show(request, language, slug)


def _show(request: HttpRequest, language: str, slug: str) -> HttpResponse:
    found = guide.load(language, slug)
    if found is None:
        raise Http404
    return render(request, "help/page.html", {"page": found})


@require_safe
def picture(request: HttpRequest, language: str, name: str) -> FileResponse:
    path = guide.picture_path(language, name)
    if path is None:
        raise Http404
    response = FileResponse(path.open("rb"), content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    return response
