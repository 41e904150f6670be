"""Forms for the register, the plan and the log. Choices are limited to what belongs to the
project or client, so a foreign id is a form error, never a write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client, Contact
from rapport.communication.channels import MessageKind
from rapport.communication.models import Interaction, PlanItem, Stakeholder
from rapport.core.forms import ModelMultipleIdsField
from rapport.projects.models import Project
from rapport.tenancy.models import User


class StakeholderForm(forms.ModelForm):
    class Meta:
        model = Stakeholder
        fields = ["contact", "role", "influence", "interest", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"notes": _("Internal: never shown to the client.")}

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["contact"]
        else:
            taken = project.stakeholders.values("contact_id")
            self.fields["contact"].queryset = project.client.contacts.exclude(  # type: ignore[attr-defined]
                pk__in=taken
            ).order_by("full_name")


class PlanItemForm(forms.ModelForm):
    audience = ModelMultipleIdsField(
        label=_("Audience"),
        queryset=Contact.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())

    class Meta:
        model = PlanItem
        fields = [
            "title",
            "audience",
            "channel",
            "kind",
            "cadence_days",
            "owner",
            "starts_on",
            "fulfilled_by",
            "active",
        ]
        widgets = {"starts_on": forms.DateInput({"type": "date"})}
        help_texts = {
            "title": _("For example: weekly status call with the sponsor."),
            "kind": _("Rapport suggests the channels that suit it."),
        }

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["audience"].queryset = project.client.contacts.order_by("full_name")  # type: ignore[attr-defined]
        self.fields["owner"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            memberships__organisation_id=project.organisation_id, is_active=True
        ).order_by("full_name", "email")
        if not self.instance.pk:
            self.initial.setdefault("starts_on", timezone.localdate())
            self.initial.setdefault("owner", project.pm_id)
            self.initial.setdefault("active", True)

    def service_values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        owner = values.pop("owner")
        return {**values, "owner_id": owner.pk}


class InteractionForm(forms.ModelForm):
    """A touchpoint, on a project (``project`` given) or on a client at large, where the
    project is chosen among the client's projects the member sees."""

    contacts = ModelMultipleIdsField(
        label=_("Contacts"),
        queryset=Contact.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    project_choice = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.none(), required=False
    )

    class Meta:
        model = Interaction
        fields = [
            "occurred_at",
            "channel",
            "direction",
            "contacts",
            "kind",
            "summary",
            "follow_ups",
            "plan_item",
        ]
        widgets = {
            "occurred_at": forms.DateTimeInput({"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "follow_ups": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"kind": _("Rapport checks the channel against it.")}

    def __init__(
        self,
        *args: Any,
        client: Client,
        project: Project | None = None,
        projects: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occurred_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]  # type: ignore[attr-defined]
        self.fields["contacts"].queryset = client.contacts.order_by("full_name")  # type: ignore[attr-defined]
        self.initial.setdefault(
            "occurred_at", timezone.localtime().replace(second=0, microsecond=0)
        )
        self.fields["kind"].choices = [("", _("Not classified")), *MessageKind.choices]  # type: ignore[attr-defined]
        if project is not None:
            del self.fields["project_choice"]
            self.fields["plan_item"].queryset = project.communication_plan.order_by("title")  # type: ignore[attr-defined]
        else:
            del self.fields["plan_item"]
            self.fields["project_choice"].queryset = projects.order_by("name")  # type: ignore[attr-defined]

    def service_values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values.pop("project_choice", None)
        return values
