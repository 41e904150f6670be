from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.clients.selectors import clients_visible_to
from rapport.core.forms import DateInput, Select
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import User
from rapport.tenancy.selectors import project_managers_in_organisation, users_in_organisation

SCHEDULE_FIELDS = ("report_cadence", "report_weekday")


class ProjectForm(forms.ModelForm):
    """Choices come from the actor's own scope, so a foreign id can never be chosen."""

    class Meta:
        model = Project
        fields = [
            "client",
            "name",
            "code",
            "pm",
            "start_date",
            "end_date",
            "status",
            "currency",
            "description",
            "report_cadence",
            "report_weekday",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        client_field = self.fields["client"]
        pm_field = self.fields["pm"]
        assert isinstance(client_field, forms.ModelChoiceField)
        assert isinstance(pm_field, forms.ModelChoiceField)
        client_field.queryset = clients_visible_to(actor).order_by("name")
        pm_field.queryset = project_managers_in_organisation(actor).distinct()
        # A post that leaves the report schedule out (an older client, a script) keeps it.
        for name in SCHEDULE_FIELDS:
            self.fields[name].required = False

    def _kept(self, name: str) -> Any:
        value = self.cleaned_data.get(name)
        return getattr(self.instance, name) if value in (None, "") else value

    def clean_report_cadence(self) -> Any:
        return self._kept("report_cadence")

    def clean_report_weekday(self) -> Any:
        return self._kept("report_weekday")


class ProjectMemberForm(forms.Form):
    user: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Team member"), queryset=User.objects.none(), widget=Select
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users_in_organisation(actor).distinct()  # type: ignore[attr-defined]
