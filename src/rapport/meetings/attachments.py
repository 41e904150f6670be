"""The files meeting emails carry, built by the worker from what the email kept: the calendar
invitation, kept as the text it was when queued."""

from __future__ import annotations

from rapport.notify import attachments


@attachments.builder("meeting_ics")
def calendar(*, ics: str, method: str, filename: str, alternative: bool) -> attachments.Attachment:
    """As the body's calendar alternative (``text/calendar; method=…``, which mail programs
    show as an invitation to accept), or as an ``.ics`` file for those that do not."""
    if alternative:
        return attachments.Attachment(
            filename=filename,
            content=ics.encode(),
            mimetype=f"text/calendar; method={method}",
            alternative=True,
        )
    return attachments.Attachment(
        filename=filename, content=ics.encode(), mimetype="application/ics"
    )
