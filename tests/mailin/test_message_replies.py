"""Replies by email to portal message notifications land in the conversation, with the files
the client attached, checked like uploads in the portal."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from rapport.mailin.models import InboundEmail
from rapport.messaging import services as messaging
from rapport.messaging.models import Message, Via
from rapport.notify.models import OutboundEmail
from tests.mailin.test_mail_in import DOMAIN, mail_in  # noqa: F401 - the SMTP server fixture

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def conversation(world, settings):
    settings.RAPPORT_MAIL_IN_DOMAIN = DOMAIN
    side = world.one
    return messaging.thread_open(
        actor=side.actor(side.pm),
        project=side.project_a,
        subject="Go-live weekend",
        body="Can your team test on Saturday?",
    )


def _reply(sender: str, address: str, text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = address
    message["Subject"] = "Re: Go-live weekend"
    message["Message-ID"] = make_msgid()
    message.set_content(text)
    return message


def test_a_clients_reply_with_a_pdf_is_posted_with_the_file(world, conversation, mail_in):  # noqa: F811
    contact = world.one.contact_a
    outbound = OutboundEmail.objects.get(to=contact.email, kind="message_posted")
    assert outbound.reply_to.endswith(f"@{DOMAIN}")
    assert "reply to this email" in outbound.body_text
    reply = _reply(contact.email, outbound.reply_to, "Yes, Saturday works.\n\n> Can your team…")
    reply.add_attachment(
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        maintype="application",
        subtype="pdf",
        filename="test-plan.pdf",
    )
    with smtplib.SMTP("127.0.0.1", mail_in, timeout=10) as smtp:
        smtp.send_message(reply)

    message = conversation.messages.order_by("-id").first()
    assert message.author_contact == contact
    assert message.via == Via.EMAIL
    assert message.body == "Yes, Saturday works."
    assert [a.filename for a in message.attachments.all()] == ["test-plan.pdf"]
    conversation.refresh_from_db()
    assert conversation.waiting_since is not None  # now waits for the team


def test_a_refused_file_keeps_the_message_with_its_reason(world, conversation, mail_in):  # noqa: F811
    contact = world.one.contact_a
    outbound = OutboundEmail.objects.get(to=contact.email, kind="message_posted")
    reply = _reply(contact.email, outbound.reply_to, "See the script")
    reply.add_attachment(
        b"MZ\x90\x00", maintype="application", subtype="octet-stream", filename="run.exe"
    )
    before = Message.objects.count()
    with smtplib.SMTP("127.0.0.1", mail_in, timeout=10) as smtp:
        smtp.send_message(reply)
    assert Message.objects.count() == before
    kept = InboundEmail.objects.get()
    assert kept.status == InboundEmail.Status.REJECTED and kept.reason
