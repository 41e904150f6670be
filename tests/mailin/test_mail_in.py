"""Email in, end to end: real RFC 5322 messages sent over SMTP on loopback to ``rapport
mail-in``'s server, which refuses what is not a live reply address or not the addressee, keeps
the rest and posts it in the thread the notification came from."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.utils import timezone

from rapport.mailin.management.commands.mail_in import controller
from rapport.mailin.models import InboundEmail, ReplyToken
from rapport.mailin.parse import new_text, parse
from rapport.notify.models import OutboundEmail
from rapport.reports import services as reports
from rapport.reports import threads
from rapport.reports.models import ReportMessage
from tests.notify.smtp import free_port

pytestmark = pytest.mark.django_db(transaction=True)

DOMAIN = "reply.rapport.test"


@pytest.fixture
def mail_in(settings) -> Iterator[int]:
    settings.RAPPORT_MAIL_IN_DOMAIN = DOMAIN
    port = free_port()
    server = controller("127.0.0.1", port)
    server.start()
    try:
        yield port
    finally:
        server.stop()


@pytest.fixture
def thread(world, settings):
    """A question of contact A on a published report of project A, answered by the PM: both
    notifications carry a reply address."""
    settings.RAPPORT_MAIL_IN_DOMAIN = DOMAIN
    side = world.one
    pm = side.actor(side.pm)
    today = timezone.localdate()
    report = reports.report_draft(
        actor=pm, project=side.project_a, period_start=today, period_end=today
    )
    reports.report_update(actor=pm, report=report, problems="Way forward: agreed.")
    report = reports.report_publish(actor=pm, report=report)
    thread = threads.report_thread_open(
        actor=side.contact_actor(side.contact_a), report=report, body="Why is the budget amber?"
    )
    threads.report_thread_answer(actor=pm, thread=thread, body="A licence invoice came early.")
    return thread


def _reply_address(to: str, kind: str) -> str:
    email = OutboundEmail.objects.filter(to=to, kind=kind).latest("id")
    assert email.reply_to.startswith("reply+") and email.reply_to.endswith(f"@{DOMAIN}")
    return email.reply_to


def _message(sender: str, to: str, text: str, **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = headers.pop("subject", "Re: your answer")
    message["Message-ID"] = headers.pop("message_id", make_msgid(domain="client.test"))
    message.set_content(text)
    return message


def _send(port: int, message: EmailMessage, rcpt: str | None = None) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.send_message(message, to_addrs=[rcpt or message["To"]])


def test_a_clients_reply_lands_in_the_thread_without_the_quoted_history(world, thread, mail_in):
    contact = world.one.contact_a
    address = _reply_address(contact.email, "report_answer")
    text = (
        "Thanks, that explains it. Can we see the invoice?\n\n"
        "On Thu, 26 Nov 2026 at 10:02, Rapport <rapport@localhost> wrote:\n"
        "> A licence invoice came early.\n> Read the whole conversation…\n"
    )
    _send(mail_in, _message(f"Contact A <{contact.email.upper()}>", address, text))

    message = thread.messages.order_by("-id").first()
    assert message.author_contact == contact
    assert message.body == "Thanks, that explains it. Can we see the invoice?"
    thread.refresh_from_db()
    assert thread.waiting_since is not None  # waits for the team again
    assert InboundEmail.objects.get().status == InboundEmail.Status.POSTED
    # the PM is told, as for a reply in the portal
    assert OutboundEmail.objects.filter(to=world.one.pm.email, kind="report_question").count() == 2


def test_the_pms_reply_is_an_answer(world, thread, mail_in):
    threads.report_thread_follow_up(
        actor=world.one.contact_actor(world.one.contact_a), thread=thread, body="And next month?"
    )
    address = _reply_address(world.one.pm.email, "report_question")
    html = EmailMessage()
    html["From"] = world.one.pm.email
    html["To"] = address
    html["Subject"] = "Re: question"
    html["Message-ID"] = make_msgid()
    html.set_content(
        "<div>Next month is on plan.<br>We will confirm on Friday.</div>"
        "<div>-- <br>Daniel</div><script>alert(1)</script>",
        subtype="html",
    )
    _send(mail_in, html)

    message = thread.messages.order_by("-id").first()
    assert message.author_user == world.one.pm
    assert message.body == "Next month is on plan.\nWe will confirm on Friday."
    thread.refresh_from_db()
    assert thread.waiting_since is None


def test_chinese_subject_body_and_quote_and_an_attachment(world, thread, mail_in):
    contact = world.one.contact_a
    address = _reply_address(contact.email, "report_answer")
    message = _message(
        contact.email,
        address,
        "收到，谢谢。请把发票发给财务部。\n\n"
        "在 2026年11月26日 10:02，Rapport 写道：\n> 许可证发票提前到了。\n",
        subject="回复：关于预算",
    )
    message.add_attachment(
        b"%PDF-1.4 invoice", maintype="application", subtype="pdf", filename="发票.pdf"
    )
    raw = message.as_bytes()
    assert b"=?utf-8?" in raw.lower()  # the subject travels as encoded words
    _send(mail_in, message)

    posted = thread.messages.order_by("-id").first()
    assert posted.body.startswith("收到，谢谢。请把发票发给财务部。")
    assert "许可证发票提前到了" not in posted.body
    assert "1 attachment(s) not kept" in posted.body  # said, not silently dropped
    kept = InboundEmail.objects.get()
    assert parse(bytes(kept.raw)).subject == "回复：关于预算"
    assert parse(bytes(kept.raw)).files[0].name == "发票.pdf"


def test_a_stranger_a_forged_and_an_expired_address_are_refused_and_logged(
    world, thread, mail_in, caplog
):
    contact = world.one.contact_a
    address = _reply_address(contact.email, "report_answer")
    before = ReportMessage.objects.count()

    with pytest.raises(smtplib.SMTPDataError) as refused:
        _send(mail_in, _message("mallory@evil.test", address, "Post this"))
    assert refused.value.smtp_code == 550
    assert "may not reply" in caplog.text or "may not answer" in caplog.text

    forged = "reply+" + "A" * 27 + f"@{DOMAIN}"
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        _send(mail_in, _message(contact.email, forged, "Post this"))
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        _send(mail_in, _message(contact.email, f"someone@{DOMAIN}", "Post this"))

    ReplyToken.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        _send(mail_in, _message(contact.email, address, "Post this"))

    assert ReportMessage.objects.count() == before
    assert not InboundEmail.objects.exists()


def test_an_empty_reply_is_kept_and_refused_with_its_reason(world, thread, mail_in):
    contact = world.one.contact_a
    address = _reply_address(contact.email, "report_answer")
    _send(mail_in, _message(contact.email, address, "> only the quote\n> of the answer\n"))
    kept = InboundEmail.objects.get()
    assert kept.status == InboundEmail.Status.REJECTED
    assert "empty" in kept.reason


def test_a_thousand_replies_are_all_posted_once_even_when_delivered_twice(world, thread, mail_in):
    contact = world.one.contact_a
    address = _reply_address(contact.email, "report_answer")
    before = ReportMessage.objects.count()
    messages = [
        _message(contact.email, address, f"Reply number {i}", message_id=f"<bomb-{i}@client.test>")
        for i in range(1000)
    ]
    with smtplib.SMTP("127.0.0.1", mail_in, timeout=30) as smtp:
        for message in messages:
            smtp.send_message(message, to_addrs=[address])
        for message in messages[:100]:  # a retrying relay delivers some again
            smtp.send_message(message, to_addrs=[address])
    assert ReportMessage.objects.count() == before + 1000
    assert InboundEmail.objects.filter(status=InboundEmail.Status.POSTED).count() == 1000
    bodies = set(thread.messages.values_list("body", flat=True))
    assert {f"Reply number {i}" for i in range(1000)} <= bodies


def test_quoted_history_and_signatures_are_cut():
    assert new_text("Yes.\n\n-- \nSarah Cole\nCOO") == "Yes."
    assert new_text("Fine by me\n-----Original Message-----\nFrom: x") == "Fine by me"
    assert new_text("好的\n\n发件人：Rapport\n发送时间：…") == "好的"
    assert new_text("OK\r\n> quoted\r\nafter") == "OK\nafter"


def test_the_command_needs_a_domain_and_is_spelt_mail_in(settings):
    import subprocess
    import sys

    from django.core.management import CommandError, call_command

    settings.RAPPORT_MAIL_IN_DOMAIN = ""
    with pytest.raises(CommandError, match="RAPPORT_MAIL_IN_DOMAIN"):
        call_command("mail_in")
    helped = subprocess.run(
        [sys.executable, "-m", "rapport.cli", "mail-in", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--bind" in helped.stdout


def test_the_round_trip_over_smtp_out_and_in(world, thread, mail_in, settings):
    """The answer goes out over real SMTP with its Reply-To; the client's mail program answers
    to that address; the reply lands in the thread."""
    from email import message_from_bytes, policy

    from rapport.notify.services import email_deliver
    from tests.notify.smtp import running_smtp_server, smtp_mailer

    contact = world.one.contact_a
    outbound = OutboundEmail.objects.filter(to=contact.email, kind="report_answer").latest("id")
    # the tests' task backend delivered it at once (nowhere): send it again, by SMTP
    OutboundEmail.objects.filter(pk=outbound.pk).update(status=OutboundEmail.Status.QUEUED)
    with running_smtp_server() as smtp:
        settings.MAILERS = smtp_mailer(smtp.port)
        assert email_deliver(email_id=outbound.pk).status == OutboundEmail.Status.SENT
        [envelope] = smtp.inbox.envelopes
    received = message_from_bytes(envelope.original_content, policy=policy.default)
    reply_to = str(received["Reply-To"])
    assert reply_to == outbound.reply_to
    assert "reply to this email" in received.get_body(("plain",)).get_content()

    reply = _message(contact.email, reply_to, "Understood, thank you.\n\n> " + "quoted")
    reply["In-Reply-To"] = received["Message-ID"]
    _send(mail_in, reply)
    assert thread.messages.order_by("-id").first().body == "Understood, thank you."
