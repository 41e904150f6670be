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
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from rapport.core.forms import add_service_errors
from rapport.reports import health
from rapport.tenancy.models import Language, Organisation, Role, TokenScope, User


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
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        help_text=_("A read-only token can read everything you can, and change nothing."),
    )


class PasswordResetRequestForm(PasswordResetForm):
    """Django's reset form for its email field only: the view queues the job that sends
    (``services.password_reset_request``), never ``save()``."""


class AuditedSetPasswordForm(SetPasswordForm):
    def save(self, commit: bool = True) -> Any:
        from rapport.tenancy.services import user_set_password

        return user_set_password(user=self.user, password=self.cleaned_data["new_password1"])


class AuditedPasswordChangeForm(PasswordChangeForm):
    def save(self, commit: bool = True) -> Any:
        from rapport.tenancy.services import user_set_password

        return user_set_password(user=self.user, password=self.cleaned_data["new_password1"])


class OrganisationSettingsForm(forms.ModelForm):
    """The organisation's settings; the status report section holds the six health thresholds
    and the acknowledgement window, each empty for its default. The thresholds are checked by
    ``reports.health.check_thresholds``, the one rule the service applies too."""

    time_zone = TimeZoneField()

    class Meta:
        model = Organisation
        fields = [
            "name",
            "default_currency",
            "time_zone",
            "change_approval_threshold",
            "report_acknowledgement_days",
        ]

    REPORT_FIELDS = ("report_acknowledgement_days", *health.DEFAULT_THRESHOLDS)
    DEFAULT_DAYS = Organisation._meta.get_field("report_acknowledgement_days").get_default()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        in_force = health.thresholds(self.instance.health_thresholds)
        for name, default in health.DEFAULT_THRESHOLDS.items():
            low, high = health.THRESHOLD_BOUNDS[name]
            self.fields[name] = forms.DecimalField(
                label=health.THRESHOLD_LABELS[name],
                required=False,
                initial=in_force[name],
                help_text="{} {}".format(
                    health.THRESHOLD_RULES[name],
                    gettext("Default: %(value)s (leave empty to use it).") % {"value": default},
                ),
                widget=forms.NumberInput(attrs={"min": low, "max": high, "step": "any"}),
            )
        days = self.fields["report_acknowledgement_days"]
        days.required, days.validators = False, []  # the model says 1 to 90, in its words
        days.widget.attrs.update(min=1, max=90)
        days.help_text = "{} {}".format(
            days.help_text,
            gettext("Default: %(value)s (leave empty to use it).") % {"value": self.DEFAULT_DAYS},
        )

    def clean_report_acknowledgement_days(self) -> int:
        value = self.cleaned_data.get("report_acknowledgement_days")
        return self.DEFAULT_DAYS if value is None else value

    def clean(self) -> dict[str, Any]:
        """All the thresholds' errors at once, beside the other fields' errors."""
        cleaned = super().clean() or {}
        values = {name: cleaned.get(name) for name in health.DEFAULT_THRESHOLDS}
        if not self.errors.keys() & set(values):
            try:
                health.check_thresholds(values)
            except ValidationError as error:
                add_service_errors(self, error)
        return cleaned

    def general_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.REPORT_FIELDS]

    def report_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.REPORT_FIELDS]

    def settings(self) -> dict[str, Any]:
        """The cleaned values as the organisation service takes them."""
        data = dict(self.cleaned_data)
        data["health_thresholds"] = {
            name: data.pop(name) for name in health.DEFAULT_THRESHOLDS if name in data
        }
        return data


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=pgettext_lazy("two-factor", "Code"),
        max_length=20,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


class RequireTwoFactorForm(forms.Form):
    required = forms.BooleanField(label=_("Require two-factor sign-in"), required=False)
