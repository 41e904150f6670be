from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core.forms import DateInput
from rapport.projects.models import Project
from rapport.reports.health import STATED_CHOICES
from rapport.reports.models import MESSAGE_MAX_LENGTH, NARRATIVE_FIELDS, StatusReport

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class PeriodForm(forms.Form):
    period_start = forms.DateField(label=_("Period start"), widget=DateInput())
    period_end = forms.DateField(label=_("Period end"), widget=DateInput())
    corrects = forms.ModelChoiceField(
        label=_("Corrects"),
        queryset=StatusReport.objects.none(),
        required=False,
        help_text=_("Only to correct a published report: this report then replaces it."),
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The next period: from the day after the last report to today (or the past week).
        today = timezone.localdate()
        last = project.status_reports.order_by("-period_end").first()
        start = last.period_end + timedelta(days=1) if last else today - timedelta(days=6)
        self.initial.setdefault("period_start", min(start, today))
        self.initial.setdefault("period_end", today)
        self.fields["corrects"].queryset = project.status_reports.filter(  # type: ignore[attr-defined]
            state=StatusReport.State.PUBLISHED
        ).order_by("-number")


class NarrativeForm(forms.ModelForm):
    stated_health = forms.ChoiceField(
        label=_("Stated health"),
        choices=[("", _("As computed")), *STATED_CHOICES],
        required=False,
        help_text=_("Only when you judge it differently; say why below."),
    )

    class Meta:
        model = StatusReport
        fields = [*NARRATIVE_FIELDS, "stated_health", "stated_reason"]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in NARRATIVE_FIELDS} | {
            "stated_reason": forms.Textarea(attrs={"rows": 3})
        }
        help_texts = {"summary": _("Markdown.")}


class MessageForm(forms.Form):
    """One message of a question thread; the label says who writes what."""

    body = forms.CharField(max_length=MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, label: StrOrPromise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].label = label


def answer_form(data: object = None, **kwargs: Any) -> MessageForm:
    """The team's answer to a thread (app)."""
    return MessageForm(data, label=_("Your answer"), **kwargs)


def question_form(data: object = None, **kwargs: Any) -> MessageForm:
    """A contact's new thread (portal)."""
    return MessageForm(data, label=_("Ask a question or comment"), **kwargs)


def follow_up_form(data: object = None, **kwargs: Any) -> MessageForm:
    """A contact's message in an existing thread (portal)."""
    return MessageForm(data, label=_("Add to this conversation"), **kwargs)
