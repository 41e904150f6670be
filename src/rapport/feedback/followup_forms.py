from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.feedback.followup_models import NOTE, ImprovementAction
from rapport.feedback.models import RATING
from rapport.projects.models import Project
from rapport.risks.selectors import owners_for


class HandleForm(forms.Form):
    handling = forms.CharField(
        label=_("How it was handled"), max_length=NOTE, widget=forms.Textarea(attrs={"rows": 2})
    )


class ImprovementForm(forms.Form):
    title = forms.CharField(label=_("Improvement"), max_length=200)
    you_said = forms.CharField(
        label=_("You said"), max_length=NOTE, required=False, widget=forms.Textarea
    )
    we_did = forms.CharField(
        label=_("We did"), max_length=NOTE, required=False, widget=forms.Textarea
    )
    owner = forms.ChoiceField(label=_("Owner"))
    due_date = forms.CharField(
        label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(label=_("Status"), choices=ImprovementAction.Status.choices)
    shareable = forms.BooleanField(label=_("Show to the client"), required=False)
    feedback = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = [(u.pk, u.full_name) for u in owners_for(project=project)]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "you_said": data["you_said"],
            "we_did": data["we_did"],
            "owner_id": data["owner"],
            "due_date": data["due_date"],
            "status": data["status"],
            "shareable": data["shareable"],
            "feedback_id": data["feedback"] or None,
        }


def _rating(label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[("", "—"), *((n, str(n)) for n in range(RATING[0], RATING[1] + 1))],
        required=False,
    )


class PmRatingForm(forms.Form):
    period_start = forms.CharField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.CharField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    progress = _rating(_("Progress"))
    quality = _rating(_("Quality"))
    communication = _rating(_("Communication"))

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
