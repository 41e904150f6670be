"""The project page's two charts, drawn from computed progress (see ``progress``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from rapport.core.charts import Series, step_chart
from rapport.projects.progress import CENT, ZERO, Progress, cumulative

ONE = Decimal("1")
Points = list[tuple[date, Decimal | float | int]]


def _points(values: list[tuple[date, Decimal]], until: date | None = None) -> Points:
    """The steps, held level to ``until`` so that a line does not stop at its last change."""
    points: Points = list(values)
    if until is not None and values and values[-1][0] < until:
        points.append((until, values[-1][1]))
    return points


def milestone_burnup(progress: Progress) -> SafeString:
    """Milestones planned by their baseline dates against milestones done by their done dates."""
    planned = cumulative([(row.milestone.baseline_date, ONE) for row in progress.milestones])
    done = cumulative(
        [(row.milestone.done_date, ONE) for row in progress.milestones if row.milestone.done_date]
    )
    return step_chart(
        [
            Series(_("Planned"), _points(planned, progress.baseline_end), tone="plan", dashed=True),
            Series(_("Done"), _points(done, progress.as_of), tone="actual"),
        ],
        title=_("Milestone burn-up: planned and done"),
    )


def budget_burn(progress: Progress, currency: str) -> SafeString:
    """Actual cost to date against planned value: each milestone's share of the budget at its
    baseline date (the earned-value basis of ``progress``)."""
    weight_total = sum((row.milestone.weight for row in progress.milestones), ZERO)
    planned = cumulative(
        [
            (row.milestone.baseline_date, (progress.bac * row.milestone.weight / weight_total))
            for row in progress.milestones
        ]
        if weight_total
        else []
    )
    planned = [(day, value.quantize(CENT)) for day, value in planned]
    return step_chart(
        [
            Series(
                _("Planned value"),
                _points(planned, progress.baseline_end),
                tone="plan",
                dashed=True,
            ),
            Series(
                _("Actual cost"),
                _points(cumulative(progress.cost_by_date), progress.as_of),
                tone="actual",
            ),
        ],
        title=_("Budget burn: actual cost against planned value"),
        unit=currency,
    )
