from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.notify.kinds import Delivery, Kind


class PreferencesForm(forms.Form):
    """One choice per kind the person receives; mandatory kinds are shown, locked on
    "immediately"."""

    def __init__(self, *args: Any, kinds: list[Kind], chosen: dict[str, str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for kind in kinds:
            self.fields[kind.code] = forms.ChoiceField(
                label=str(kind.label),
                choices=Delivery.choices,
                initial=Delivery.IMMEDIATE
                if kind.mandatory
                else chosen.get(kind.code, kind.default),
                disabled=kind.mandatory,
                required=False,  # a kind left out keeps its current choice
                help_text=_("You always receive this email.") if kind.mandatory else "",
            )

    def choices(self) -> dict[str, str]:
        """What the person chose; mandatory (locked) and left-out kinds aside."""
        return {
            code: value
            for code, value in self.cleaned_data.items()
            if value and not self.fields[code].disabled
        }
