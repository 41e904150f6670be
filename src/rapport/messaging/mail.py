"""Replies by email to message notifications: posted in the thread as the person the
notification went to, with the files they attached, through ``message_post``."""

from __future__ import annotations

from django.core.files.base import ContentFile

from rapport.mailin.handlers import Refused, handler, recipient_actor
from rapport.mailin.models import ReplyToken
from rapport.mailin.parse import Incoming
from rapport.messaging import services
from rapport.messaging.models import Thread, Via


@handler(services.REPLY_KIND)
def reply_to_thread(token: ReplyToken, incoming: Incoming) -> None:
    thread = (
        Thread.objects.select_related("project")
        .filter(pk=token.object_id, project__organisation_id=token.organisation_id)
        .first()
    )
    if thread is None:
        raise Refused("the conversation no longer exists")
    actor = recipient_actor(token, thread.project)
    services.message_post(
        actor=actor,
        thread=thread,
        body=incoming.text,
        attachments=[ContentFile(file.content, name=file.name) for file in incoming.files],
        via=Via.EMAIL,
    )
