"""The portfolio's charts, as server-side SVG: health distribution and forecast slip over the
rows shown (after the filters), and the organisation's satisfaction trend."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.core import versions
from rapport.core.charts import bar_chart
from rapport.feedback.charts import score_chart
from rapport.feedback.models import Dimension, Feedback
from rapport.projects.models import Project
from rapport.reports import health
from rapport.reports.charts import COLOURS
from rapport.reports.models import ProjectHealth

# (code, label, most days late in the bucket; None: no upper bound)
SLIP_BUCKETS = [
    ("on_time", gettext_lazy("On time or early"), 0),
    ("week", gettext_lazy("1–7 days late"), 7),
    ("month", gettext_lazy("8–30 days late"), 30),
    ("quarter", gettext_lazy("31–90 days late"), 90),
    ("more", gettext_lazy("More than 90 days late"), None),
]
TREND_MONTHS = 12
TREND_KEPT = 3600  # seconds: a new day, or new feedback, makes a new key before that


@dataclass(frozen=True)
class Counts:
    """The projects listed: how many, by overall health and by forecast slip."""

    total: int
    overall: dict[str, int]  # colour: projects
    slip: dict[str, int]  # slip bucket's code: projects


def counts(rows: QuerySet[ProjectHealth]) -> Counts:
    """What the two charts and the paginator show of the rows: one query."""
    colours = (health.GREEN, health.AMBER, health.RED, health.GREY)
    counted: dict[str, Count] = {"total": Count("pk")}
    for colour in colours:
        counted[f"overall_{colour}"] = Count("pk", filter=Q(overall=colour))
    least: int | None = None
    for code, _label, most in SLIP_BUCKETS:
        days = Q() if least is None else Q(slip_days__gt=least)
        if most is not None:
            days &= Q(slip_days__lte=most)
        counted[f"slip_{code}"] = Count("pk", filter=days)
        least = most
    found = rows.order_by().aggregate(**counted)
    return Counts(
        total=found["total"],
        overall={colour: found[f"overall_{colour}"] for colour in colours},
        slip={code: found[f"slip_{code}"] for code, _label, _most in SLIP_BUCKETS},
    )


def health_distribution(counted: Counts) -> SafeString:
    """How many projects are green, amber, red and unknown overall."""
    return bar_chart(
        [(colour, health.colour_label(colour), count) for colour, count in counted.overall.items()],
        title=_("Projects by overall health"),
        colours=COLOURS,
    )


def slip_distribution(counted: Counts) -> SafeString:
    """How many projects are forecast to end on time, or how late, against their baseline."""
    return bar_chart(
        [(code, str(label), counted.slip[code]) for code, label, _most in SLIP_BUCKETS],
        title=_("Projects by forecast slip"),
    )


def satisfaction_trend(
    projects: QuerySet[Project], *, today: date, organisation_id: int
) -> SafeString:
    """The monthly average score of each feedback dimension (1–5) over the last twelve months,
    across the given projects. Kept in the cache for the day, the reader's language and these
    projects until feedback is recorded in the organisation (its app's version moves on)."""
    # The projects' ids as a list: PostgreSQL cannot estimate how few projects the scoped
    # subquery gives a PM, and scans the whole organisation's feedback instead of each
    # project's range of its (project, received_on) index.
    project_ids = list(projects.order_by("pk").values_list("pk", flat=True))
    version = versions.version_of(versions.app_key(organisation_id, "feedback"))
    chosen = versions.digest(project_ids)
    key = (
        f"portfolio:trend:{translation.get_language()}:{today.isoformat()}:"
        f"{organisation_id}:{version}:{chosen}"
    )
    return cast(
        SafeString,
        cache.get_or_set(key, lambda: _trend(project_ids, today=today), TREND_KEPT),
    )


def _trend(project_ids: list[int], *, today: date) -> SafeString:
    """One query of sums and counts per day (at most 366 rows, in the database's own date
    arithmetic), added up by month here."""
    since = (today.replace(day=1) - timedelta(days=31 * (TREND_MONTHS - 1))).replace(day=1)
    days = (
        Feedback.objects.filter(
            project_id__in=project_ids, received_on__gte=since, received_on__lte=today
        )
        .values("received_on")
        .annotate(
            **{f"{name}_sum": Sum(name) for name in Dimension.values},
            **{f"{name}_count": Count(name) for name in Dimension.values},
        )
        .order_by()
    )
    totals: dict[date, dict[str, list[int]]] = defaultdict(
        lambda: {name: [0, 0] for name in Dimension.values}
    )
    for row in days:
        day: dict[str, Any] = dict(row)
        sums = totals[day["received_on"].replace(day=1)]
        for name in Dimension.values:
            if day[f"{name}_count"]:
                sums[name][0] += day[f"{name}_sum"]
                sums[name][1] += day[f"{name}_count"]
    lines: dict[str, list[tuple[date, Decimal]]] = {name: [] for name in Dimension.values}
    for month, by_name in sorted(totals.items()):
        for name, (total, count) in by_name.items():
            if count:
                lines[name].append((month, (Decimal(total) / count).quantize(Decimal("0.1"))))
    labels = dict(Dimension.choices)
    return score_chart(
        [(str(labels[name]), line) for name, line in lines.items() if line],
        title=_("Client satisfaction by month (average score)"),
    )
