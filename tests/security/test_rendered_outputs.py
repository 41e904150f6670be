"""Hostile text in what leaves Rapport: the emails a status report, a closure and a message
send (over real SMTP on loopback, read back from the wire) and the PDFs. Line breaks in a
project's name, a contact's name or a subject never become new headers or new recipients;
markup and template syntax stay text."""

from __future__ import annotations

import email
import email.policy
import io
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from rapport.closure import services as closure_services
from rapport.messaging import services as messaging_services
from rapport.projects.models import Project
from rapport.reports import services as report_services
from tests.conftest import login
from tests.notify.smtp import running_smtp_server, smtp_mailer
from tests.security import corpus

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def _hostile_names(side, marker: str) -> None:
    """Names as an import or the API could have stored them: with line breaks."""
    Project.objects.filter(pk=side.project_b.pk).update(name=corpus.lines(f"{marker}P"))
    side.contact_b.full_name = corpus.lines(f"{marker}C")
    side.contact_b.save(update_fields=["full_name"])


def _check_envelopes(envelopes, expected_recipients: set[str], marker: str) -> None:
    assert envelopes, "no email was sent"
    assert {rcpt for e in envelopes for rcpt in e.rcpt_tos} == expected_recipients
    for envelope in envelopes:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert not corpus.header_problems(message), corpus.header_problems(message)
        assert "\n" not in str(message["Subject"]) and "\r" not in str(message["Subject"])
        assert "victim@evil.example" not in {str(message[h]) for h in ("To", "Cc", "Bcc")}
        html = message.get_body(preferencelist=("html",))
        if html is not None:
            content = html.get_content()
            assert not corpus.active_content(content), corpus.active_content(content)
            assert not corpus.evaluated(content)
        plain = message.get_body(preferencelist=("plain",))
        if plain is not None:
            assert not corpus.evaluated(plain.get_content())
        for attachment in message.iter_attachments():
            if attachment.get_content_type() == "application/pdf":
                text = _pdf_text(attachment.get_content())
                assert not corpus.evaluated(text)


def test_a_status_report_with_hostile_text_is_inert_in_its_email_page_and_pdf(
    world, settings, django_capture_on_commit_callbacks
):
    side = world.one
    marker = "Zq7001q"
    pm = side.actor(side.pm)
    Project.objects.filter(pk=side.project_a.pk).update(name=corpus.lines(f"{marker}P"))
    side.contact_a.full_name = corpus.lines(f"{marker}C")
    side.contact_a.save(update_fields=["full_name"])
    report = report_services.report_draft(
        actor=pm, project=side.project_a, period_start=date(2026, 3, 1), period_end=date(2026, 3, 7)
    )
    text = corpus.payload(marker) + "\n" + corpus.MARKDOWN_PAYLOAD
    report = report_services.report_update(
        actor=pm,
        report=report,
        summary=text,
        achievements=text,
        problems=text,
        asks=text,
        next_steps=text,
        stated_health="amber",
        stated_reason=text,
    )
    with running_smtp_server() as smtp:
        settings.MAILERS = smtp_mailer(smtp.port)
        with django_capture_on_commit_callbacks(execute=True):
            report_services.report_publish(actor=pm, report=report)
        envelopes = smtp.inbox.envelopes
    _check_envelopes(envelopes, {side.contact_a.email}, marker)

    kwargs = {"project_id": side.project_a.pk, "number": report.number}
    for user, page in [
        (side.pm, "reports:detail"),
        (side.contact_a.user, "portal_reports:detail"),
    ]:
        response = login(user).get(reverse(page, kwargs=kwargs))
        assert response.status_code == 200
        html = response.content.decode()
        assert marker in html
        assert not corpus.active_content(html), corpus.active_content(html)
        assert not corpus.evaluated(html)
    for user, page in [(side.pm, "reports:pdf"), (side.contact_a.user, "portal_reports:pdf")]:
        response = login(user).get(reverse(page, kwargs=kwargs))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        pdf = _pdf_text(
            b"".join(response.streaming_content) if response.streaming else response.content
        )
        assert marker in pdf, "the hostile text is in the PDF, as text"
        assert not corpus.evaluated(pdf)


def test_a_closure_with_hostile_text_is_inert_in_its_email_and_pdf(
    world, settings, django_capture_on_commit_callbacks
):
    side = world.one
    marker = "Zq7002q"
    _hostile_names(side, marker)
    pm = side.actor(side.pm)
    text = corpus.payload(marker) + "\n" + corpus.MARKDOWN_PAYLOAD
    closure_services.closure_update(
        actor=pm, project=side.project_b, narrative=text, lessons=text, budget_closed=True
    )
    with running_smtp_server() as smtp:
        settings.MAILERS = smtp_mailer(smtp.port)
        with django_capture_on_commit_callbacks(execute=True):
            closure_services.closure_close(actor=pm, project=side.project_b)
        envelopes = smtp.inbox.envelopes
    _check_envelopes(envelopes, {side.contact_b.email}, marker)

    response = login(side.pm).get(reverse("closure:pdf", kwargs={"project_id": side.project_b.pk}))
    assert response.status_code == 200
    pdf = _pdf_text(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert marker in pdf
    assert not corpus.evaluated(pdf)


def test_a_message_subject_with_line_breaks_never_injects_a_header(
    world, settings, django_capture_on_commit_callbacks
):
    side = world.one
    marker = "Zq7003q"
    side.contact_a.full_name = corpus.lines(f"{marker}C")
    side.contact_a.save(update_fields=["full_name"])
    with running_smtp_server() as smtp:
        settings.MAILERS = smtp_mailer(smtp.port)
        with django_capture_on_commit_callbacks(execute=True):
            thread = messaging_services.thread_open(
                actor=side.actor(side.pm),
                project=side.project_a,
                subject=corpus.lines(f"{marker}S"),
                body=corpus.payload(marker) + "\n" + corpus.MARKDOWN_PAYLOAD,
            )
        envelopes = smtp.inbox.envelopes
    _check_envelopes(envelopes, {side.contact_a.email}, marker)
    for user, page in [
        (side.pm, "messages_app:thread"),
        (side.contact_a.user, "portal_messages:thread"),
    ]:
        response = login(user).get(
            reverse(page, kwargs={"project_id": side.project_a.pk, "thread_id": thread.pk})
        )
        assert response.status_code == 200, page
        html = response.content.decode()
        assert marker in html
        assert not corpus.active_content(html), corpus.active_content(html)
        assert not corpus.evaluated(html)
