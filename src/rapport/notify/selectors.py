from __future__ import annotations

from django.db.models import QuerySet

from rapport.notify.models import OutboundEmail
from rapport.tenancy.actors import Actor


def outbox_visible_to(actor: Actor) -> QuerySet[OutboundEmail]:
    """The organisation's owners and admins read everything it sent (the demo follows
    invitation links from here)."""
    if not actor.is_admin:
        return OutboundEmail.objects.none()
    return OutboundEmail.objects.filter(organisation=actor.organisation)


def latest_email_to(*, actor: Actor, to: str, kind: str) -> OutboundEmail | None:
    """The last email of a kind sent to an address, for the admins who may read the outbox."""
    return outbox_visible_to(actor).filter(to=to, kind=kind).order_by("-created_at").first()
