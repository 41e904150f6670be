"""When the schedule drafts a project's next status report, and for which period."""

from datetime import date

import pytest

from rapport.projects.models import Project
from rapport.reports.schedule import Period, due_period

FRIDAY = date(2026, 3, 6)
MONDAY, THURSDAY, SUNDAY = 0, 3, 6


def d(day: str) -> date:
    return date.fromisoformat(f"2026-{day}")


# (case, project settings, last report's period end, today, expected period or None)
CASES = [
    ("weekly, first report: the last 7 days", {}, None, FRIDAY, ("02-28", "03-06")),
    ("weekly, not its day", {}, None, d("03-05"), None),
    ("weekly, last ended 7 days before", {}, d("02-27"), FRIDAY, ("02-28", "03-06")),
    ("weekly, last ended 6 days before", {}, d("02-28"), FRIDAY, None),
    ("weekly, last ends today", {}, FRIDAY, FRIDAY, None),
    ("weekly, last ends after today", {}, d("03-10"), FRIDAY, None),
    ("weekly, weeks missed: the gap is covered", {}, d("02-13"), FRIDAY, ("02-14", "03-06")),
    ("fortnightly, first report", {"report_cadence": "fortnightly"}, None, FRIDAY,
     ("02-21", "03-06")),
    ("fortnightly, last ended 13 days before", {"report_cadence": "fortnightly"}, d("02-21"),
     FRIDAY, None),
    ("fortnightly, last ended 14 days before", {"report_cadence": "fortnightly"}, d("02-20"),
     FRIDAY, ("02-21", "03-06")),
    ("four-weekly, first report", {"report_cadence": "four_weekly"}, None, FRIDAY,
     ("02-07", "03-06")),
    ("four-weekly, last ended 27 days before", {"report_cadence": "four_weekly"}, d("02-07"),
     FRIDAY, None),
    ("four-weekly, last ended 28 days before", {"report_cadence": "four_weekly"}, d("02-06"),
     FRIDAY, ("02-07", "03-06")),
    ("started 2 days ago: from the start", {"start_date": d("03-04")}, None, FRIDAY,
     ("03-04", "03-06")),
    ("starts today", {"start_date": FRIDAY}, None, FRIDAY, ("03-06", "03-06")),
    ("starts tomorrow: nothing yet", {"start_date": d("03-07")}, None, FRIDAY, None),
    ("no cadence", {"report_cadence": "none"}, None, FRIDAY, None),
    ("proposed", {"status": "proposed"}, None, FRIDAY, None),
    ("on hold", {"status": "on_hold"}, d("02-13"), FRIDAY, None),
    ("closed", {"status": "closed"}, None, FRIDAY, None),
    ("cancelled", {"status": "cancelled"}, None, FRIDAY, None),
    ("on Mondays", {"report_weekday": MONDAY}, d("02-22"), d("03-02"), ("02-23", "03-02")),
    ("on Sundays, not on Fridays", {"report_weekday": SUNDAY}, None, FRIDAY, None),
    ("on Sundays", {"report_weekday": SUNDAY}, None, d("03-08"), ("03-02", "03-08")),
    ("on Thursdays", {"report_weekday": THURSDAY}, None, d("03-05"), ("02-27", "03-05")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("project_settings", "last_end", "today", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_due_period(project_settings, last_end, today, expected):
    project = Project(
        **{
            "report_cadence": "weekly",
            "report_weekday": FRIDAY.weekday(),
            "status": "active",
            "start_date": date(2026, 1, 1),
            **project_settings,
        }
    )

    period = due_period(project, last_period_end=last_end, today=today)

    assert period == (Period(d(expected[0]), d(expected[1])) if expected else None)


def test_a_drafted_period_is_not_due_again_the_same_day():
    project = Project(
        report_cadence="weekly", report_weekday=4, status="active", start_date=date(2026, 1, 1)
    )
    period = due_period(project, last_period_end=None, today=FRIDAY)
    assert period is not None
    assert due_period(project, last_period_end=period.end, today=FRIDAY) is None
    next_week = date(2026, 3, 13)
    assert due_period(project, last_period_end=period.end, today=next_week) == Period(
        date(2026, 3, 7), next_week
    )
