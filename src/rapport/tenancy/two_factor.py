"""Optional TOTP two-factor sign-in for organisation members, which an owner can require.

The password step does not sign a person in when they have an authenticator: it keeps their id
in the session (``start_code_step``) and the code step signs them in. A person whose
organisation requires two-factor sign-in and who has none is sent to set it up before anything
else (``after_sign_in`` marks the session; ``TwoFactorSetupMiddleware`` holds them there)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

import pyotp
import segno
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.core import field_crypto
from rapport.core.services import require
from rapport.core.tokens import digest
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import Membership, RecoveryCode, Role, TwoFactor, User

ISSUER = "Rapport"
RECOVERY_CODES = 10
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
BACKEND = "django.contrib.auth.backends.ModelBackend"
SESSION_PENDING = "two_factor_pending"  # {"user": id, "at": unix time, "next": url}
SESSION_SETUP_SECRET = "two_factor_setup_secret"
SESSION_SETUP_REQUIRED = "two_factor_setup_required"
PENDING_SECONDS = 5 * 60


# --- reads ---------------------------------------------------------------------------------


def is_enabled(user: User) -> bool:
    return TwoFactor.objects.filter(user=user).exists()


def is_required_for(user: User) -> bool:
    """A member of any organisation that requires it; client contacts never are."""
    return Membership.objects.filter(user=user, organisation__require_two_factor=True).exists()


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(*, user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The QR code as an SVG ``data:`` URL: an ``<img>`` the strict CSP allows (img-src data:)."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _matching_step(secret: str, code: str) -> int | None:
    """The time step (30 s) within one step of now whose code this is, if any."""
    code = _normalise(code)
    if not secret or not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = int(time.time())
    for offset in (0, -1, 1):
        at = now + offset * totp.interval
        if secrets.compare_digest(totp.at(at), code):
            return at // totp.interval
    return None


def _self_actor(user: User, ip: str | None) -> Actor:
    return Actor(kind="anonymous", user=user, ip=ip)


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [
        "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(5)) for _ in range(2))
        for _ in range(RECOVERY_CODES)
    ]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=digest(_normalise(code))) for code in codes
    )
    return codes


# --- writes --------------------------------------------------------------------------------


@transaction.atomic
def two_factor_enable(*, user: User, secret: str, code: str, ip: str | None = None) -> list[str]:
    """Turn on two-factor sign-in once a code from the authenticator proves it holds
    ``secret``. Returns the recovery codes, which are shown once and kept only hashed."""
    if TwoFactor.objects.filter(user=user).exists():
        raise ValidationError(_("Two-factor sign-in is already on."), code="enabled")
    step = _matching_step(secret, code)
    if step is None:
        raise ValidationError(
            {"code": _("This code is not correct. Enter the current code from your app.")},
            code="wrong_code",
        )
    two_factor = TwoFactor.objects.create(
        user=user, secret=field_crypto.encrypt(secret), last_step=step
    )
    codes = _new_recovery_codes(user)
    audit.record(
        actor=_self_actor(user, ip),
        action="two_factor_enabled",
        obj=two_factor,
        organisation_id=None,
    )
    return codes


def _stored_secret(two_factor: TwoFactor) -> str:
    """The authenticator's seed; one encrypted with a key no longer known matches no code."""
    try:
        return field_crypto.decrypt(two_factor.secret)
    except ValueError:
        return ""


def _check_code(user: User, code: str, ip: str | None) -> None:
    """Accept a current authenticator code (once) or an unused recovery code (used up)."""
    two_factor = TwoFactor.objects.select_for_update().filter(user=user).first()
    if two_factor is None:
        raise ValidationError(_("Two-factor sign-in is not on."), code="not_enabled")
    step = _matching_step(_stored_secret(two_factor), code)
    if step is not None and step > two_factor.last_step:
        two_factor.last_step = step
        two_factor.save(update_fields=["last_step", "updated_at"])
        return
    recovery = (
        RecoveryCode.objects.select_for_update()
        .filter(user=user, code_hash=digest(_normalise(code)), used_at__isnull=True)
        .first()
    )
    if recovery is None:
        raise ValidationError(
            {"code": _("This code is not correct, or it was used already.")}, code="wrong_code"
        )
    recovery.used_at = timezone.now()
    recovery.save(update_fields=["used_at"])
    audit.record(
        actor=_self_actor(user, ip),
        action="recovery_code_used",
        obj=two_factor,
        changes={"left": [None, recovery_codes_left(user)]},
        organisation_id=None,
    )


@transaction.atomic
def two_factor_verify(*, user: User, code: str, ip: str | None = None) -> None:
    """The sign-in's second step: raises ``ValidationError`` unless the code is right."""
    _check_code(user, code, ip)


@transaction.atomic
def two_factor_disable(*, user: User, code: str, ip: str | None = None) -> None:
    """Turn two-factor sign-in off, proven with a current code or a recovery code. Refused
    while an organisation of the person requires it."""
    if is_required_for(user):
        raise ValidationError(
            _("Your organisation requires two-factor sign-in; it cannot be turned off."),
            code="required",
        )
    _check_code(user, code, ip)
    two_factor = TwoFactor.objects.get(user=user)
    audit.record(
        actor=_self_actor(user, ip),
        action="two_factor_disabled",
        obj=two_factor,
        organisation_id=None,
    )
    two_factor.delete()
    RecoveryCode.objects.filter(user=user).delete()


@transaction.atomic
def organisation_require_two_factor(*, actor: Actor, required: bool) -> None:
    """An owner requires (or stops requiring) two-factor sign-in of every member. The owner
    turns it on for themselves first, so requiring it never locks the one who asked out."""
    require(actor.is_member and actor.role == Role.OWNER)
    organisation = actor.organisation
    assert organisation is not None and actor.user is not None
    if required and not is_enabled(actor.user):
        raise ValidationError(
            _("Turn on two-factor sign-in for your own account first."), code="owner_first"
        )
    if organisation.require_two_factor == required:
        return
    organisation.require_two_factor = required
    organisation.save(update_fields=["require_two_factor", "updated_at"])
    audit.record(
        actor=actor,
        action="two_factor_required" if required else "two_factor_not_required",
        obj=organisation,
        changes={"require_two_factor": [not required, required]},
    )


# --- the session ---------------------------------------------------------------------------


def start_code_step(request: HttpRequest, user: User, *, next_url: str) -> None:
    """The password was right; the person is not signed in until the code is."""
    request.session.cycle_key()
    request.session[SESSION_PENDING] = {"user": user.pk, "at": int(time.time()), "next": next_url}


def pending_user(request: HttpRequest) -> tuple[User, str] | None:
    pending = request.session.get(SESSION_PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    return (user, str(pending.get("next") or "")) if user is not None else None


def finish_code_step(request: HttpRequest, user: User) -> None:
    request.session.pop(SESSION_PENDING, None)
    login(request, user, backend=BACKEND)
    after_sign_in(request, user)


def after_sign_in(request: HttpRequest, user: User) -> None:
    """Mark the session of a member who must set two-factor sign-in up before anything else."""
    if is_required_for(user) and not is_enabled(user):
        request.session[SESSION_SETUP_REQUIRED] = True


class TwoFactorSetupMiddleware:
    """Holds a member whose organisation requires two-factor sign-in on the setup page until it
    is on. Reads only the session: no query on any other request."""

    ALLOWED = ("accounts:two_factor", "accounts:logout", "set_language")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.session.get(SESSION_SETUP_REQUIRED) and request.user.is_authenticated:
            allowed = {reverse(name) for name in self.ALLOWED}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("accounts:two_factor")
        return self.get_response(request)
