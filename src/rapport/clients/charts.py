"""The client health score over time, drawn with the shared step chart."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from rapport.clients.health_selectors import Moment
from rapport.core.charts import Series, step_chart


def health_history(history: Sequence[Moment]) -> SafeString:
    points = [(moment.day, moment.score) for moment in history if moment.score is not None]
    if not points:
        return mark_safe("")
    return step_chart(
        [Series(_("Health score"), points, tone="actual")],
        title=_("Client health score over time"),
        scale=100,
        from_zero=False,
    )
