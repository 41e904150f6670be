"""Closing a project publishes its closure report: every portal contact of the client gets it
by email, once, in their own language, with the PDF and a link to accept it in the portal."""

from __future__ import annotations

import email
import email.policy
import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from rapport.closure import services
from rapport.notify.models import OutboundEmail
from tests import factories
from tests.notify.smtp import running_smtp_server, smtp_mailer

pytestmark = pytest.mark.django_db


def _close(side) -> None:
    """Project B (client B) has no deliverable or change request: nothing blocks it."""
    pm = side.actor(side.pm)
    services.closure_update(
        actor=pm, project=side.project_b, narrative="Delivered.", lessons="", budget_closed=True
    )
    services.closure_close(actor=pm, project=side.project_b)


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_each_portal_contact_gets_the_report_once_in_their_language(
    world, settings, django_capture_on_commit_callbacks
):
    side = world.one
    side.contact_b.language = "en"
    side.contact_b.save(update_fields=["language"])
    chinese = factories.portal_contact(side.client_b, language="zh-hans")
    factories.ContactFactory(client=side.client_b, email="no-portal@example.test")
    with running_smtp_server() as smtp:
        settings.MAILERS = smtp_mailer(smtp.port)
        with django_capture_on_commit_callbacks(execute=True):
            _close(side)
        envelopes = smtp.inbox.envelopes

    assert sorted(rcpt for e in envelopes for rcpt in e.rcpt_tos) == sorted(
        [side.contact_b.email, chinese.email]
    )
    link = f"/portal/projects/{side.project_b.pk}/closure/"
    by_recipient = {
        e.rcpt_tos[0]: email.message_from_bytes(e.content, policy=email.policy.default)
        for e in envelopes
    }
    for address, heading, subject in [
        (side.contact_b.email, "Closure report", "please accept the project's closure"),
        (chinese.email, "项目总结报告", side.project_b.name),
    ]:
        message = by_recipient[address]
        assert subject in message["Subject"]
        assert link in message.get_body(preferencelist=("plain",)).get_content()
        [attachment] = list(message.iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_filename().endswith("-closure.pdf")
        text = _pdf_text(attachment.get_content())
        assert heading in text and side.project_b.name in text
    assert "项目总结报告" not in _pdf_text(
        next(by_recipient[side.contact_b.email].iter_attachments()).get_content()
    )
    assert OutboundEmail.objects.filter(kind="closure_published", status="sent").count() == 2


def test_no_email_while_the_project_is_not_in_the_portal(world):
    side = world.one
    side.project_b.published_at = None
    side.project_b.save(update_fields=["published_at"])
    _close(side)
    assert not OutboundEmail.objects.filter(kind="closure_published").exists()


def test_a_refused_closure_sends_nothing(world):
    side = world.one
    services.closure_update(
        actor=side.actor(side.pm),
        project=side.project_a,
        narrative="Delivered.",
        lessons="",
        budget_closed=True,
    )
    with pytest.raises(ValidationError, match="be closed yet"):
        services.closure_close(actor=side.actor(side.pm), project=side.project_a)
    assert not OutboundEmail.objects.filter(kind="closure_published").exists()
