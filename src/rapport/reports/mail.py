"""Replies by email to the notifications of a report's question thread: the client's reply is
a follow-up, the team's reply an answer, through the same services as the pages."""

from __future__ import annotations

from rapport.mailin.handlers import Refused, handler, recipient_actor
from rapport.mailin.models import ReplyToken
from rapport.mailin.parse import Incoming
from rapport.reports import threads
from rapport.reports.models import ReportThread

KIND = "report_thread"


@handler(KIND)
def reply_to_report_thread(token: ReplyToken, incoming: Incoming) -> None:
    thread = (
        ReportThread.objects.select_related("report__project")
        .filter(pk=token.object_id, report__project__organisation_id=token.organisation_id)
        .first()
    )
    if thread is None:
        raise Refused("the question no longer exists")
    project = thread.report.project
    body = incoming.text
    if incoming.files:
        body += f"\n\n({len(incoming.files)} attachment(s) not kept: questions take text only.)"
    actor = recipient_actor(token, project)
    if actor.is_contact:
        threads.report_thread_follow_up(actor=actor, thread=thread, body=body)
    else:
        threads.report_thread_answer(actor=actor, thread=thread, body=body)
