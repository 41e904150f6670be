from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import export, ratelimit
from rapport.core.forms import add_service_errors
from rapport.core.pagination import paginate
from rapport.onboarding.sample import create_sample
from rapport.tenancy import exports, limits, selectors, services, two_factor
from rapport.tenancy.access import SESSION_ORGANISATION, member_actor, member_required
from rapport.tenancy.actors import Actor, ActorRequest, client_ip
from rapport.tenancy.forms import (
    ApiTokenForm,
    AuditedPasswordChangeForm,
    AuditedSetPasswordForm,
    InvitationSignupForm,
    InviteMemberForm,
    LoginForm,
    OrganisationSettingsForm,
    PasswordResetRequestForm,
    PreferencesForm,
    RoleForm,
    SignupForm,
)
from rapport.tenancy.models import Language, Role, normalize_email

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _language() -> str:
    return get_language() if get_language() in Language.values else Language.ENGLISH


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Closed sign-up still offers the first-run page until the first owner exists.
        return {**super().get_context_data(**kwargs), "signup_allowed": services.signup_allowed()}

    def _sign_in_limits(self) -> list[tuple[ratelimit.Limit, str]]:
        email = normalize_email(str(self.request.POST.get("username", "")))[:254]
        counted = [(limits.SIGN_IN_PER_IP, client_ip(self.request) or "-")]
        return counted + ([(limits.SIGN_IN_PER_EMAIL, email)] if email else [])

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wait = max(ratelimit.blocked(limit, ident) for limit, ident in self._sign_in_limits())
        if wait:
            return ratelimit.too_many(request, wait)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        if form.data.get("username"):
            for limit, ident in self._sign_in_limits():
                ratelimit.hit(limit, ident)
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        """A person with two-factor sign-in is not signed in yet: the code comes first."""
        user = form.get_user()
        if two_factor.is_enabled(user):
            two_factor.start_code_step(self.request, user, next_url=self.get_success_url())
            return redirect("accounts:login_code")
        response = super().form_valid(form)
        two_factor.after_sign_in(self.request, user)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Asking for a reset link does the same work whether or not the address has an account:
    it counts the request and queues a job; the worker looks the address up and sends."""

    form_class = PasswordResetRequestForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wait = ratelimit.hit(limits.PASSWORD_RESET_PER_IP, client_ip(request) or "-")
        if wait:
            return ratelimit.too_many(request, wait)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        services.password_reset_request(
            email=form.cleaned_data["email"], language=_language(), ip=client_ip(self.request)
        )
        return redirect(self.get_success_url())


def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_sent.html")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = AuditedSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


def password_reset_complete(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_complete.html")


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = AuditedPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:preferences")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from rapport.portal.access import contact_actor

        actor = member_actor(self.request) or contact_actor(self.request)
        base = "portal/base.html" if actor and actor.is_contact else "app/base.html"
        self.request.actor = actor  # type: ignore[attr-defined]
        return {**super().get_context_data(**kwargs), "base_template": base}

    def form_valid(self, form: Any) -> HttpResponse:
        """Django keeps this session signed in (``update_session_auth_hash``); every other
        session of the person ends, as its stored password hash no longer matches."""
        messages.success(self.request, _("Your password was changed."))
        return super().form_valid(form)


def signup(request: HttpRequest) -> HttpResponse:
    """Open sign-up, or the first-run page of an installation that has no organisation yet."""
    if not services.signup_allowed():
        raise Http404
    form = SignupForm(request.POST or None, initial={"language": _language()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.organisation_signup(
                organisation_name=data["organisation_name"],
                full_name=data["full_name"],
                email=data["email"],
                password=data["password1"],
                language=data["language"],
                time_zone=data["time_zone"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            login(request, membership.user, backend=BACKEND)
            request.session[SESSION_ORGANISATION] = membership.organisation_id
            create_sample(
                Actor.member(
                    membership.user, membership.organisation, membership.role, client_ip(request)
                )
            )
            messages.success(request, _("Welcome to Rapport. Start with your first client."))
            return redirect("app:home")
    return render(request, "accounts/signup.html", {"form": form})


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """A colleague's invitation: a new person sets up an account; a signed-in person joins."""
    wait = ratelimit.hit(limits.INVITATION_LINK_PER_IP, client_ip(request) or "-")
    if wait:
        return ratelimit.too_many(request, wait)
    try:
        pending = services.invitation_from_token(token)
    except ValidationError as error:
        return render(request, "accounts/invitation_invalid.html", {"error": error}, status=410)
    user = request.user if request.user.is_authenticated else None
    existing_account = user is None and selectors.account_exists(pending.email)
    form = InvitationSignupForm(request.POST or None, initial={"language": _language()})
    if request.method == "POST" and (user is not None or form.is_valid()):
        try:
            if user is not None:
                membership = services.invitation_accept(
                    token=token, user=user, ip=client_ip(request)
                )
            else:
                data = form.cleaned_data
                membership = services.invitation_accept(
                    token=token,
                    full_name=data["full_name"],
                    password=data["password1"],
                    language=data["language"],
                    time_zone=data["time_zone"],
                    ip=client_ip(request),
                )
                login(request, membership.user, backend=BACKEND)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[SESSION_ORGANISATION] = membership.organisation_id
            two_factor.after_sign_in(request, membership.user)
            messages.success(
                request,
                _("You joined %(organisation)s.") % {"organisation": membership.organisation.name},
            )
            return redirect("app:home")
    return render(
        request,
        "accounts/invitation.html",
        {
            "invitation": pending,
            "form": form,
            "existing_account": existing_account,
        },
    )


