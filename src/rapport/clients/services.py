"""Writes for clients, their contacts and contacts' portal access."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.clients import permissions
from rapport.clients.models import Client, Contact, PortalInvitation
from rapport.core.services import assign, require
from rapport.core.tokens import digest, new_secret
from rapport.notify.services import email_queue
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import User, normalize_email

CLIENT_FIELDS = ("name", "website", "language", "notes")
CONTACT_FIELDS = (
    "full_name",
    "email",
    "phone",
    "job_title",
    "language",
    "time_zone",
    "preferred_channel",
    "working_hours",
    "is_approver",
)


@transaction.atomic
def client_create(*, actor: Actor, **values: Any) -> Client:
    require(permissions.can_create_client(actor))
    client = Client(organisation=actor.organisation)
    assign(client, CLIENT_FIELDS, values)
    client.full_clean()
    client.save()
    audit.record(
        actor=actor,
        action="created",
        obj=client,
        changes=audit.diff({}, audit.snapshot(client, CLIENT_FIELDS)),
    )
    return client


@transaction.atomic
def client_update(*, actor: Actor, client: Client, **values: Any) -> Client:
    require(permissions.can_edit_client(actor, client))
    # The stored row, not the caller's instance: a bound ModelForm has already changed that.
    client = Client.objects.select_for_update().get(pk=client.pk)
    before = audit.snapshot(client, CLIENT_FIELDS)
    assign(client, CLIENT_FIELDS, values)
    client.full_clean()
    client.save()
    if changes := audit.diff(before, audit.snapshot(client, CLIENT_FIELDS)):
        audit.record(actor=actor, action="updated", obj=client, changes=changes)
    return client


def _normalise_contact(contact: Contact) -> None:
    contact.email = normalize_email(contact.email)


@transaction.atomic
def contact_create(*, actor: Actor, client: Client, **values: Any) -> Contact:
    require(permissions.can_edit_client(actor, client))
    contact = Contact(organisation_id=client.organisation_id, client=client)
    assign(contact, CONTACT_FIELDS, values)
    _normalise_contact(contact)
    contact.full_clean()
    contact.save()
    audit.record(
        actor=actor,
        action="created",
        obj=contact,
        changes=audit.diff({}, audit.snapshot(contact, CONTACT_FIELDS)),
    )
    return contact


@transaction.atomic
def contact_update(*, actor: Actor, contact: Contact, **values: Any) -> Contact:
    require(permissions.can_edit_contact(actor, contact))
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    before = audit.snapshot(contact, CONTACT_FIELDS)
    assign(contact, CONTACT_FIELDS, values)
    _normalise_contact(contact)
    if contact.user_id and contact.email != before["email"]:
        raise ValidationError(
            {"email": _("This contact has a portal login; its email address cannot change.")}
        )
    contact.full_clean()
    contact.save()
    if changes := audit.diff(before, audit.snapshot(contact, CONTACT_FIELDS)):
        audit.record(actor=actor, action="updated", obj=contact, changes=changes)
    return contact


@transaction.atomic
def contact_invite_to_portal(*, actor: Actor, contact: Contact) -> PortalInvitation:
    """Email the contact a link to set a password; a new invitation replaces a pending one."""
    require(permissions.can_manage_portal_access(actor, contact))
    if not contact.email:
        raise ValidationError(_("Add an email address to this contact before inviting them."))
    now = timezone.now()
    PortalInvitation.objects.filter(
        contact=contact, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    token = new_secret()
    invitation = PortalInvitation.objects.create(
        contact=contact,
        token_hash=digest(token),
        invited_by=actor.user,
        expires_at=now + settings.INVITATION_TTL,
    )
    audit.record(
        actor=actor, action="invited", obj=contact, changes={"email": [None, contact.email]}
    )
    email_queue(
        to=contact.email,
        template="portal_invitation",
        context={
            "contact": contact.full_name,
            "client": contact.client.name,
            "organisation": actor.organisation.name if actor.organisation else "",
            "inviter": actor.label,
            "link": settings.SITE_URL + reverse("portal:invitation", args=[token]),
            "expires_at": invitation.expires_at,
        },
        language=contact.language,
        kind="portal_invitation",
        organisation_id=contact.organisation_id,
    )
    return invitation


@transaction.atomic
def contact_revoke_portal_access(*, actor: Actor, contact: Contact) -> Contact:
    require(permissions.can_manage_portal_access(actor, contact))
    PortalInvitation.objects.filter(
        contact=contact, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if contact.portal_access:
        contact.portal_access = False
        contact.save(update_fields=["portal_access", "updated_at"])
        audit.record(
            actor=actor, action="updated", obj=contact, changes={"portal_access": [True, False]}
        )
    return contact


def portal_invitation_from_token(token: str) -> PortalInvitation:
    invitation = (
        PortalInvitation.objects.select_related("contact__client", "contact__organisation")
        .filter(
            token_hash=digest(token),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )
    if invitation is None:
        raise ValidationError(
            _("This invitation link has expired or has already been used. Ask for a new one."),
            code="invalid_invitation",
        )
    return invitation


@transaction.atomic
def portal_invitation_accept(
    *, token: str, user: User | None = None, password: str = "", ip: str | None = None
) -> Contact:
    """The contact sets a password (or, already having a login, signs in) and gains the portal."""
    invitation = portal_invitation_from_token(token)
    invitation = PortalInvitation.objects.select_for_update().get(pk=invitation.pk)
    contact = invitation.contact
    if user is None:
        if User.objects.filter(email__iexact=contact.email).exists():
            raise ValidationError(
                _("You already have a Rapport login. Sign in with it to accept this invitation."),
                code="existing_account",
            )
        user = User(
            email=contact.email,
            full_name=contact.full_name,
            language=contact.language,
            time_zone=contact.time_zone,
        )
        validate_password(password, user)
        user.set_password(password)
        user.save()
    elif normalize_email(user.email) != contact.email:
        raise ValidationError(
            _("This invitation was sent to %(email)s. Sign in with that address to accept it.")
            % {"email": contact.email},
            code="wrong_account",
        )
    contact.user = user
    contact.portal_access = True
    contact.save(update_fields=["user", "portal_access", "updated_at"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at", "updated_at"])
    actor = Actor.contact(user, frozenset({contact.pk}), ip=ip)
    audit.record(
        actor=actor, action="accepted", obj=contact, changes={"portal_access": [False, True]}
    )
    return contact
