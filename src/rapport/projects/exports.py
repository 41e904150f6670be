"""The columns of the projects list, as exported."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.core.export import Column
from rapport.projects.models import Project
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
