from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.changes.models import ChangeRequest
from rapport.core.forms import ModelMultipleChoiceField
from rapport.projects.models import BudgetCategory, Project

CHOICE_WIDGET = forms.CheckboxSelectMultiple


class ChangeRequestForm(forms.ModelForm):
    """Raising a change request; the affected items come from the project only."""

    submit_now = forms.BooleanField(
        label=_("Submit it now (otherwise it stays a draft)"), required=False, initial=True
    )

    class Meta:
        model = ChangeRequest
        fields = [
            "title",
            "description",
            "reason",
            "priority",
            "objectives",
            "milestones",
            "deliverables",
            "budget_lines",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "reason": forms.Textarea(attrs={"rows": 3}),
            "objectives": CHOICE_WIDGET,
            "milestones": CHOICE_WIDGET,
            "deliverables": CHOICE_WIDGET,
            "budget_lines": CHOICE_WIDGET,
        }
        field_classes = dict.fromkeys(
            ("objectives", "milestones", "deliverables", "budget_lines"), ModelMultipleChoiceField
        )

    def __init__(self, *args: Any, project: Project, financials: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        querysets = {
            "objectives": project.objectives.all(),
            "milestones": project.milestones.all(),
            "deliverables": project.deliverables.all(),
            "budget_lines": project.budget_lines.all(),
        }
        for name, queryset in querysets.items():
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = queryset
            field.required = False
        if not financials:
            del self.fields["budget_lines"]


class PortalChangeRequestForm(forms.ModelForm):
    class Meta:
        model = ChangeRequest
        fields = ["title", "description", "reason", "priority"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"reason": _("Why do you need it?")}


class EvaluationForm(forms.ModelForm):
    """The impact of a change; one cost field per budget category."""

    class Meta:
        model = ChangeRequest
        fields = [
            "scope_added",
            "scope_removed",
            "schedule_days",
            "milestones",
            "quality_impact",
            "risk_impact",
            "recommendation",
            "recommendation_note",
            "evaluation_notes",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "scope_added",
                "scope_removed",
                "quality_impact",
                "risk_impact",
                "recommendation_note",
                "evaluation_notes",
            )
        } | {"milestones": CHOICE_WIDGET}
        field_classes = {"milestones": ModelMultipleChoiceField}
        labels = {"milestones": _("Milestones that move (later ones move with them)")}

    def __init__(self, *args: Any, project: Project, financials: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["milestones"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = project.milestones.all()
        field.required = False
        self.fields["recommendation"].required = True
        self.cost_fields: list[str] = []
        if financials:
            existing = (
                {c.category: c.amount for c in self.instance.cost_impacts.all()}
                if self.instance.pk
                else {}
            )
            for value, label in BudgetCategory.choices:
                name = f"cost_{value}"
                self.fields[name] = forms.DecimalField(
                    label=_("Cost: %(category)s (%(currency)s)")
                    % {"category": label, "currency": project.currency},
                    max_digits=14,
                    decimal_places=2,
                    required=False,
                    initial=existing.get(value),
                    help_text=_("Negative for a saving.") if value == BudgetCategory.OTHER else "",
                )
                self.cost_fields.append(name)

    def costs(self) -> dict[str, Decimal] | None:
        if not self.cost_fields:
            return None
        return {
            name.removeprefix("cost_"): self.cleaned_data[name]
            for name in self.cost_fields
            if self.cleaned_data.get(name) not in (None, Decimal("0"))
        }


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[
            ("approve", _("Approve")),
            ("reject", _("Reject")),
            ("needs_information", _("Ask for more information")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you reject or ask for more information."),
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
