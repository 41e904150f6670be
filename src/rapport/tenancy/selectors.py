from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from rapport.tenancy.actors import Actor
from rapport.tenancy.models import (
    MANAGER_ROLES,
    ApiToken,
    Invitation,
    Membership,
    Organisation,
    User,
)


def memberships_of(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, user__is_active=True)
        .select_related("organisation")
        .order_by("created_at", "id")
    )


def active_membership(user: User, organisation_id: int | None) -> Membership | None:
    """The membership the session names, or else the user's oldest one."""
    memberships = memberships_of(user)
    if organisation_id is not None:
        chosen = memberships.filter(organisation_id=organisation_id).first()
        if chosen is not None:
            return chosen
    return memberships.first()


def members_visible_to(actor: Actor) -> QuerySet[Membership]:
    if not actor.is_member:
        return Membership.objects.none()
    return (
        Membership.objects.filter(organisation_id=actor.organisation_id)
        .select_related("user")
        .order_by("user__full_name", "id")
    )


def member_get(*, actor: Actor, membership_id: int) -> Membership:
    return get_object_or_404(members_visible_to(actor), pk=membership_id)


def users_in_organisation(actor: Actor) -> QuerySet[User]:
    if not actor.is_member:
        return User.objects.none()
    return User.objects.filter(
        memberships__organisation_id=actor.organisation_id, is_active=True
    ).order_by("full_name", "id")


def project_managers_in_organisation(actor: Actor) -> QuerySet[User]:
    return users_in_organisation(actor).filter(memberships__role__in=MANAGER_ROLES)


def invitations_visible_to(actor: Actor) -> QuerySet[Invitation]:
    if not actor.is_admin:
        return Invitation.objects.none()
    return Invitation.objects.filter(organisation_id=actor.organisation_id).select_related(
        "invited_by"
    )


def invitation_get(*, actor: Actor, invitation_id: int) -> Invitation:
    return get_object_or_404(invitations_visible_to(actor), pk=invitation_id)


def api_tokens_of(actor: Actor) -> QuerySet[ApiToken]:
    if not actor.is_member:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(
        user=actor.user, organisation_id=actor.organisation_id, contact__isnull=True
    )


def api_token_get(*, actor: Actor, token_id: int) -> ApiToken:
    return get_object_or_404(api_tokens_of(actor), pk=token_id)


def contact_api_tokens_of(actor: Actor) -> QuerySet[ApiToken]:
    """A portal contact's own tokens for the portal API."""
    if not actor.is_contact or actor.user is None:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(
        user=actor.user, contact_id__in=actor.contact_ids
    ).select_related("contact__client")


def contact_api_token_get(*, actor: Actor, token_id: int) -> ApiToken:
    return get_object_or_404(contact_api_tokens_of(actor), pk=token_id)


def organisations_of(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def pending_invitations(*, actor: Actor) -> QuerySet[Invitation]:
    return invitations_visible_to(actor).filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def account_exists(email: str) -> bool:
    """Whether an invitation's addressee already has a login (then they sign in to accept).
    Only asked for the address a valid invitation link names."""
    return User.objects.filter(email__iexact=email).exists()
