"""Replies by email to the notifications of a report's question thread: the client's reply is
a follow-up, the team's reply an answer, through the same services as the pages."""

from __future__ import annotations

from rapport.clients.models import Contact
from rapport.clients.selectors import portal_contacts_of
from rapport.mailin.handlers import Refused, handler
from rapport.mailin.models import ReplyToken
from rapport.mailin.parse import Incoming
from rapport.reports import threads
from rapport.reports.models import ReportThread
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import Membership

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
    contact = (
        Contact.objects.filter(
            client_id=project.client_id,
            portal_access=True,
            user__is_active=True,
            email__iexact=token.recipient_email,
        )
        .select_related("user")
        .first()
    )
    if contact is not None and contact.user is not None:
        contact_ids = frozenset(portal_contacts_of(contact.user.pk).values_list("pk", flat=True))
        actor = Actor.contact(contact.user, contact_ids)
        threads.report_thread_follow_up(actor=actor, thread=thread, body=body)
        return
    membership = (
        Membership.objects.filter(
            organisation_id=project.organisation_id,
            user__email__iexact=token.recipient_email,
            user__is_active=True,
        )
        .select_related("user", "organisation")
        .first()
    )
    if membership is None:
        raise Refused("the recipient no longer belongs to the project's organisation or client")
    actor = Actor.member(membership.user, membership.organisation, membership.role)
    threads.report_thread_answer(actor=actor, thread=thread, body=body)
