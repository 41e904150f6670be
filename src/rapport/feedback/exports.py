"""The columns of a project's feedback (survey answers and recorded feedback), as exported."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy as _

from rapport.core.export import Cell, Column
from rapport.feedback.models import Feedback


def _handled(feedback: Feedback) -> Cell:
    try:
        return feedback.follow_up.handled_at
    except ObjectDoesNotExist:  # no follow-up asked for
        return None


FEEDBACK_COLUMNS: list[Column[Feedback]] = [
    Column(_("Date"), lambda feedback: feedback.received_on),
    Column(_("Source"), lambda feedback: feedback.get_source_display()),
    Column(_("Contact"), lambda feedback: feedback.contact.full_name if feedback.contact else ""),
    Column(_("Progress"), lambda feedback: feedback.progress),
    Column(_("Quality"), lambda feedback: feedback.quality),
    Column(_("Communication"), lambda feedback: feedback.communication),
    Column(_("Other"), lambda feedback: feedback.custom),
    Column("NPS", lambda feedback: feedback.nps),
    Column(_("Comment"), lambda feedback: feedback.comment),
    Column(_("Recorded by"), lambda feedback: str(feedback.recorded_by or "")),
    Column(_("Followed up"), _handled),
]
