"""Who an email is for, how they want that kind delivered, and the signed link that turns it
off. Call sites only know an address; this module finds the person behind it so that the
preferences, the in-app notification and the unsubscribe link all apply in one place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

from rapport.clients.models import Contact
from rapport.notify import kinds
from rapport.notify.kinds import Audience, Delivery, Kind
from rapport.notify.models import Notification, NotificationPreference
from rapport.tenancy.models import User, normalize_email

UNSUBSCRIBE_SALT = "rapport.notify.unsubscribe"


class BadUnsubscribeToken(Exception):
    pass


@dataclass(frozen=True)
class Recipient:
    side: str  # Notification.Side
    user: User | None = None
    contact: Contact | None = None

    def preference_filter(self) -> dict[str, Any]:
        """A contact with a portal login chooses as that user; one without, as the contact."""
        if self.user is not None:
            return {"user": self.user}
        return {"contact": self.contact, "user__isnull": True}

    @property
    def email(self) -> str:
        if self.contact is not None:
            return self.contact.email
        return self.user.email if self.user is not None else ""


def for_address(*, to: str, organisation_id: int | None, kind: Kind) -> Recipient | None:
    """The member (of the organisation) or the client contact that ``to`` belongs to, on the
    side the kind reaches; None for an address Rapport knows no one by."""
    email = normalize_email(to)
    if kind.reaches(Audience.MEMBERS):
        users = User.objects.filter(email__iexact=email, is_active=True)
        if organisation_id is not None:
            users = users.filter(memberships__organisation_id=organisation_id)
        user = users.first()
        if user is not None:
            return Recipient(side=Notification.Side.MEMBER, user=user)
    if kind.reaches(Audience.CONTACTS) and organisation_id is not None:
        contact = (
            Contact.objects.filter(organisation_id=organisation_id, email__iexact=email)
            .select_related("user")
            .order_by("-portal_access", "pk")
            .first()
        )
        if contact is not None:
            return Recipient(
                side=Notification.Side.CONTACT, user=_portal_user(contact), contact=contact
            )
    return None


def _portal_user(contact: Contact) -> User | None:
    user = contact.user
    if contact.portal_access and user is not None and user.is_active:
        return user
    return None


def delivery_for(recipient: Recipient | None, kind: Kind) -> Delivery:
    """Mandatory kinds always go at once; others as the person chose, or the kind's default."""
    if kind.mandatory or recipient is None:
        return Delivery.IMMEDIATE if kind.mandatory else kind.default
    chosen = (
        NotificationPreference.objects.filter(kind=kind.code, **recipient.preference_filter())
        .values_list("delivery", flat=True)
        .first()
    )
    return Delivery(chosen) if chosen else kind.default


def unsubscribe_token(recipient: Recipient, kind: Kind) -> str:
    who = {"u": recipient.user.pk} if recipient.user else {"c": recipient.contact.pk}  # type: ignore[union-attr]
    return signing.dumps({"k": kind.code, "s": recipient.side, **who}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(recipient: Recipient, kind: Kind) -> str:
    token = unsubscribe_token(recipient, kind)
    return settings.SITE_URL + reverse("unsubscribe:confirm", args=[token])


def from_unsubscribe_token(token: str) -> tuple[Recipient, Kind]:
    """The person and kind a link was signed for; a tampered, truncated or stale link (the
    kind became mandatory, the person is gone) raises ``BadUnsubscribeToken``."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        kind = kinds.get(data["k"])
        side = Notification.Side(data["s"])
        if "u" in data:
            recipient = Recipient(side=side, user=User.objects.get(pk=int(data["u"])))
        else:
            contact = Contact.objects.select_related("user").get(pk=int(data["c"]))
            recipient = Recipient(side=side, contact=contact)
    except (signing.BadSignature, kinds.UnknownKind, KeyError, TypeError, ValueError) as error:
        raise BadUnsubscribeToken from error
    except (User.DoesNotExist, Contact.DoesNotExist) as error:
        raise BadUnsubscribeToken from error
    if kind.mandatory:
        raise BadUnsubscribeToken
    return recipient, kind
