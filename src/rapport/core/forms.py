from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_noop

# Django 6.1 shows this in every empty <select> but its own Chinese catalogue lacks it.
gettext_noop("- Select an option -")


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
