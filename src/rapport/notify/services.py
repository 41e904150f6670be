"""Outgoing email: rendered in the recipient's language, kept in the outbox, sent by the worker."""

from __future__ import annotations

import logging
from email.message import EmailMessage
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from rapport.notify import attachments
from rapport.notify.models import OutboundEmail

logger = logging.getLogger(__name__)


class _Message(EmailMultiAlternatives):
    """Django's message, also taking alternatives whose type has parameters
    (``text/calendar; method=REQUEST``), which Django's own cannot."""

    def _add_bodies(self, msg: EmailMessage) -> EmailMessage:
        typed = [a for a in self.alternatives if ";" in a[1]]
        self.alternatives = [a for a in self.alternatives if ";" not in a[1]]
        try:
            super()._add_bodies(msg)  # type: ignore[misc]
        finally:
            self.alternatives = [*self.alternatives, *typed]
        for content, mimetype in typed:
            kind, *parameters = (part.strip() for part in mimetype.split(";"))
            maintype, subtype = kind.split("/", 1)
            params = dict(p.split("=", 1) for p in parameters if "=" in p)
            params.pop("charset", None)
            text = content.decode() if isinstance(content, bytes) else content
            assert maintype == "text", "alternatives with parameters are text"
            msg.add_alternative(text, subtype=subtype, charset="utf-8", params=params)
        return msg


def email_queue(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str,
    kind: str,
    organisation_id: int | None = None,
    attachments: list[dict[str, Any]] | None = None,
    reply_to: str | None = None,
) -> OutboundEmail:
    """Render ``notify/email/<template>.{subject,txt,html}`` in ``language`` and queue it.

    The worker sends it once the surrounding transaction commits. ``attachments`` are specs
    from ``notify.attachments.spec``: the files are built when the email is sent."""
    from rapport.notify.tasks import send_email

    context = {**context, "site_url": settings.SITE_URL, "language": language}
    with translation.override(language):
        subject = render_to_string(f"notify/email/{template}.subject.txt", context)
        body_text = render_to_string(f"notify/email/{template}.txt", context)
        body_html = render_to_string(f"notify/email/{template}.html", context)
    email = OutboundEmail.objects.create(
        organisation_id=organisation_id,
        to=to,
        subject=" ".join(subject.split())[:255],
        body_text=body_text,
        body_html=body_html,
        language=language,
        kind=kind,
        attachments=attachments or [],
        reply_to=reply_to or "",
    )
    transaction.on_commit(lambda: send_email.enqueue(email_id=email.pk))
    return email


def email_deliver(*, email_id: int) -> OutboundEmail:
    """Hand one queued email to the configured backend and record the outcome.

    Idempotent: a sent email is never sent again. The transport runs outside any
    transaction so that a slow SMTP server never holds a database lock."""
    email = OutboundEmail.objects.get(pk=email_id)
    if email.status == OutboundEmail.Status.SENT:
        return email
    message = _Message(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        reply_to=[email.reply_to] if email.reply_to else None,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    email.attempts += 1
    try:
        for spec in email.attachments:
            file = attachments.build(spec, email.language)
            if file.alternative:
                message.attach_alternative(file.content, file.mimetype)
            else:
                message.attach(file.filename, file.content, file.mimetype)
        message.send()
    except Exception as error:  # any build or transport failure is recorded, not raised
        logger.warning("email %s to %s failed: %s", email.pk, email.to, error)
        email.status = OutboundEmail.Status.FAILED
        email.error = f"{type(error).__name__}: {error}"[:2000]
    else:
        email.status = OutboundEmail.Status.SENT
        email.sent_at = timezone.now()
        email.error = ""
    email.save(update_fields=["status", "attempts", "error", "sent_at"])
    return email
