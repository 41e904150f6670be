from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.webhooks import events


class SubscriptionForm(forms.Form):
    """The services check the URL and the events again (and say why a URL is refused)."""

    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        help_text=_("An https:// address of your system that receives the events."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=events.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )

    def values(self) -> dict[str, Any]:
        return {
            "url": self.cleaned_data["url"],
            "description": self.cleaned_data["description"],
            "events": self.cleaned_data["events"],
        }
