"""The PDF of a status report: the client's view of it, rendered by WeasyPrint from the same
report templates as the page, with its charts as SVG, in the reader's language. Chinese text
needs a CJK font on the machine (Debian's fonts-noto-cjk).

Nothing outside the document is fetched while rendering (only ``data:`` URLs), so text a
user wrote cannot make the server read a file or call a URL."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import slugify

from rapport.notify import attachments
from rapport.reports import charts
from rapport.reports.models import StatusReport

MIMETYPE = "application/pdf"


def html(report: StatusReport, *, language: str, financials: bool = True) -> str:
    with translation.override(language):
        return render_to_string(
            "reports/pdf.html",
            {
                "report": report,
                "project": report.project,
                "language": language,
                "for_client": True,
                "financials": financials,
                **charts.chart_context(report, for_client=True),
            },
        )


def render(report: StatusReport, *, language: str, financials: bool = True) -> bytes:
    """``financials``: the budget section, which the client reads (a team member who may not
    see the project's money gets the PDF without it)."""
    return render_html(html(report, language=language, financials=financials))


def render_html(document: str) -> bytes:
    """A PDF of an HTML document that may name only ``data:`` resources."""
    from weasyprint import HTML, URLFetcher  # loaded on first use: it takes a moment

    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=document, url_fetcher=fetcher).write_pdf()


def filename(report: StatusReport) -> str:
    name = slugify(report.project.name, allow_unicode=True) or "project"
    return f"{name}-{report.reference}.pdf"


@attachments.builder("status_report_pdf")
def attachment(*, report_id: int) -> attachments.Attachment:
    """The published report as a PDF for an email, in the email's (active) language."""
    report = StatusReport.objects.select_related("project__client", "project__organisation").get(
        pk=report_id, state=StatusReport.State.PUBLISHED
    )
    return attachments.Attachment(
        filename=filename(report),
        content=render(report, language=translation.get_language()),
        mimetype=MIMETYPE,
    )
