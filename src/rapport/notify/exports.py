"""The columns of the outbox and of the notification centre, as exported."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rapport.core.export import Column
from rapport.notify import kinds
from rapport.notify.models import Notification, OutboundEmail


def kind_label(code: str) -> str | Promise:
    """A kind in words; one no longer registered (an old row) as its code."""
    try:
        return kinds.get(code).label
    except kinds.UnknownKind:
        return code


OUTBOX_COLUMNS: list[Column[OutboundEmail]] = [
    Column(_("Time"), lambda email: email.created_at),
    Column(_("To"), lambda email: email.to),
    Column(_("Subject"), lambda email: email.subject),
    Column(_("Kind"), lambda email: kind_label(email.kind)),
    Column(_("Status"), lambda email: email.get_status_display()),
    Column(_("Attempts"), lambda email: email.attempts),
    Column(_("Sent"), lambda email: email.sent_at),
    Column(_("Error"), lambda email: email.error),
]

NOTIFICATION_COLUMNS: list[Column[Notification]] = [
    Column(_("Time"), lambda notification: notification.created_at),
    Column(_("Notification"), lambda notification: notification.title),
    Column(_("Kind"), lambda notification: kind_label(notification.kind)),
    Column(_("Read"), lambda notification: notification.read_at),
]
