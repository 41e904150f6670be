from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rapport.lessons.models import Category, Lesson
from rapport.projects.models import Project

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class LessonSearchForm(forms.Form):
    """Lenient: what can't be read is ignored, never an error page."""

    q = forms.CharField(label=_("Search"), required=False, max_length=10_000)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All")), *Category.choices]
    )
    client = forms.IntegerField(label=_("Client"), required=False, min_value=1, max_value=2**31)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=9999)

    def filters(self) -> dict[str, object]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "query": (data.get("q") or "").replace("\x00", ""),
            "category": data.get("category") or "",
            "client_id": data.get("client"),
            "year": data.get("year"),
        }


class LessonForm(forms.ModelForm):
    """A lesson, its project chosen from the author's own projects (a foreign id is a form
    error); the services check the right to write on it again."""

    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.none(),
        required=False,
        empty_label=_("None: a lesson for the whole organisation"),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=1000,
        help_text=_("Separated by commas."),
    )
    shared_with_client = forms.ChoiceField(
        label=_("Visible to"),
        choices=[
            ("", _("The organisation only")),
            ("1", _("The organisation and the project's client, in the portal")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Lesson
        fields = [
            "title",
            "project",
            "category",
            "language",
            "what_happened",
            "impact",
            "root_cause",
            "recommendation",
            "tags",
            "shared_with_client",
        ]
        widgets = {
            "what_happened": TEXTAREA,
            "impact": TEXTAREA,
            "root_cause": TEXTAREA,
            "recommendation": TEXTAREA,
        }

    def __init__(self, *args: Any, projects: QuerySet[Project], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        project = self.fields["project"]
        assert isinstance(project, forms.ModelChoiceField)
        project.queryset = projects.order_by("name")
        if self.instance.pk:
            self.initial["tags"] = ", ".join(self.instance.tags)
            self.initial["shared_with_client"] = "1" if self.instance.shared_with_client else ""

    def values(self) -> dict[str, Any]:
        """The cleaned values as the lesson services take them."""
        data = dict(self.cleaned_data)
        project = data.pop("project")
        data["project_id"] = project.pk if project else None
        data["shared_with_client"] = data["shared_with_client"] == "1"
        return data
