"""Receiving and posting email replies. Receiving only stores the message (quick, so the SMTP
server answers at once and nothing is lost); the worker posts it. Every refusal is logged and
kept with its reason; nothing refused is ever posted."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from rapport.mailin import addresses, handlers
from rapport.mailin.models import InboundEmail
from rapport.mailin.parse import message_id_of, parse, sender_of

logger = logging.getLogger(__name__)


class Rejected(Exception):
    """Refused at the door: the SMTP server answers with ``smtp_reply``."""

    def __init__(self, smtp_reply: str, reason: str) -> None:
        super().__init__(reason)
        self.smtp_reply = smtp_reply


def inbound_check_recipient(address: str) -> None:
    """RCPT TO: only live reply addresses of ours are accepted."""
    if addresses.resolve(address) is None:
        logger.warning("mail in: refused recipient %s (unknown, forged or expired)", address)
        raise Rejected("550 5.1.1 No such reply address", "unknown, forged or expired address")


def inbound_receive(*, mail_from: str, rcpt_to: str, raw: bytes) -> InboundEmail | None:
    """Keep a message sent to one reply address; None when this very message was already kept.

    The sender must be the person the notification went to: anyone else is refused here."""
    from rapport.mailin.tasks import process_inbound

    if len(raw) > settings.RAPPORT_MAIL_IN_MAX_BYTES:
        raise Rejected("552 5.3.4 Message too big", "message too big")
    token = addresses.resolve(rcpt_to)
    if token is None:
        raise Rejected("550 5.1.1 No such reply address", "unknown, forged or expired address")
    sender = sender_of(raw)
    if sender != token.recipient_email.lower():
        logger.warning("mail in: %s may not answer at %s's address", sender, token.recipient_email)
        raise Rejected("550 5.7.1 This sender may not reply here", "sender does not match")
    message_id = message_id_of(raw)
    try:
        with transaction.atomic():
            inbound = InboundEmail.objects.create(
                organisation_id=token.organisation_id,
                mail_from=mail_from[:320],
                rcpt_to=rcpt_to[:320],
                message_id=message_id,
                raw=raw,
                size=len(raw),
            )
            transaction.on_commit(lambda: process_inbound.enqueue(inbound_id=inbound.pk))
    except IntegrityError:  # the same message delivered again
        return None
    return inbound


def inbound_process(*, inbound_id: int) -> InboundEmail:
    """Post a kept message where its reply address points. Idempotent: a message is posted at
    most once."""
    with transaction.atomic():
        inbound = InboundEmail.objects.select_for_update().get(pk=inbound_id)
        if inbound.status != InboundEmail.Status.RECEIVED:
            return inbound
        token = addresses.resolve(inbound.rcpt_to)
        try:
            if token is None:
                raise handlers.Refused("the reply address expired before the message was read")
            incoming = parse(bytes(inbound.raw))
            if incoming.sender != token.recipient_email.lower():
                raise handlers.Refused("sender does not match")
            if not incoming.text and not incoming.files:
                raise handlers.Refused("the reply is empty once the quoted text is removed")
            with transaction.atomic():
                handlers.handle(token, incoming)
        except (handlers.Refused, ValidationError, PermissionDenied) as refusal:
            logger.warning("mail in: message %s refused: %s", inbound.pk, refusal)
            reason = " ".join(refusal.messages) if isinstance(refusal, ValidationError) else ""
            inbound.status = InboundEmail.Status.REJECTED
            inbound.reason = (reason or str(refusal) or type(refusal).__name__)[:2000]
        except Exception as error:  # kept for an operator; the message is not lost
            logger.exception("mail in: message %s failed", inbound.pk)
            inbound.status = InboundEmail.Status.FAILED
            inbound.reason = f"{type(error).__name__}: {error}"[:2000]
        else:
            inbound.status, inbound.reason = InboundEmail.Status.POSTED, ""
        inbound.processed_at = timezone.now()
        inbound.save(update_fields=["status", "reason", "processed_at"])
    return inbound
