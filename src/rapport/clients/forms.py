from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.clients import health
from rapport.clients.health_services import MAX_WEIGHT
from rapport.clients.import_files import FIELDS
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


class ClientImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_("CSV (UTF-8 or GBK) or Excel .xlsx, up to 5 MB and 5,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class ClientImportMappingForm(forms.Form):
    """Which column of the file feeds each field; preset from the headers."""

    def __init__(self, *args: Any, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— not imported —"))] + [
            (str(index), header or _("Column %(number)s") % {"number": index + 1})
            for index, header in enumerate(headers)
        ]
        for name, label in FIELDS.items():
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=name == "client_name",
            )


class ClientImportRunForm(forms.Form):
    valid_rows_only = forms.BooleanField(
        label=_("Import only the valid rows and skip the rows with errors"), required=False
    )
