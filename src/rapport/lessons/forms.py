from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.lessons.models import Category


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
