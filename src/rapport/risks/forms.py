"""Forms for risks and issues. The owner is chosen from the project's team only, so a
foreign id is a form error, never a write; the services check everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.core.forms import DateInput
from rapport.projects.models import Project
from rapport.risks.models import Issue, Risk
from rapport.risks.selectors import owners_for
from rapport.tenancy.models import User

PROBABILITY_CHOICES = [
    (1, _("1 · Rare")),
    (2, _("2 · Unlikely")),
    (3, _("3 · Possible")),
    (4, _("4 · Likely")),
    (5, _("5 · Almost certain")),
]
IMPACT_CHOICES = [
    (1, _("1 · Minimal")),
    (2, _("2 · Minor")),
    (3, _("3 · Moderate")),
    (4, _("4 · Major")),
    (5, _("5 · Severe")),
]
TEXTAREA = forms.Textarea(attrs={"rows": 3})


class RiskForm(forms.ModelForm):
    probability = forms.TypedChoiceField(
        label=_("Probability"), choices=PROBABILITY_CHOICES, coerce=int
    )
    impact = forms.TypedChoiceField(label=_("Impact"), choices=IMPACT_CHOICES, coerce=int)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (value, label) for value, label in Risk.Status.choices if value != Risk.Status.OCCURRED
        ],
    )

    class Meta:
        model = Risk
        fields = [
            "title",
            "cause",
            "probability",
            "impact",
            "owner",
            "mitigation",
            "contingency",
            "trigger",
            "review_date",
            "status",
            "client_visible",
        ]
        widgets = {
            "cause": TEXTAREA,
            "mitigation": TEXTAREA,
            "contingency": TEXTAREA,
            "trigger": forms.Textarea(attrs={"rows": 2}),
            "review_date": DateInput(),
        }
        help_texts = {
            "mitigation": _("What you do now to make it less likely or less harmful."),
            "contingency": _("What you will do if it happens: the issue's proposed solution."),
            "trigger": _("The sign that it is happening."),
            "client_visible": _(
                "Internal unless ticked: the client sees client-visible risks in the portal."
            ),
        }

    def __init__(self, *args: Any, project: Project, can_share: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = owners_for(project=project)
        if not self.instance.pk:
            del self.fields["status"]
            owner.initial = project.pm_id
        if not can_share:
            del self.fields["client_visible"]

    def values(self) -> dict[str, Any]:
        """The cleaned values as the risk services take them."""
        data = dict(self.cleaned_data)
        data["owner_id"] = data.pop("owner").pk
        return data


class IssueForm(forms.ModelForm):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())

    class Meta:
        model = Issue
        fields = [
            "title",
            "description",
            "affects_schedule",
            "affects_budget",
            "affects_quality",
            "impact",
            "proposed_solution",
            "owner",
            "due_date",
            "status",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "impact": TEXTAREA,
            "proposed_solution": forms.Textarea(attrs={"rows": 4}),
            "due_date": DateInput(),
        }
        labels = {"impact": _("Impact in words")}
        help_texts = {
            "proposed_solution": _(
                "The way forward. Required before the issue can be shared with the client."
            ),
        }

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = owners_for(project=project)
        if not self.instance.pk:
            del self.fields["status"]
            owner.initial = project.pm_id
        else:
            status = self.fields["status"]
            assert isinstance(status, forms.ChoiceField)
            status.choices = [
                (value, label)
                for value, label in Issue.Status.choices
                if value != Issue.Status.RESOLVED or self.instance.status == Issue.Status.RESOLVED
            ]

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["owner_id"] = data.pop("owner").pk
        return data


class OccurredForm(forms.Form):
    description = forms.CharField(
        label=_("What happened"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Starts the issue's description (the trigger or cause if left empty)."),
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("How it was resolved"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
