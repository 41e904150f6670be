from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.communication.channels import Channel


class ClosureForm(forms.Form):
    narrative = forms.CharField(
        label=_("Project summary"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("How the project went, in your words; the client reads it."),
    )
    lessons = forms.CharField(
        label=_("Lessons learned"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What went well, what to do differently next time."),
    )
    budget_closed = forms.BooleanField(
        label=_("The budget is closed: no more costs will be recorded"), required=False
    )


class CloseForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Reason for closing anyway"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Administrators only, when something still blocks the closure."),
    )


class AcceptForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CheckInForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    summary = forms.CharField(
        label=_("What you talked about"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CheckInSettingsForm(forms.Form):
    months = forms.CharField(
        label=_("Check-ins after closing (months)"),
        max_length=200,
        help_text=_("Months after a project closes, separated by commas, e.g. 1, 3, 6, 12."),
    )
