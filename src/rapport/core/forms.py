from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_noop

# Django 6.1 shows this in every empty <select> but its own Chinese catalogue lacks it.
gettext_noop("- Select an option -")


class ModelMultipleIdsField(forms.ModelMultipleChoiceField):
    """Ids no database can hold (beyond 64 bits) are an invalid choice, not a crash (SQLite
    cannot even compare them)."""

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else ():
            text = str(pk).strip().lstrip("-")
            if text.isdigit() and abs(int(text)) >= 2**63:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's validation errors on the form that submitted the values."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def int_or_none(value: str | None) -> int | None:
    """An id from a query string, or None when it is missing or not a number."""
    try:
        return int(value) if value else None
    except ValueError:
        return None
