from __future__ import annotations

from django.db.models import QuerySet

from rapport.notify.kinds import Audience
from rapport.notify.models import Notification, NotificationPreference, OutboundEmail
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


def _side(actor: Actor) -> str | None:
    if actor.is_member:
        return Notification.Side.MEMBER
    if actor.is_contact:
        return Notification.Side.CONTACT
    return None


def notifications_of(actor: Actor) -> QuerySet[Notification]:
    """The actor's own notifications on the side they act on: a member's in the organisation
    they are working in, a contact's in the portal. Nobody else's, ever."""
    side = _side(actor)
    if side is None or actor.user is None:
        return Notification.objects.none()
    notifications = Notification.objects.filter(user=actor.user, side=side)
    if actor.is_member:
        notifications = notifications.filter(organisation=actor.organisation)
    return notifications


def unread_count(actor: Actor) -> int:
    return notifications_of(actor).filter(read_at__isnull=True).count()


def preferences_of(actor: Actor) -> dict[str, str]:
    """``{kind: delivery}`` as chosen by the actor; kinds not chosen follow their default."""
    if actor.user is None:
        return {}
    return dict(
        NotificationPreference.objects.filter(user=actor.user).values_list("kind", "delivery")
    )


def side_of(actor: Actor) -> Audience:
    return Audience.MEMBERS if actor.is_member else Audience.CONTACTS
