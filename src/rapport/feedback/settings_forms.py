"""Forms of the organisation's feedback settings, its survey templates and a project's survey
schedules; the services check every rule, these only carry the values."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.feedback.models import Dimension, Question, SurveyTemplate
from rapport.feedback.schedule_models import FeedbackSettings, SurveySchedule
from rapport.projects.models import Project


class FeedbackSettingsForm(forms.Form):
    low_rating = forms.IntegerField(
        label=_("A rating at or below this opens a follow-up (1–5)"),
        help_text=_("Ratings go from 1 (very dissatisfied) to 5 (very satisfied)."),
    )
    low_nps = forms.IntegerField(
        label=_("A recommendation at or below this opens a follow-up (0–10)"),
        help_text=_("6 or less is a detractor in the usual NPS reading."),
    )
    follow_up_days = forms.IntegerField(label=_("The follow-up is due after (days, 1–60)"))
    remind_after_days = forms.IntegerField(
        label=_("Remind those who have not answered after (days, 1–30), by default")
    )

    @classmethod
    def of(cls, settings: FeedbackSettings, data: Any = None) -> FeedbackSettingsForm:
        names = ("low_rating", "low_nps", "follow_up_days", "remind_after_days")
        return cls(data, initial={name: getattr(settings, name) for name in names})


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    is_default = forms.BooleanField(
        label=_("Send this template unless another is chosen"), required=False
    )


class QuestionForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Question.Kind.choices)
    dimension = forms.ChoiceField(
        label=_("Dimension"),
        choices=[("", "—"), *Dimension.choices],
        required=False,
        help_text=_("What a rating measures."),
    )
    text_en = forms.CharField(label=_("Question (English)"), max_length=300)
    text_zh = forms.CharField(label=_("Question (Chinese)"), max_length=300)
    required = forms.BooleanField(label=_("Required"), required=False)


class BaseQuestionFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        """The rows sit in a table under column headings: each input names itself."""
        super().add_fields(form, index)
        for field in form.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs.setdefault("aria-label", str(field.label or ""))


QuestionFormSet = forms.formset_factory(
    QuestionForm,
    formset=BaseQuestionFormSet,
    extra=1,
    can_delete=True,
    can_order=True,
    max_num=30,
    absolute_max=60,
)


def question_rows(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    """The questions kept, by their order number (rows without one last, as listed); blank
    extra rows and deleted ones left out."""
    kept = [
        (form.cleaned_data.get("ORDER"), index, form.cleaned_data)
        for index, form in enumerate(formset.forms)
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
    kept.sort(key=lambda row: (row[0] is None, row[0] or 0, row[1]))
    return [{name: data.get(name) for name in QuestionForm.base_fields} for _o, _i, data in kept]


def question_initial(template: SurveyTemplate | None) -> list[dict[str, Any]]:
    if template is None:
        return []
    return [
        {
            "id": q.pk,
            "kind": q.kind,
            "dimension": q.dimension,
            "text_en": q.text_en,
            "text_zh": q.text_zh,
            "required": q.required,
            "ORDER": position,
        }
        for position, q in enumerate(template.questions.all(), start=1)
    ]


class ScheduleForm(forms.Form):
    trigger = forms.ChoiceField(label=_("When"), choices=SurveySchedule.Trigger.choices)
    day_of_month = forms.IntegerField(
        label=_("Day of the month (1–28)"),
        required=False,
        help_text=_("For a monthly survey."),
    )
    template = forms.ChoiceField(label=_("Survey template"))
    all_portal_contacts = forms.BooleanField(
        label=_("All of the client's contacts with portal access"), required=False
    )
    contacts = forms.MultipleChoiceField(
        label=_("Or these contacts"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        template = self.fields["template"]
        contacts = self.fields["contacts"]
        assert isinstance(template, forms.ChoiceField)
        assert isinstance(contacts, forms.ChoiceField)
        template.choices = [
            (t.pk, t.name)
            for t in SurveyTemplate.objects.filter(organisation_id=project.organisation_id)
        ]
        contacts.choices = [
            (c.pk, f"{c.full_name} <{c.email}>")
            for c in project.client.contacts.exclude(email="").order_by("full_name")
        ]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "trigger": data["trigger"],
            "day_of_month": data["day_of_month"],
            "template_id": data["template"],
            "all_portal_contacts": data["all_portal_contacts"],
            "contact_ids": data["contacts"],
        }
