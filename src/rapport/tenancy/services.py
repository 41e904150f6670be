"""Writes for organisations, people and their access. One function per action."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.core.services import assign, require
from rapport.core.tokens import digest, new_secret
from rapport.notify.services import email_queue
from rapport.reports import health
from rapport.tenancy import permissions
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import (
    ApiToken,
    Invitation,
    Membership,
    Organisation,
    Role,
    TokenScope,
    User,
    normalize_email,
)

API_TOKEN_PREFIX = "rpt_"


def _check_new_email(email: str) -> str:
    email = normalize_email(email)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": _("An account with this email address already exists.")}, code="duplicate"
        )
    return email


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "org"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _new_user(*, email: str, full_name: str, password: str, language: str, time_zone: str) -> User:
    user = User(email=email, full_name=full_name.strip(), language=language, time_zone=time_zone)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def organisation_signup(
    *,
    organisation_name: str,
    full_name: str,
    email: str,
    password: str,
    language: str = "en",
    time_zone: str = "UTC",
    ip: str | None = None,
) -> Membership:
    """A visitor creates an organisation and becomes its owner."""
    email = _check_new_email(email)
    organisation = Organisation(
        name=organisation_name.strip(), slug=_unique_slug(organisation_name)
    )
    organisation.full_clean()
    user = _new_user(
        email=email, full_name=full_name, password=password, language=language, time_zone=time_zone
    )
    organisation.save()
    membership = Membership.objects.create(organisation=organisation, user=user, role=Role.OWNER)
    actor = Actor.member(user, organisation, Role.OWNER, ip=ip)
    audit.record(
        actor=actor, action="created", obj=organisation, changes={"name": [None, organisation.name]}
    )
    audit.record(
        actor=actor, action="created", obj=membership, changes={"role": [None, Role.OWNER]}
    )
    return membership


def signup_allowed() -> bool:
    """Open sign-up, or the very first owner of a closed installation (the first-run page)."""
    return settings.SIGNUP_OPEN or not Organisation.objects.exists()


@transaction.atomic
def invitation_create(*, actor: Actor, email: str, role: str) -> Invitation:
    """Invite a colleague by email; a new invitation to the same address replaces the old."""
    require(permissions.can_manage_team(actor))
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    require(permissions.can_grant_role(actor, role))
    email = normalize_email(email)
    if Membership.objects.filter(
        organisation=actor.organisation, user__email__iexact=email
    ).exists():
        raise ValidationError(
            {"email": _("This person is already a member of your organisation.")}, code="duplicate"
        )
    now = timezone.now()
    Invitation.objects.pending().filter(organisation=actor.organisation, email=email).update(
        revoked_at=now
    )
    token = new_secret()
    invitation = Invitation(
        organisation=actor.organisation,
        email=email,
        role=role,
        token_hash=digest(token),
        invited_by=actor.user,
        expires_at=now + settings.INVITATION_TTL,
    )
    invitation.full_clean(exclude=["token_hash"])
    invitation.save()
    audit.record(
        actor=actor,
        action="invited",
        obj=invitation,
        changes={"email": [None, email], "role": [None, role]},
    )
    email_queue(
        to=email,
        template="member_invitation",
        context={
            "organisation": actor.organisation.name if actor.organisation else "",
            "inviter": actor.label,
            "role": invitation.get_role_display(),
            "link": settings.SITE_URL + reverse("accounts:invitation", args=[token]),
            "expires_at": invitation.expires_at,
        },
        language=get_language() or settings.LANGUAGE_CODE,
        kind="member_invitation",
        organisation_id=actor.organisation_id,
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: Actor, invitation: Invitation) -> Invitation:
    require(permissions.can_manage_team(actor))
    if invitation.is_pending:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
        audit.record(actor=actor, action="revoked", obj=invitation)
    return invitation


def invitation_from_token(token: str) -> Invitation:
    """The pending invitation a link names; an unknown, expired, revoked or used link is refused
    with the same message, so a link never tells more than that it no longer works."""
    invitation = (
        Invitation.objects.pending()
        .select_related("organisation", "invited_by")
        .filter(token_hash=digest(token))
        .first()
    )
    if invitation is None:
        raise ValidationError(
            _("This invitation link has expired or has already been used. Ask for a new one."),
            code="invalid_invitation",
        )
    return invitation


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    user: User | None = None,
    full_name: str = "",
    password: str = "",
    language: str = "en",
    time_zone: str = "UTC",
    ip: str | None = None,
) -> Membership:
    """Accept as the signed-in ``user`` (whose email must match) or as a new account."""
    invitation = invitation_from_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if user is None:
        email = _check_new_email(invitation.email)
        user = _new_user(
            email=email,
            full_name=full_name,
            password=password,
            language=language,
            time_zone=time_zone,
        )
    elif normalize_email(user.email) != invitation.email:
        raise ValidationError(
            _("This invitation was sent to %(email)s. Sign in with that address to accept it.")
            % {"email": invitation.email},
            code="wrong_account",
        )
    membership, created = Membership.objects.get_or_create(
        organisation=invitation.organisation, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at", "updated_at"])
    actor = Actor.member(user, invitation.organisation, membership.role, ip=ip)
    audit.record(actor=actor, action="accepted", obj=invitation)
    if created:
        audit.record(
            actor=actor, action="created", obj=membership, changes={"role": [None, membership.role]}
        )
    return membership


def _other_owners(membership: Membership) -> bool:
    return (
        Membership.objects.filter(organisation_id=membership.organisation_id, role=Role.OWNER)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def membership_set_role(*, actor: Actor, membership: Membership, role: str) -> Membership:
    require(permissions.can_change_membership(actor, membership))
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    require(permissions.can_grant_role(actor, role))
    if membership.role == Role.OWNER and role != Role.OWNER and not _other_owners(membership):
        raise ValidationError(_("An organisation needs at least one owner."), code="last_owner")
    if membership.role != role:
        before = membership.role
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
        audit.record(
            actor=actor, action="updated", obj=membership, changes={"role": [before, role]}
        )
    return membership


@transaction.atomic
def membership_remove(*, actor: Actor, membership: Membership) -> None:
    require(permissions.can_change_membership(actor, membership))
    if membership.role == Role.OWNER and not _other_owners(membership):
        raise ValidationError(_("An organisation needs at least one owner."), code="last_owner")
    audit.record(
        actor=actor, action="deleted", obj=membership, changes={"role": [membership.role, None]}
    )
    membership.delete()


@transaction.atomic
def user_update_preferences(
    *, actor: Actor, user: User, full_name: str, language: str, time_zone: str
) -> User:
    """A person changes their own name, language and time zone."""
    if actor.user is None or actor.user.pk != user.pk:
        raise PermissionDenied
    fields = ["full_name", "language", "time_zone"]
    before = audit.snapshot(user, fields)
    user.full_name, user.language, user.time_zone = full_name.strip(), language, time_zone
    user.full_clean(exclude=["password", "email"])
    user.save(update_fields=fields)
    if changes := audit.diff(before, audit.snapshot(user, fields)):
        audit.record(actor=actor, action="updated", obj=user, changes=changes)
    return user


@transaction.atomic
def user_set_language(*, actor: Actor, user: User, language: str) -> User:
    return user_update_preferences(
        actor=actor,
        user=user,
        full_name=user.full_name,
        language=language,
        time_zone=user.time_zone,
    )


def _scope(scope: str) -> str:
    if scope not in TokenScope.values:
        raise ValidationError({"scope": _("Choose read only or read and write.")})
    return scope


@transaction.atomic
def api_token_create(
    *, actor: Actor, name: str, scope: str = TokenScope.READ_WRITE
) -> tuple[ApiToken, str]:
    """A personal token acting as the actor in the current organisation; the secret is
    returned once and never stored. A read-only token is refused every write (403)."""
    require(actor.is_member)
    secret = API_TOKEN_PREFIX + new_secret()
    token = ApiToken(
        user=actor.user,
        organisation=actor.organisation,
        name=name.strip(),
        scope=_scope(scope),
        prefix=secret[: len(API_TOKEN_PREFIX) + 8],
        token_hash=digest(secret),
    )
    token.full_clean(exclude=["token_hash"])
    token.save()
    audit.record(
        actor=actor,
        action="created",
        obj=token,
        changes={"name": [None, token.name], "scope": [None, token.scope]},
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    require(actor.user is not None and token.user_id == actor.user.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit.record(actor=actor, action="revoked", obj=token)
    return token


def _touch(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def member_api_token_authenticate(
    secret: str, ip: str | None = None
) -> tuple[Actor, ApiToken] | None:
    """The member a bearer token acts as and the token itself, or None for an unknown, revoked
    or malformed token (or a client contact's portal token: it never acts as a member)."""
    if not secret.startswith(API_TOKEN_PREFIX) or len(secret) > 128:
        return None
    role = Membership.objects.filter(
        organisation_id=OuterRef("organisation_id"), user_id=OuterRef("user_id")
    ).values("role")
    token = (
        ApiToken.objects.select_related("user", "organisation")
        .annotate(role=Subquery(role))  # one query: still a member of the organisation?
        .filter(
            token_hash=digest(secret),
            revoked_at__isnull=True,
            user__is_active=True,
            contact__isnull=True,  # a client contact's token never acts as a member
            role__isnull=False,
        )
        .first()
    )
    if token is None:
        return None
    _touch(token)
    return Actor.member(token.user, token.organisation, token.role, ip=ip), token


def actor_for_api_token(secret: str, ip: str | None = None) -> Actor | None:
    found = member_api_token_authenticate(secret, ip=ip)
    return found[0] if found else None


@transaction.atomic
def contact_api_token_create(
    *, actor: Actor, name: str, scope: str = TokenScope.READ_WRITE
) -> tuple[ApiToken, str]:
    """A client contact's personal token for the portal API, acting as that contact (their
    first, if they are a contact of several clients); the secret is returned once."""
    from rapport.clients.models import Contact

    require(actor.is_contact and actor.user is not None)
    contact = (
        Contact.objects.filter(pk__in=actor.contact_ids, user=actor.user, portal_access=True)
        .order_by("pk")
        .first()
    )
    require(contact is not None)
    assert contact is not None
    secret = API_TOKEN_PREFIX + new_secret()
    token = ApiToken(
        user=actor.user,
        organisation_id=contact.organisation_id,
        contact=contact,
        name=name.strip(),
        scope=_scope(scope),
        prefix=secret[: len(API_TOKEN_PREFIX) + 8],
        token_hash=digest(secret),
    )
    token.full_clean(exclude=["token_hash"])
    token.save()
    audit.record(
        actor=actor,
        action="created",
        obj=token,
        changes={"name": [None, token.name], "scope": [None, token.scope]},
        contact_id=contact.pk,
    )
    return token, secret


def contact_api_token_authenticate(
    secret: str, ip: str | None = None
) -> tuple[Actor, ApiToken] | None:
    """The client contact a portal API token acts as and the token, or None for an unknown,
    revoked or malformed token, a member's token, or a contact who no longer has portal
    access."""
    if not secret.startswith(API_TOKEN_PREFIX) or len(secret) > 128:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(
            token_hash=digest(secret),
            revoked_at__isnull=True,
            user__is_active=True,
            contact__isnull=False,
            contact__portal_access=True,
            contact__user_id=F("user_id"),
        )
        .first()
    )
    if token is None or token.contact_id is None:
        return None
    _touch(token)
    return Actor.contact(token.user, frozenset({token.contact_id}), ip=ip), token


