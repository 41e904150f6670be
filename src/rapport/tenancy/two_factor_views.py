"""Pages of two-factor sign-in: a member's own settings, the sign-in's code step and the
owner's switch that requires it of everyone."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from rapport.core import ratelimit
from rapport.core.forms import add_service_errors
from rapport.tenancy import limits, two_factor
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import ActorRequest, client_ip
from rapport.tenancy.forms import RequireTwoFactorForm, TwoFactorCodeForm


@never_cache
@member_required
def settings_page(request: ActorRequest) -> HttpResponse:
    """Turn it on: scan the QR code (or type the key), confirm with a code, keep the recovery
    codes shown once. When on: how many recovery codes are left, and turning it off."""
    user = request.actor.user
    assert user is not None
    enabled = two_factor.is_enabled(user)
    form = TwoFactorCodeForm(request.POST or None)
    context: dict[str, object] = {
        "form": form,
        "enabled": enabled,
        "required": two_factor.is_required_for(user),
        "setup_required": bool(request.session.get(two_factor.SESSION_SETUP_REQUIRED)),
    }
    if enabled:
        context["codes_left"] = two_factor.recovery_codes_left(user)
        return render(request, "accounts/two_factor.html", {**context, "form": TwoFactorCodeForm()})
    secret = request.session.get(two_factor.SESSION_SETUP_SECRET) or two_factor.new_secret()
    request.session[two_factor.SESSION_SETUP_SECRET] = secret
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.two_factor_enable(
                user=user, secret=secret, code=form.cleaned_data["code"], ip=client_ip(request)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session.pop(two_factor.SESSION_SETUP_SECRET, None)
            request.session.pop(two_factor.SESSION_SETUP_REQUIRED, None)
            messages.success(request, _("Two-factor sign-in is on."))
            return render(request, "accounts/two_factor_codes.html", {"codes": codes})
    uri = two_factor.provisioning_uri(user=user, secret=secret)
    return render(
        request,
        "accounts/two_factor.html",
        {**context, "secret": secret, "uri": uri, "qr": two_factor.qr_data_uri(uri)},
    )


@require_POST
@member_required
def disable(request: ActorRequest) -> HttpResponse:
    user = request.actor.user
    assert user is not None
    if not two_factor.is_enabled(user):
        return redirect("accounts:two_factor")
    form = TwoFactorCodeForm(request.POST)
    if form.is_valid():
        try:
            two_factor.two_factor_disable(
                user=user, code=form.cleaned_data["code"], ip=client_ip(request)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("accounts:two_factor")
    return render(
        request,
        "accounts/two_factor.html",
        {
            "form": form,
            "enabled": True,
            "required": two_factor.is_required_for(user),
            "codes_left": two_factor.recovery_codes_left(user),
        },
        status=400,
    )


@never_cache
def login_code(request: HttpRequest) -> HttpResponse:
    """The sign-in's second step. Wrong codes are counted per person and per address."""
    pending = two_factor.pending_user(request)
    if pending is None:
        return redirect("accounts:login")
    user, next_url = pending
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST":
        counted = [
            (limits.TWO_FACTOR_PER_USER, str(user.pk)),
            (limits.TWO_FACTOR_PER_IP, client_ip(request) or "-"),
        ]
        wait = max(ratelimit.blocked(limit, ident) for limit, ident in counted)
        if wait:
            return ratelimit.too_many(request, wait)
        if form.is_valid():
            try:
                two_factor.two_factor_verify(
                    user=user, code=form.cleaned_data["code"], ip=client_ip(request)
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                two_factor.finish_code_step(request, user)
                safe = url_has_allowed_host_and_scheme(
                    next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
                )
                return redirect(next_url if next_url and safe else "app:home")
        for limit, ident in counted:
            ratelimit.hit(limit, ident)
    return render(request, "accounts/login_code.html", {"form": form})


@require_POST
@member_required
def organisation_require(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if not actor.is_admin:
        raise Http404
    form = RequireTwoFactorForm(request.POST)
    if form.is_valid():
        required = form.cleaned_data["required"]
        try:
            two_factor.organisation_require_two_factor(actor=actor, required=required)
        except PermissionDenied:
            messages.error(request, _("Only an owner can change this."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Two-factor sign-in is required of every member.")
                if required
                else _("Two-factor sign-in is optional."),
            )
    return redirect("team:organisation")
