"""The minutes as a PDF, rendered by WeasyPrint from the version the client reads (or, for the
team, the draft not yet published), in the reader's language. Nothing outside the document is
fetched (see ``reports.pdf.render_html``)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import slugify

from rapport.meetings.models import Meeting, MinutesVersion
from rapport.notify import attachments
from rapport.reports.pdf import MIMETYPE, render_html


def html(
    meeting: Meeting, *, content: dict[str, Any], version: MinutesVersion | None, language: str
) -> str:
    with translation.override(language):
        return render_to_string(
            "meetings/pdf.html",
            {
                "meeting": meeting,
                "project": meeting.project,
                "version": version,
                "content": content,
                "language": language,
            },
        )


def render(
    meeting: Meeting, *, content: dict[str, Any], version: MinutesVersion | None, language: str
) -> bytes:
    return render_html(html(meeting, content=content, version=version, language=language))


def filename(meeting: Meeting, version: MinutesVersion | None) -> str:
    name = slugify(meeting.project.name, allow_unicode=True) or "project"
    suffix = f"v{version.number}" if version else "draft"
    return f"{name}-{meeting.reference}-minutes-{suffix}.pdf"


@attachments.builder("minutes_pdf")
def attachment(*, version_id: int) -> attachments.Attachment:
    """A published version of the minutes, for the email that announces it."""
    version = MinutesVersion.objects.select_related(
        "minutes__meeting__project__organisation", "corrects"
    ).get(pk=version_id)
    meeting = version.minutes.meeting
    return attachments.Attachment(
        filename=filename(meeting, version),
        content=render(
            meeting, content=version.content, version=version, language=translation.get_language()
        ),
        mimetype=MIMETYPE,
    )
