"""The columns of a project's conversations, as exported in the app and in the portal."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.core.export import Column
from rapport.messaging.models import Thread

THREAD_COLUMNS: list[Column[Thread]] = [
    Column(_("Subject"), lambda thread: thread.subject),
    Column(_("Opened by"), lambda thread: thread.opener_name),
    Column(_("Opened"), lambda thread: thread.created_at),
    Column(_("Messages"), lambda thread: thread.message_count),  # type: ignore[attr-defined]
    Column(_("Last message"), lambda thread: thread.last_message_at),
]
