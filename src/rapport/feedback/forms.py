from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.feedback.models import NPS, RATING, TEXT, Feedback, Question, SurveyTemplate
from rapport.feedback.org_settings import feedback_settings_of
from rapport.feedback.services import RECORDED_SOURCES, template_default
from rapport.projects.models import Project


class SurveySendForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    template = forms.ChoiceField(label=_("Survey template"), required=False)
    contacts = forms.MultipleChoiceField(label=_("Contacts"), widget=forms.CheckboxSelectMultiple)
    expires_in_days = forms.IntegerField(label=_("Answers accepted for (days)"), initial=21)
    remind_after_days = forms.IntegerField(label=_("Remind after (days)"))

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        default = template_default(organisation=project.organisation)
        template = self.fields["template"]
        assert isinstance(template, forms.ChoiceField)
        template.choices = [
            (t.pk, t.name)
            for t in SurveyTemplate.objects.filter(organisation_id=project.organisation_id)
        ]
        template.initial = default.pk
        self.fields["remind_after_days"].initial = feedback_settings_of(
            project.organisation_id
        ).remind_after_days
        contacts = self.fields["contacts"]
        assert isinstance(contacts, forms.ChoiceField)
        contacts.choices = [
            (c.pk, f"{c.full_name} <{c.email}>")
            for c in project.client.contacts.exclude(email="").order_by("full_name")
        ]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "contact_ids": data["contacts"],
            "expires_in_days": data["expires_in_days"],
            "remind_after_days": data["remind_after_days"],
            "template_id": data["template"] or None,
        }


def _score_field(label: Any, low: int, high: int) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("", "—"), *((n, str(n)) for n in range(low, high + 1))],
        required=False,
    )


class FeedbackForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Source"),
        choices=[(s.value, s.label) for s in Feedback.Source if s.value in RECORDED_SOURCES],
    )
    received_on = forms.CharField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    contact = forms.ChoiceField(label=_("Contact"), required=False)
    progress = _score_field(_("Progress"), *RATING)
    quality = _score_field(_("Quality"), *RATING)
    communication = _score_field(_("Communication"), *RATING)
    nps = _score_field(_("Recommendation (0–10)"), *NPS)
    comment = forms.CharField(
        label=_("What the client said"), widget=forms.Textarea, required=False
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contact = self.fields["contact"]
        assert isinstance(contact, forms.ChoiceField)
        contact.choices = [
            ("", "—"),
            *((c.pk, c.full_name) for c in project.client.contacts.order_by("full_name")),
        ]

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        return {
            "source": data["source"],
            "received_on": data["received_on"],
            "contact_id": data["contact"] or None,
            "comment": data["comment"],
            **{name: data[name] for name in ("progress", "quality", "communication", "nps")},
        }


def answer_fields(questions: list[Question], language: str) -> list[dict[str, Any]]:
    """The questions as the answer page shows them, in the respondent's language."""
    rows = []
    for question in questions:
        if question.kind == Question.Kind.TEXT:
            choices: list[int] = []
        else:
            low, high = RATING if question.kind == Question.Kind.RATING else NPS
            choices = list(range(low, high + 1))
        rows.append(
            {
                "name": f"q{question.pk}",
                "question": question,
                "text": question.text(language),
                "choices": choices,
                "max_length": TEXT,
            }
        )
    return rows
