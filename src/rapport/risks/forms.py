"""Forms for risks and issues. The owner is chosen from the project's team only, so a
foreign id is a form error, never a write; the services check everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rapport.changes.models import ChangeRequest
from rapport.clients.models import Client, Contact
from rapport.core.forms import DateInput, ModelMultipleChoiceField
from rapport.projects.models import Project
from rapport.reports.models import StatusReport
from rapport.risks.models import Conflict, Issue, Risk
from rapport.risks.selectors import owners_for, party_members
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


# --- conflicts ------------------------------------------------------------------------------


class ConflictForm(forms.ModelForm):
    """A conflict of one client: parties are the organisation's members and the client's
    contacts only; the project is one of the client's."""

    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.none(), required=False
    )
    root_causes = forms.MultipleChoiceField(
        label=_("Root causes"),
        choices=Conflict.RootCause.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Where the conflict comes from; name every cause that applies."),
    )
    team_parties = ModelMultipleChoiceField(
        label=_("Team members involved"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    contact_parties = ModelMultipleChoiceField(
        label=_("Client contacts involved"),
        queryset=Contact.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Conflict
        fields = [
            "title",
            "project",
            "description",
            "impact",
            "root_causes",
            "strategy",
            "escalation_level",
            "team_parties",
            "contact_parties",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "impact": TEXTAREA}

    def __init__(
        self, *args: Any, client: Client, projects: QuerySet[Project], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        project = self.fields["project"]
        assert isinstance(project, forms.ModelChoiceField)
        project.queryset = projects.filter(client=client).order_by("name")
        team = self.fields["team_parties"]
        assert isinstance(team, forms.ModelMultipleChoiceField)
        team.queryset = party_members(organisation_id=client.organisation_id)
        contacts = self.fields["contact_parties"]
        assert isinstance(contacts, forms.ModelMultipleChoiceField)
        contacts.queryset = client.contacts.order_by("full_name")
        if self.instance.pk:
            self.initial["root_causes"] = self.instance.root_causes

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        project = data.pop("project")
        data["project_id"] = project.pk if project else None
        data["team_party_ids"] = [user.pk for user in data.pop("team_parties")]
        data["contact_party_ids"] = [contact.pk for contact in data.pop("contact_parties")]
        return data


class StepForm(forms.Form):
    occurred_on = forms.DateField(label=_("When"), widget=DateInput(), required=False)
    taken_by = forms.ModelChoiceField(label=_("Who"), queryset=User.objects.none(), required=False)
    description = forms.CharField(
        label=_("What happened"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        taken_by = self.fields["taken_by"]
        assert isinstance(taken_by, forms.ModelChoiceField)
        taken_by.queryset = party_members(organisation_id=organisation_id)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        taken_by = data.pop("taken_by")
        data["taken_by_id"] = taken_by.pk if taken_by else None
        return data


AGREED_CHOICES = [("", _("Not asked")), ("yes", _("Yes")), ("no", _("No"))]


class CloseForm(forms.Form):
    resolution = forms.CharField(
        label=_("Resolution"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    resolved_on = forms.DateField(label=_("Resolved on"), widget=DateInput(), required=False)
    client_agreed = forms.ChoiceField(
        label=_("Did the client agree?"), choices=AGREED_CHOICES, required=False
    )

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["client_agreed"] = {"yes": True, "no": False}.get(data["client_agreed"])
        return data


class EvidenceForm(forms.Form):
    """One record of the conflict's client (or the issue's project) to link as evidence."""

    change_request = forms.ModelChoiceField(
        label=_("Change request"), queryset=ChangeRequest.objects.none(), required=False
    )
    status_report = forms.ModelChoiceField(
        label=_("Status report"), queryset=StatusReport.objects.none(), required=False
    )
    linked_issue = forms.ModelChoiceField(
        label=_("Issue"), queryset=Issue.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(
        self,
        *args: Any,
        change_requests: QuerySet[ChangeRequest],
        status_reports: QuerySet[StatusReport],
        issues: QuerySet[Issue] | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (
            ("change_request", change_requests.select_related("project")),
            ("status_report", status_reports.select_related("project")),
            ("linked_issue", issues),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            if queryset is None:
                del self.fields[name]
            else:
                field.queryset = queryset

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = [
            name
            for name in ("change_request", "status_report", "linked_issue")
            if cleaned.get(name) is not None
        ]
        if len(chosen) != 1 and not self.errors:
            raise forms.ValidationError(_("Choose one record to link."))
        return cleaned

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        ids = {
            f"{name}_id": data[name].pk
            for name in ("change_request", "status_report")
            if data.get(name) is not None
        }
        if data.get("linked_issue") is not None:
            ids["issue_id"] = data["linked_issue"].pk
        return {**ids, "note": data.get("note", "")}
