from django import forms

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
