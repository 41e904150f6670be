"""The columns of the status reports list, as exported in the app and in the client portal."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.core.export import Column
from rapport.reports import health
from rapport.reports.models import StatusReport


def _colour(colour: str) -> str | None:
    return health.colour_label(colour) if colour else None


PORTAL_REPORT_COLUMNS: list[Column[StatusReport]] = [
    Column(_("Reference"), lambda report: report.reference),
    Column(_("Period start"), lambda report: report.period_start),
    Column(_("Period end"), lambda report: report.period_end),
    Column(_("Computed"), lambda report: _colour(report.overall_health)),
    Column(_("Stated"), lambda report: _colour(report.stated_health)),
    Column(_("Published"), lambda report: report.published_at),
    Column(_("Summary"), lambda report: report.summary),
]

REPORT_COLUMNS: list[Column[StatusReport]] = [
    *PORTAL_REPORT_COLUMNS[:3],
    Column(_("State"), lambda report: report.get_state_display()),
    *PORTAL_REPORT_COLUMNS[3:6],
    Column(_("Recipients"), lambda report: report.recipients),  # type: ignore[attr-defined]
    Column(
        _("Acknowledged"),
        lambda report: report.recipients_acknowledged,  # type: ignore[attr-defined]
    ),
    Column(_("Questions waiting"), lambda report: report.waiting_threads),  # type: ignore[attr-defined]
    PORTAL_REPORT_COLUMNS[6],
]
