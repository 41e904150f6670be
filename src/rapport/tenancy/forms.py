from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.utils.translation import gettext_lazy as _

from rapport.tenancy.models import Language, Organisation, Role, User


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [
        (name, name.replace("_", " "))
        for name in sorted(zoneinfo.available_timezones())
        if "/" in name or name == "UTC"
    ]


class TimeZoneField(forms.ChoiceField):
    def __init__(self, *, from_browser: bool = False) -> None:
        """``from_browser``: a new person's own time zone, preset from the browser's."""
        attrs = {"data-browser-time-zone": ""} if from_browser else {}
        super().__init__(
            choices=time_zone_choices,
            label=_("Time zone"),
            initial="UTC",
            widget=forms.Select(attrs=attrs),
        )


class PasswordPairMixin(forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_password2(self) -> str:
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            raise forms.ValidationError(_("The two passwords differ."), code="password_mismatch")
        return second or ""


class SignupForm(PasswordPairMixin):
    organisation_name = forms.CharField(label=_("Organisation"), max_length=150)
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Email"), max_length=254)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    time_zone = TimeZoneField(from_browser=True)

    field_order = [
        "organisation_name",
        "full_name",
        "email",
        "password1",
        "password2",
        "language",
        "time_zone",
    ]


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _("The email address or password is not correct."),
        "inactive": _("This account is inactive."),
    }


class InvitationSignupForm(PasswordPairMixin):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    time_zone = TimeZoneField(from_browser=True)

    field_order = ["full_name", "password1", "password2", "language", "time_zone"]


class PreferencesForm(forms.ModelForm):
    time_zone = TimeZoneField()

    class Meta:
        model = User
        fields = ["full_name", "language", "time_zone"]


class InviteMemberForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “spreadsheet sync”."),
    )


class PasswordResetRequestForm(PasswordResetForm):
    """Django's reset form, sending through Rapport's outbox and worker."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        from rapport.tenancy.services import password_reset_send

        password_reset_send(user=context["user"], uid=context["uid"], token=context["token"])


class AuditedSetPasswordForm(SetPasswordForm):
    def save(self, commit: bool = True) -> Any:
        from rapport.tenancy.services import user_set_password

        return user_set_password(user=self.user, password=self.cleaned_data["new_password1"])


class AuditedPasswordChangeForm(PasswordChangeForm):
    def save(self, commit: bool = True) -> Any:
        from rapport.tenancy.services import user_set_password

        return user_set_password(user=self.user, password=self.cleaned_data["new_password1"])


class OrganisationSettingsForm(forms.ModelForm):
    time_zone = TimeZoneField()

    class Meta:
        model = Organisation
        fields = ["name", "default_currency", "time_zone", "change_approval_threshold"]