def contact_actor_for_api_token(secret: str, ip: str | None = None) -> Actor | None:
    found = contact_api_token_authenticate(secret, ip=ip)
    return found[0] if found else None


def password_reset_request(*, email: str, language: str, ip: str | None = None) -> None:
    """Someone asks for a reset link for ``email``. Nothing here depends on whether the address
    has an account: the request is counted and a job queued; the job looks the address up.
    Past ``PASSWORD_RESET_PER_EMAIL`` requests an hour, nothing more is sent."""
    from rapport.core import ratelimit
    from rapport.tenancy import limits
    from rapport.tenancy.tasks import send_password_reset

    email = normalize_email(email)
    if ratelimit.hit(limits.PASSWORD_RESET_PER_EMAIL, email):
        return
    transaction.on_commit(lambda: send_password_reset.enqueue(email=email))


def password_reset_send(*, user: User, uid: str, token: str) -> None:
    """Email a one-use link to choose a new password, in the person's language. The email
    belongs to no organisation, so no admin can read someone else's reset link in the outbox."""
    email_queue(
        to=user.email,
        template="password_reset",
        context={
            "name": user.full_name,
            "link": settings.SITE_URL
            + reverse("accounts:password_reset_confirm", args=[uid, token]),
        },
        language=user.language,
        kind="password_reset",
    )


