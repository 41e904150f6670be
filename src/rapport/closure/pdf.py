"""The closure report as a PDF, rendered by WeasyPrint from the same template as the page,
the client's view of it, in the reader's language (only ``data:`` URLs are fetched)."""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from rapport.closure.models import Closure
from rapport.reports.pdf import MIMETYPE, render_html


def render(closure: Closure, *, language: str, financials: bool = True) -> bytes:
    with translation.override(language):
        document = render_to_string(
            "closure/pdf.html",
            {
                "closure": closure,
                "project": closure.project,
                "report": closure.client_report,
                "language": language,
                "financials": financials,
            },
        )
    return render_html(document)


def response(closure: Closure, *, language: str, financials: bool = True) -> HttpResponse:
    name = slugify(closure.project.name, allow_unicode=True) or "project"
    return HttpResponse(
        render(closure, language=language, financials=financials),
        content_type=MIMETYPE,
        headers={"Content-Disposition": content_disposition_header(False, f"{name}-closure.pdf")},
    )
