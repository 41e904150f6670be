"""Outgoing email: rendered in the recipient's language, kept in the outbox, sent by the worker."""

from __future__ import annotations

import logging
from email.message import EmailMessage
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.notify import attachments, kinds, recipients, selectors
from rapport.notify.kinds import Delivery, Kind
from rapport.notify.models import Notification, NotificationPreference, OutboundEmail
from rapport.tenancy.actors import Actor

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
) -> OutboundEmail | None:
    """Render ``notify/email/<template>.{subject,txt,html}`` in ``language`` and deliver it as
    the recipient chose for this ``kind``: queued now, kept for the daily digest, or not sent.
    The in-app notification is stored whatever the choice.

    The worker sends it once the surrounding transaction commits. ``attachments`` are specs
    from ``notify.attachments.spec``: the files are built when the email is sent. Returns the
    queued email, or None when the recipient does not want it now."""
    from rapport.notify.tasks import send_email

    spec = kinds.get(kind)
    recipient = (
        recipients.for_address(to=to, organisation_id=organisation_id, kind=spec)
        if spec.in_app or not spec.mandatory
        else None
    )
    delivery = recipients.delivery_for(recipient, spec)
    unsubscribe = (
        recipients.unsubscribe_url(recipient, spec)
        if recipient is not None and not spec.mandatory
        else ""
    )
    context = {
        **context,
        "site_url": settings.SITE_URL,
        "language": language,
        "unsubscribe_url": unsubscribe,
    }
    with translation.override(language):
        subject = " ".join(
            render_to_string(f"notify/email/{template}.subject.txt", context, using="text").split()
        )[:255]
        body_text = render_to_string(f"notify/email/{template}.txt", context, using="text")
        if unsubscribe:
            body_text += render_to_string("notify/email/_unsubscribe.txt", context, using="text")
        body_html = render_to_string(f"notify/email/{template}.html", context)
    if spec.in_app and recipient is not None:
        _notification_store(
            recipient=recipient,
            organisation_id=organisation_id,
            kind=spec,
            title=subject,
            link=str(context.get("link") or context.get("url") or ""),
            language=language,
            in_digest=delivery == Delivery.DIGEST,
        )
    if delivery != Delivery.IMMEDIATE:
        return None
    email = OutboundEmail.objects.create(
        organisation_id=organisation_id,
        to=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        language=language,
        kind=kind,
        attachments=attachments or [],
        reply_to=reply_to or "",
        unsubscribe_url=unsubscribe,
    )
    transaction.on_commit(lambda: send_email.enqueue(email_id=email.pk))
    return email


def _notification_store(
    *,
    recipient: recipients.Recipient,
    organisation_id: int | None,
    kind: Kind,
    title: str,
    link: str,
    language: str,
    in_digest: bool,
) -> Notification | None:
    """Keep the event for the person's notification list (and digest). Only a path on this
    site is kept as the link, so opening a notification never leads elsewhere."""
    if link.startswith(settings.SITE_URL):
        link = link.removeprefix(settings.SITE_URL) or "/"
    if not link.startswith("/") or link.startswith("//"):
        link = ""
    if recipient.user is None and not in_digest:
        return None  # no one would ever read it
    return Notification.objects.create(
        organisation_id=organisation_id,
        user=recipient.user,
        contact=recipient.contact,
        side=recipient.side,
        email=recipient.email,
        language=language,
        kind=kind.code,
        title=title,
        link=link[:500],
        in_digest=in_digest,
    )


def _message_id(email: OutboundEmail) -> str:
    """The same for every attempt at one email: if a worker dies after the mail server took it
    but before it was marked sent, the second attempt is the same message, which mail clients
    show once."""
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"<rapport.{email.pk}.{int(email.created_at.timestamp())}@{domain or 'rapport'}>"


def _unsubscribe_headers(email: OutboundEmail) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: the mail client POSTs to the link, no login needed."""
    if not email.unsubscribe_url:
        return {}
    return {
        "List-Unsubscribe": f"<{email.unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


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
        headers={"Message-ID": _message_id(email), **_unsubscribe_headers(email)},
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


# --- the notification centre --------------------------------------------------------------


def notification_mark_read(*, actor: Actor, notification: Notification) -> None:
    """Mark one of the actor's notifications read (through their own scope: someone else's is
    left alone). Read marks are personal bookkeeping, like a thread's read mark, so they are
    not audited."""
    selectors.notifications_of(actor).filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_mark_all_read(*, actor: Actor) -> int:
    return (
        selectors.notifications_of(actor)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )


@transaction.atomic
def preferences_set(*, actor: Actor, choices: dict[str, str]) -> dict[str, str]:
    """Record how the actor wants each kind of their side delivered. Mandatory kinds and kinds
    of the other side are refused, as is any delivery that is not one of the three."""
    if actor.user is None or not (actor.is_member or actor.is_contact):
        raise PermissionDenied
    allowed = {kind.code: kind for kind in kinds.choosable(selectors.side_of(actor))}
    errors = {
        code: _("Choose how you want to receive this.")
        for code, delivery in choices.items()
        if code not in allowed or allowed[code].mandatory or delivery not in Delivery.values
    }
    if errors:
        raise ValidationError(errors)
    before = selectors.preferences_of(actor)
    changed = {
        code: [before.get(code, allowed[code].default.value), delivery]
        for code, delivery in choices.items()
        if before.get(code, allowed[code].default.value) != delivery
    }
    for code, (_old, delivery) in changed.items():
        NotificationPreference.objects.update_or_create(
            user=actor.user, kind=code, defaults={"delivery": delivery}
        )
    if changed:
        audit.record(
            actor=actor,
            action="notification_preferences_changed",
            obj=actor.user,
            changes=changed,
        )
    return {**before, **{code: delivery for code, (_old, delivery) in changed.items()}}


@transaction.atomic
def unsubscribe(*, token: str, ip: str | None = None) -> tuple[recipients.Recipient, Kind]:
    """One-click unsubscribe (RFC 8058): the signed link turns one kind off for the person it
    was sent to; no login. The daily digest's link turns off every kind they had in it."""
    recipient, kind = recipients.from_unsubscribe_token(token)
    mine = NotificationPreference.objects.filter(**recipient.preference_filter())
    if kind.code == kinds.DIGEST:
        turned_off = list(mine.filter(delivery=Delivery.DIGEST).values_list("kind", flat=True))
        mine.filter(kind__in=turned_off).update(delivery=Delivery.NONE)
    else:
        turned_off = [kind.code]
        mine.update_or_create(
            kind=kind.code,
            defaults={"delivery": Delivery.NONE},
            create_defaults={
                "user": recipient.user,
                "contact": None if recipient.user else recipient.contact,
                "kind": kind.code,
                "delivery": Delivery.NONE,
            },
        )
    actor = Actor.anonymous(ip=ip)
    audit.record(
        actor=actor,
        action="unsubscribed",
        obj=recipient.user or recipient.contact,  # type: ignore[arg-type]
        changes={"kinds": [None, turned_off]},
        organisation_id=recipient.contact.organisation_id if recipient.contact else None,
    )
    return recipient, kind
