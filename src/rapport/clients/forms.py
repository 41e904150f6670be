from typing import Any

from django import forms

from rapport.clients import health
from rapport.clients.health_services import MAX_WEIGHT
from rapport.clients.models import Client, Contact
from rapport.tenancy.forms import TimeZoneField


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = ["name", "website", "language", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}


class ContactForm(forms.ModelForm):
    time_zone = TimeZoneField()

    class Meta:
        model = Contact
        fields = [
            "full_name",
            "email",
            "phone",
            "job_title",
            "language",
            "time_zone",
            "preferred_channel",
            "working_hours",
            "is_approver",
        ]


class HealthWeightsForm(forms.Form):
    """One relative weight per part of the client health score."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key in health.PARTS:
            self.fields[key] = forms.IntegerField(
                label=health.PART_LABELS[key], min_value=0, max_value=MAX_WEIGHT
            )
