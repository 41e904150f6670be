import html
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import BaseRenderer
from django.forms.utils import ErrorDict
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_noop

# Django 6.1 shows this in every empty <select> but its own Chinese catalogue lacks it.
gettext_noop("- Select an option -")


class DateInput(forms.DateInput):
    """A browser date picker: it reads and writes ISO dates whatever the page's language."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _escaped(value: Any) -> str:
    """Django's ``conditional_escape``, without its checks for lazy arguments (thousands of
    calls on a long list)."""
    return str(value.__html__()) if hasattr(value, "__html__") else html.escape(str(value))


def _attributes(attrs: dict[str, Any]) -> str:
    """Django's ``attrs.html``: ``False`` leaves the attribute out, ``True`` writes its name."""
    return "".join(
        f" {_escaped(name)}" if value is True else f' {_escaped(name)}="{_escaped(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class Select(forms.Select):
    """Django's select, its options written in Python rather than one template include each,
    and escaped as Django escapes, without its lazy-argument checks: the same HTML, but a list
    of hundreds of clients or people renders in a millisecond instead of twenty."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            written = "".join(
                f'\n  <option value="{_escaped(option["value"])}"'
                f"{_attributes(option['attrs'])}>{_escaped(option['label'])}</option>\n"
                for option in options
            )
            groups.append(
                f'\n  <optgroup label="{_escaped(group_name)}">{written}\n  </optgroup>'
                if group_name
                else written
            )
        return mark_safe(  # noqa: S308 - every value above is escaped
            f'<select name="{_escaped(widget["name"])}"{_attributes(widget["attrs"])}>'
            f"{''.join(groups)}\n</select>"
        )


MAX_ID = 2**63 - 1  # the largest id any of Rapport's databases stores


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing ids no database can hold as invalid choices: an ``IN`` lookup with
    one of them makes SQLite raise instead of matching nothing."""

    def _check_values(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple | set | frozenset) else ():
            if isinstance(pk, str) and pk.strip().lstrip("-").isdigit() and abs(int(pk)) > MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's validation errors on the form that submitted the values. A form that
    was not validated (a signed-in person's one-button form) shows only the service's errors."""
    if not hasattr(form, "cleaned_data"):
        form._errors = ErrorDict()  # type: ignore[attr-defined]  # no field is validated
        form.cleaned_data = {}
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