@transaction.atomic
def user_set_password(*, user: User, password: str, ip: str | None = None) -> User:
    """A new password (from a reset link or the change form), validated and audited."""
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    actor = Actor(kind="anonymous", user=user, ip=ip)
    audit.record(actor=actor, action="password_changed", obj=user, organisation_id=None)
    return user


ORGANISATION_FIELDS = (
    "name",
    "default_currency",
    "time_zone",
    "change_approval_threshold",
    "report_acknowledgement_days",
)


def _thresholds_snapshot(organisation: Organisation) -> dict[str, str]:
    """The health thresholds in force, one audit entry each."""
    return {
        f"health_thresholds.{name}": str(value)
        for name, value in health.thresholds(organisation.health_thresholds).items()
    }


@transaction.atomic
def organisation_update(
    *, actor: Actor, health_thresholds: Mapping[str, object] | None = None, **values: object
) -> Organisation:
    """Owners and admins set the organisation's name, defaults, approval threshold and status
    report settings. ``health_thresholds``: all six (a missing or empty one is the default);
    only those that differ from the default are stored."""
    require(permissions.can_manage_team(actor))
    assert actor.organisation is not None
    organisation = Organisation.objects.select_for_update().get(pk=actor.organisation.pk)
    before = audit.snapshot(organisation, ORGANISATION_FIELDS) | _thresholds_snapshot(organisation)
    assign(organisation, ORGANISATION_FIELDS, dict(values))
    organisation.default_currency = organisation.default_currency.upper()
    errors: dict[str, list[ValidationError]] = {}
    if (threshold := organisation.change_approval_threshold) is not None and threshold < 0:
        errors["change_approval_threshold"] = [ValidationError(_("Enter zero or more."))]
    if health_thresholds is not None:
        try:
            organisation.health_thresholds = health.check_thresholds(health_thresholds)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    try:
        organisation.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    organisation.save()
    after = audit.snapshot(organisation, ORGANISATION_FIELDS) | _thresholds_snapshot(organisation)
    if changes := audit.diff(before, after):
        audit.record(actor=actor, action="updated", obj=organisation, changes=changes)
    return organisation


@transaction.atomic
def organisation_reset_report_settings(*, actor: Actor) -> Organisation:
    """The status report health thresholds and acknowledgement window back to the defaults;
    the thresholds then follow any later change of the defaults."""
    default_days = Organisation._meta.get_field("report_acknowledgement_days").get_default()
    return organisation_update(
        actor=actor, health_thresholds={}, report_acknowledgement_days=default_days
    )