@login_required
def no_access(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/no_access.html")


@login_required
def preferences(request: ActorRequest) -> HttpResponse:
    from rapport.portal.access import contact_actor

    actor = (
        member_actor(request)
        or contact_actor(request)
        or Actor(kind="anonymous", user=request.user, ip=client_ip(request))
    )
    request.actor = actor
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_preferences(actor=actor, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your preferences were saved."))
            return redirect("accounts:preferences")
    base = "portal/base.html" if actor.is_contact else "app/base.html"
    return render(request, "accounts/preferences.html", {"form": form, "base_template": base})


@member_required
def api_tokens(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.api_token_create(
                actor=actor,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = ApiTokenForm()
    page = paginate(request, selectors.api_tokens_of(actor))
    return render(
        request, "accounts/api_tokens.html", {"form": form, "page": page, "secret": secret}
    )


@require_POST
@member_required
def api_token_revoke(request: ActorRequest, token_id: int) -> HttpResponse:
    actor = request.actor
    token = selectors.api_token_get(actor=actor, token_id=token_id)
    services.api_token_revoke(actor=actor, token=token)
    messages.success(request, _("The token was revoked; it no longer works."))
    return redirect("accounts:api_tokens")


# --- team ---------------------------------------------------------------------------------


@member_required
def team(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    form = InviteMemberForm(request.POST or None)
    if request.method == "POST":
        if not actor.is_admin:
            raise Http404
        if form.is_valid():
            try:
                services.invitation_create(actor=actor, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
                )
                return redirect("team:list")
    page = paginate(request, selectors.members_visible_to(actor))
    invitations = selectors.pending_invitations(actor=actor)[:50]
    return render(
        request,
        "team/list.html",
        {
            "page": page,
            "form": form,
            "invitations": invitations,
            "roles": Role.choices,
        },
    )


@member_required
def team_export(request: ActorRequest, fmt: str) -> HttpResponse:
    return export.response(
        fmt,
        name="team",
        title=_("Team"),
        columns=exports.MEMBER_COLUMNS,
        rows=selectors.members_visible_to(request.actor),
    )


@require_POST
@member_required
def member_role(request: ActorRequest, membership_id: int) -> HttpResponse:
    actor = request.actor
    membership = selectors.member_get(actor=actor, membership_id=membership_id)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_set_role(
                actor=actor, membership=membership, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Role updated."))
    else:
        messages.error(request, _("Choose a valid role."))
    return redirect("team:list")


@require_POST
@member_required
def member_remove(request: ActorRequest, membership_id: int) -> HttpResponse:
    actor = request.actor
    membership = selectors.member_get(actor=actor, membership_id=membership_id)
    try:
        services.membership_remove(actor=actor, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(name)s was removed from the organisation.") % {"name": membership.user}
        )
    return redirect("team:list")


@require_POST
@member_required
def invitation_revoke(request: ActorRequest, invitation_id: int) -> HttpResponse:
    actor = request.actor
    pending = selectors.invitation_get(actor=actor, invitation_id=invitation_id)
    services.invitation_revoke(actor=actor, invitation=pending)
    messages.success(request, _("The invitation was withdrawn."))
    return redirect("team:list")


@require_POST
@member_required
def organisation_switch(request: ActorRequest, organisation_id: int) -> HttpResponse:
    memberships = selectors.memberships_of(request.user).filter(organisation_id=organisation_id)
    if not memberships.exists():
        raise Http404
    request.session[SESSION_ORGANISATION] = organisation_id
    return redirect("app:home")


@member_required
def organisation_settings(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if not actor.is_admin:
        raise Http404
    form = OrganisationSettingsForm(request.POST or None, instance=actor.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(actor=actor, **form.settings())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The organisation's settings were saved."))
            return redirect("team:organisation")
    return render(request, "team/organisation.html", {"form": form})


@require_POST
@member_required
def organisation_report_settings_reset(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if not actor.is_admin:
        raise Http404
    services.organisation_reset_report_settings(actor=actor)
    messages.success(
        request, _("The status report thresholds and acknowledgement window are the defaults.")
    )
    return redirect("team:organisation")
