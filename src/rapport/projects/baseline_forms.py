"""Forms for the baseline's items, its versions and the actuals. Choices come from the
project's own scope; which fields may change is the services' rule, the forms only mirror it
(agreed fields are read-only while the baseline is locked)."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rapport.core.forms import DateInput, ModelMultipleChoiceField
from rapport.projects import smart
from rapport.projects.baseline_services import KINDS
from rapport.projects.models import (
    BudgetLine,
    CostEntry,
    Deliverable,
    Milestone,
    Objective,
    Project,
    QualityStandard,
    TimeEntry,
)
from rapport.tenancy.actors import Actor
from rapport.tenancy.selectors import users_in_organisation


class BaselineItemForm(forms.ModelForm):
    """One kind of baseline item. ``read_only`` names the agreed fields the actor may not
    change now (baseline locked, or not the PM): they are shown, not editable."""

    kind = ""

    def __init__(
        self,
        *args: Any,
        actor: Actor,
        project: Project,
        agreed_read_only: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.actor, self.project = actor, project
        if agreed_read_only:
            for name in KINDS[self.kind].agreed:
                if name in self.fields:
                    self.fields[name].disabled = True

    @property
    def editable(self) -> bool:
        return any(not field.disabled for field in self.fields.values())

    def values(self) -> dict[str, Any]:
        """The cleaned values in the services' terms (related rows of a set by their ids),
        plus anything posted for a read-only field: the service refuses it with its reason."""
        values = {name: self.cleaned_data[name] for name in self.fields}
        values.update(self._posted_read_only_changes())
        if "deliverables" in values:
            values["deliverables"] = [d.pk for d in values["deliverables"]]
        return values

    def _posted_read_only_changes(self) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        for name, field in self.fields.items():
            if not field.disabled or self.add_prefix(name) not in self.data:
                continue
            live = copy.deepcopy(field)
            live.disabled = False
            raw = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            if live.has_changed(self.get_initial_for_field(field, name), raw):
                try:
                    changes[name] = live.clean(raw)
                except ValidationError:
                    continue
        return changes


class ObjectiveForm(BaselineItemForm):
    kind = "objective"

    class Meta:
        model = Objective
        fields = [*KINDS["objective"].agreed, *KINDS["objective"].tracking]
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 3}),
            "relevance": forms.Textarea(attrs={"rows": 2}),
            "achievability": forms.Textarea(attrs={"rows": 2}),
            "due_date": DateInput(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = users_in_organisation(self.actor).distinct()

    def smart_checks(self) -> list[smart.Check]:
        """The letters for what the form holds: its valid values, else the stored ones."""
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        else:
            data = {name: self.get_initial_for_field(f, name) for name, f in self.fields.items()}
        return smart.smart_checks(
            statement=data.get("statement") or "",
            metric=data.get("metric") or "",
            target_value=data.get("target_value"),
            achievability=data.get("achievability") or "",
            has_owner=bool(data.get("owner")),
            relevance=data.get("relevance") or "",
            due_date=data.get("due_date"),
            project_start=self.project.start_date,
            project_end=self.project.end_date,
        )


class MilestoneForm(BaselineItemForm):
    kind = "milestone"

    class Meta:
        model = Milestone
        fields = [*KINDS["milestone"].agreed, *KINDS["milestone"].tracking]
        widgets = {
            "baseline_date": DateInput(),
            "forecast_date": DateInput(),
            "done_date": DateInput(),
        }


class DeliverableForm(BaselineItemForm):
    kind = "deliverable"

    class Meta:
        model = Deliverable
        fields = list(KINDS["deliverable"].agreed)
        widgets = {"acceptance_criteria": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        milestone = self.fields["milestone"]
        assert isinstance(milestone, forms.ModelChoiceField)
        milestone.queryset = self.project.milestones.order_by("baseline_date", "id")


class BudgetLineForm(BaselineItemForm):
    kind = "budget_line"

    class Meta:
        model = BudgetLine
        fields = list(KINDS["budget_line"].agreed)


class QualityStandardForm(BaselineItemForm):
    kind = "quality_standard"

    class Meta:
        model = QualityStandard
        fields = list(KINDS["quality_standard"].agreed)
        widgets = {
            "criteria": forms.Textarea(attrs={"rows": 4}),
            "deliverables": forms.CheckboxSelectMultiple(),
        }
        field_classes = {"deliverables": ModelMultipleChoiceField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        deliverables = self.fields["deliverables"]
        assert isinstance(deliverables, forms.ModelMultipleChoiceField)
        deliverables.queryset = self.project.deliverables.order_by("milestone__baseline_date", "id")


ITEM_FORMS: dict[str, type[BaselineItemForm]] = {
    form.kind: form
    for form in (ObjectiveForm, MilestoneForm, DeliverableForm, BudgetLineForm, QualityStandardForm)
}


class ReasonForm(forms.Form):
    """Why the baseline is submitted again or re-baselined (the service says when it is
    required)."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecisionForm(forms.Form):
    """The client's comment on a version or a deliverable (the service says when required)."""

    comment = forms.CharField(
        label=_("Comment"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CostEntryForm(forms.ModelForm):
    prefix = "cost"

    class Meta:
        model = CostEntry
        fields = ["category", "date", "amount", "description"]
        widgets = {"date": DateInput()}


class TimeEntryForm(forms.ModelForm):
    prefix = "time"

    class Meta:
        model = TimeEntry
        fields = ["person", "date", "hours", "rate", "description"]
        widgets = {"date": DateInput()}

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        assert isinstance(person, forms.ModelChoiceField)
        person.queryset = users_in_organisation(actor).distinct()

    def values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values["person_id"] = values.pop("person").pk
        return values


ACTUAL_FORMS: dict[str, type[forms.ModelForm]] = {
    "cost_entry": CostEntryForm,
    "time_entry": TimeEntryForm,
}
