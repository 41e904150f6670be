"""The portfolio's filters and sort, read from the query string. The client and PM choices are
only those the actor may see, so an id from elsewhere is an invalid choice like a made-up one:
the filter is ignored and the page says so, never a 500."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.clients.selectors import clients_visible_to
from rapport.core.forms import Select
from rapport.portfolio.columns import BY_KEY, DEFAULT_SORT
from rapport.projects.models import Project
from rapport.projects.selectors import projects_visible_to
from rapport.reports import health
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import User

SORTS = [key for column in BY_KEY for key in (column, f"-{column}")]


class PortfolioFilterForm(forms.Form):
    client = forms.TypedChoiceField(label=_("Client"), required=False, coerce=int, widget=Select)
    pm = forms.TypedChoiceField(
        label=_("Project manager"), required=False, coerce=int, widget=Select
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    health = forms.ChoiceField(label=_("Overall health"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=[(key, key) for key in SORTS]
    )

    def __init__(self, data: Any, *, actor: Actor) -> None:
        super().__init__(data)
        clients = clients_visible_to(actor).order_by("name", "pk").values_list("pk", "name")
        pms = (
            User.objects.filter(pk__in=projects_visible_to(actor).values("pm_id"))
            .order_by("full_name", "pk")
            .values_list("pk", "full_name")
        )
        choices: dict[str, list[tuple[Any, Any]]] = {
            "client": [("", _("Any client")), *clients],
            "pm": [("", _("Any project manager")), *pms],
            "status": [("", _("Any status")), *Project.Status.choices],
            "health": [
                ("", _("Any health")),
                *((colour, health.COLOUR_LABELS[colour]) for colour in health.SEVERITY),
            ],
        }
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = options

    def filters(self) -> dict[str, Any]:
        """The valid filters; an invalid one is left out (its error is on the form)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "client_id": data.get("client") or None,
            "pm_id": data.get("pm") or None,
            "status": data.get("status") or "",
            "health": data.get("health") or "",
            "sort": data.get("sort") or DEFAULT_SORT,
        }
