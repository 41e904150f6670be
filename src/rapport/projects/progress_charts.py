"""The project page's two charts, drawn from computed progress (see ``progress``)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from rapport.core.charts import Series, held, step_chart
from rapport.projects.progress import Progress, cumulative, planned_value

ONE = Decimal("1")


def milestone_burnup(progress: Progress) -> SafeString:
    """Milestones planned by their baseline dates against milestones done by their done dates."""
    planned = cumulative([(row.milestone.baseline_date, ONE) for row in progress.milestones])
    done = cumulative(
        [(row.milestone.done_date, ONE) for row in progress.milestones if row.milestone.done_date]
    )
    return step_chart(
        [
            Series(_("Planned"), held(planned, progress.baseline_end), tone="plan", dashed=True),
            Series(_("Done"), held(done, progress.as_of), tone="actual"),
        ],
        title=_("Milestone burn-up: planned and done"),
    )


def budget_burn(progress: Progress, currency: str) -> SafeString:
    """Actual cost to date against planned value: each milestone's share of the budget at its
    baseline date (the earned-value basis of ``progress``)."""
    return step_chart(
        [
            Series(
                _("Planned value"),
                held(planned_value(progress), progress.baseline_end),
                tone="plan",
                dashed=True,
            ),
            Series(
                _("Actual cost"),
                held(cumulative(progress.cost_by_date), progress.as_of),
                tone="actual",
            ),
        ],
        title=_("Budget burn: actual cost against planned value"),
        unit=currency,
    )
