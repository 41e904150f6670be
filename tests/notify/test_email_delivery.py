"""Delivery of queued emails through real transports: SMTP on loopback and the embedded
file backend."""

from __future__ import annotations

import copy
import email
import email.policy
import os
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from rapport.notify.models import OutboundEmail
from rapport.notify.services import email_deliver, email_queue
from tests.notify.smtp import SmtpServer, free_port, smtp_mailer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("django_mail_patch_dns")]

RECIPIENT = "zoe@cafe-zurich.test"


def queue_invitation(language: str = "en") -> OutboundEmail:
    """A portal invitation with non-ASCII names, so the subject needs RFC 2047 encoding."""
    return email_queue(
        to=RECIPIENT,
        template="portal_invitation",
        context={
            "contact": "Zoë Ångström",
            "client": "Café Zürich",
            "organisation": "Northwind Studio",
            "inviter": "Ada Lovelace",
            "link": "http://127.0.0.1:8000/portal/invitation/not-a-real-token/",
            "expires_at": timezone.now() + timedelta(days=7),
        },
        language=language,
        kind="portal_invitation",
    )


def parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def text_of(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None, f"no text/{subtype} part"
    return part.get_content().replace("\r\n", "\n")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_smtp_delivers_the_outbox_row_once(
    smtp_server: SmtpServer, settings: Any, language: str
) -> None:
    settings.MAILERS = smtp_mailer(smtp_server.port)
    queued = queue_invitation(language)
    assert queued.status == OutboundEmail.Status.QUEUED
    assert smtp_server.inbox.envelopes == []

    delivered = email_deliver(email_id=queued.pk)

    assert len(smtp_server.inbox.envelopes) == 1
    envelope = smtp_server.inbox.envelopes[0]
    assert envelope.rcpt_tos == [RECIPIENT]
    assert envelope.mail_from == "rapport@localhost"
    message = parse(envelope.content)
    row = OutboundEmail.objects.get(pk=queued.pk)
    assert "=?utf-8?" in envelope.content.decode("ascii").lower()  # the subject is encoded
    assert message["Subject"] == row.subject
    assert "Café Zürich" in message["Subject"]
    assert message["To"] == RECIPIENT
    assert text_of(message, "plain") == row.body_text.replace("\r\n", "\n")
    assert text_of(message, "html") == row.body_html.replace("\r\n", "\n")
    assert "/portal/invitation/not-a-real-token/" in text_of(message, "plain")
    assert row.status == OutboundEmail.Status.SENT
    assert row.sent_at is not None
    assert row.attempts == 1
    assert row.error == ""
    assert delivered.status == OutboundEmail.Status.SENT

    again = email_deliver(email_id=queued.pk)

    assert again.status == OutboundEmail.Status.SENT
    assert len(smtp_server.inbox.envelopes) == 1
    row.refresh_from_db()
    assert row.attempts == 1
    assert row.sent_at == delivered.sent_at


def test_unreachable_smtp_server_is_recorded_as_a_failure(settings: Any) -> None:
    settings.MAILERS = smtp_mailer(free_port())  # nothing listens there
    queued = queue_invitation()

    result = email_deliver(email_id=queued.pk)  # must not raise

    row = OutboundEmail.objects.get(pk=queued.pk)
    assert result.status == row.status == OutboundEmail.Status.FAILED
    assert row.sent_at is None
    assert row.attempts == 1
    assert "Connection" in row.error or "refused" in row.error.lower(), row.error


def test_failed_email_is_sent_on_a_later_attempt(smtp_server: SmtpServer, settings: Any) -> None:
    settings.MAILERS = smtp_mailer(free_port())
    queued = queue_invitation()
    assert email_deliver(email_id=queued.pk).status == OutboundEmail.Status.FAILED

    settings.MAILERS = smtp_mailer(smtp_server.port)
    row = email_deliver(email_id=queued.pk)

    assert row.status == OutboundEmail.Status.SENT
    assert row.attempts == 2
    assert row.error == ""
    assert len(smtp_server.inbox.envelopes) == 1


def test_embedded_default_writes_the_email_to_a_file(settings: Any, tmp_path: Path) -> None:
    if os.environ.get("EMAIL_HOST"):
        pytest.skip("EMAIL_HOST is set: settings.py configures SMTP, not the embedded default")
    from rapport import settings as project_settings  # the module as loaded, before the tests

    default = copy.deepcopy(project_settings.MAILERS["default"])
    assert default["BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert default["OPTIONS"]["file_path"] == str(project_settings.VAR_DIR / "mail")
    default["OPTIONS"]["file_path"] = str(tmp_path / "mail")
    settings.MAILERS = {"default": default}
    queued = queue_invitation()

    row = email_deliver(email_id=queued.pk)

    assert row.status == OutboundEmail.Status.SENT
    files = list((tmp_path / "mail").iterdir())
    assert len(files) == 1
    raw = files[0].read_bytes()
    separator = b"\n" + b"-" * 79 + b"\n"
    assert raw.endswith(separator)
    message = parse(raw.removesuffix(separator))
    assert message["To"] == RECIPIENT
    assert message["Subject"] == row.subject
    assert text_of(message, "plain") == row.body_text
