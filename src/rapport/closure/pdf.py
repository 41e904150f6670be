"""The closure report as a PDF, rendered by WeasyPrint from the same template as the page,
the client's view of it, in the reader's language (only ``data:`` URLs are fetched)."""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from rapport.closure.models import Closure
from rapport.notify import attachments
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


def filename(closure: Closure) -> str:
    name = slugify(closure.project.name, allow_unicode=True) or "project"
    return f"{name}-closure.pdf"


def response(closure: Closure, *, language: str, financials: bool = True) -> HttpResponse:
    return HttpResponse(
        render(closure, language=language, financials=financials),
        content_type=MIMETYPE,
        headers={"Content-Disposition": content_disposition_header(False, filename(closure))},
    )


@attachments.builder("closure_pdf")
def attachment(*, closure_id: int) -> attachments.Attachment:
    """The published closure report, as the client reads it, in the email's language."""
    closure = Closure.objects.select_related("project__client", "project__organisation").get(
        pk=closure_id, state__in=(Closure.State.CLOSED, Closure.State.ACCEPTED)
    )
    return attachments.Attachment(
        filename=filename(closure),
        content=render(closure, language=translation.get_language()),
        mimetype=MIMETYPE,
    )
