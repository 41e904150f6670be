"""The columns of the projects list, as exported."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.core.export import Column
from rapport.projects.models import CostEntry, Project, TimeEntry
from rapport.reports import health

PROJECT_COLUMNS: list[Column[Project]] = [
    Column(_("Code"), lambda project: project.code),
    Column(_("Project"), lambda project: project.name),
    Column(_("Client"), lambda project: project.client.name),
    Column(_("Project manager"), lambda project: project.pm.full_name),
    Column(_("Status"), lambda project: project.get_status_display()),
    Column(_("Start date"), lambda project: project.start_date),
    Column(_("End date"), lambda project: project.end_date),
    Column(_("Currency"), lambda project: project.currency),
    Column(
        _("Health"),
        lambda project: (
            health.colour_label(project.latest_health)  # type: ignore[attr-defined]
            if project.latest_health  # type: ignore[attr-defined]
            else None
        ),
    ),
    Column(_("Published"), lambda project: project.published_at),
]


COST_ENTRY_COLUMNS: list[Column[CostEntry]] = [
    Column(_("Date"), lambda entry: entry.date),
    Column(_("Category"), lambda entry: entry.get_category_display()),
    Column(_("Description"), lambda entry: entry.description),
    Column(_("Amount"), lambda entry: entry.amount),
    Column(_("Currency"), lambda entry: entry.project.currency),
]

TIME_ENTRY_COLUMNS: list[Column[TimeEntry]] = [
    Column(_("Date"), lambda entry: entry.date),
    Column(_("Person"), lambda entry: entry.person.full_name if entry.person else ""),
    Column(_("Hours"), lambda entry: entry.hours),
    Column(_("Hourly rate"), lambda entry: entry.rate),
    Column(_("Cost"), lambda entry: entry.cost),
    Column(_("Currency"), lambda entry: entry.project.currency),
    Column(_("Description"), lambda entry: entry.description),
]
