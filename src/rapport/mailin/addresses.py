"""Reply addresses: ``reply+TOKEN@<RAPPORT_MAIL_IN_DOMAIN>``, one per notification, with a
random token of 160 bits (only its digest is stored) that expires."""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from rapport.core.tokens import digest, new_secret
from rapport.mailin.models import ReplyToken

LOCAL_PART = re.compile(r"^reply\+([A-Za-z0-9_-]{16,64})$")


def enabled() -> bool:
    return bool(settings.RAPPORT_MAIL_IN_DOMAIN)


def reply_address(
    *, kind: str, object_id: int, recipient_email: str, organisation_id: int
) -> str | None:
    """A new reply address for one notification, or None when email in is not set up."""
    if not enabled() or not recipient_email:
        return None
    token = new_secret(20)
    ReplyToken.objects.create(
        organisation_id=organisation_id,
        token_hash=digest(token),
        kind=kind,
        object_id=object_id,
        recipient_email=recipient_email,
        expires_at=timezone.now() + timedelta(days=settings.RAPPORT_REPLY_TOKEN_DAYS),
    )
    return f"reply+{token}@{settings.RAPPORT_MAIL_IN_DOMAIN}"


def token_of(address: str) -> str | None:
    """The token of a reply address at our domain, or None for any other address."""
    local, _, domain = address.strip().strip("<>").rpartition("@")
    if domain.lower() != settings.RAPPORT_MAIL_IN_DOMAIN.lower():
        return None
    match = LOCAL_PART.match(local)
    return match.group(1) if match else None


def resolve(address: str) -> ReplyToken | None:
    """The live reply token behind an address; None when unknown, forged or expired."""
    token = token_of(address)
    if token is None:
        return None
    return ReplyToken.objects.filter(
        token_hash=digest(token), expires_at__gt=timezone.now()
    ).first()
