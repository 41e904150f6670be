"""When the weekly schedule drafts a project's next status report: a pure function over the
project's settings, its last report's end and the organisation's local date.

A report is due on the cadence's weekday when the project is active and has no report yet,
or its last report (draft or published) ended at least a cadence (7, 14 or 28 days) before.
The period runs from the day after the last report's end (the first one: the cadence's days
up to the day, not before the project's start) to the day itself. Nothing is due while a
report already ends on or after the day, so running the schedule twice drafts nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from rapport.projects.models import Project

CADENCE_DAYS = {
    Project.ReportCadence.WEEKLY: 7,
    Project.ReportCadence.FORTNIGHTLY: 14,
    Project.ReportCadence.FOUR_WEEKLY: 28,
}


@dataclass(frozen=True)
class Period:
    start: date
    end: date


def due_period(project: Project, *, last_period_end: date | None, today: date) -> Period | None:
    """The period of the report to draft ``today``, or None when none is due."""
    days = CADENCE_DAYS.get(project.report_cadence)  # type: ignore[call-overload]
    if days is None or project.status != Project.Status.ACTIVE:
        return None
    if today.weekday() != project.report_weekday:
        return None
    if last_period_end is None:
        start = max(project.start_date, today - timedelta(days=days - 1))
    elif (today - last_period_end).days < days:
        return None
    else:
        start = last_period_end + timedelta(days=1)
    if start > today:  # the project has not started yet
        return None
    return Period(start=start, end=today)


def next_report_due(project: Project, *, last_period_end: date | None) -> date | None:
    """The day by which the project's next report is due at its cadence: a cadence after the
    last report's end (the first: a cadence after the start). None without a cadence."""
    days = CADENCE_DAYS.get(project.report_cadence)  # type: ignore[call-overload]
    if days is None:
        return None
    return (last_period_end or project.start_date - timedelta(days=1)) + timedelta(days=days)
