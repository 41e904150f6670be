"""A status report's three charts, drawn as SVG from the series frozen in its data, so the
page, the portal and the PDF show the report as it was published."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from rapport.core.charts import Series, held, step_chart
from rapport.projects.progress import cumulative
from rapport.reports import health
from rapport.reports.models import StatusReport

ONE = Decimal("1")
COLOURS = {
    health.GREEN: "#1d7a46",
    health.AMBER: "#a35c00",
    health.RED: "#b42318",
    health.GREY: "#c9ced6",
}


def _day(value: str) -> date:
    return date.fromisoformat(value)


def milestone_burnup(report: StatusReport, *, for_client: bool = False) -> SafeString:
    """Milestones planned by their baseline dates against those done by their done dates; the
    client's chart counts only the milestones it can see."""
    charts = report.data.get("charts") or {}
    rows = [row for row in charts.get("milestones", []) if row[2] or not for_client]
    if not rows:
        return mark_safe("")
    planned = cumulative([(_day(baseline), ONE) for baseline, _done, _visible in rows])
    done = cumulative([(_day(done), ONE) for _baseline, done, _visible in rows if done])
    as_of = _day(report.data["as_of"])
    return step_chart(
        [
            Series(
                _("Planned"),
                held(planned, _day(report.data["baseline_end"])),
                tone="plan",
                dashed=True,
            ),
            Series(_("Done"), held(done, as_of), tone="actual"),
        ],
        title=_("Milestone burn-up: planned and done"),
    )


def budget_burn(report: StatusReport) -> SafeString:
    """Actual cost to date against planned value (the earned-value basis of the report)."""
    charts = report.data.get("charts") or {}
    planned = [(_day(day), Decimal(value)) for day, value in charts.get("planned_value", [])]
    actual = [(_day(day), Decimal(value)) for day, value in charts.get("actual_cost", [])]
    if not planned and not actual:
        return mark_safe("")
    return step_chart(
        [
            Series(
                _("Planned value"),
                held(planned, _day(report.data["baseline_end"])),
                tone="plan",
                dashed=True,
            ),
            Series(_("Actual cost"), held(actual, _day(report.data["as_of"])), tone="actual"),
        ],
        title=_("Budget burn: actual cost against planned value"),
        unit=report.data.get("currency", ""),
    )


def health_history(report: StatusReport, *, width: int = 640) -> SafeString:
    """The overall health of the published reports before this one and of this one: a row of
    computed colours and, below it, the colours the project manager stated (where stated)."""
    entries = [
        *(report.data.get("health_history") or []),
        [report.number, report.period_end.isoformat(), report.overall_health, report.stated_health],
    ]
    cell, gap, left, top = 40, 6, 92, 8
    width = max(width, left + len(entries) * (cell + gap))
    height = top + 2 * (cell + gap) + 28
    title = _("Health over time")
    parts: list[str] = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" '
            'class="chart" aria-label="{}"><title>{}</title>',
            width,
            height,
            title,
            title,
        ),
        format_html(
            '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#5f6b7a">{}</text>'
            '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#5f6b7a">{}</text>',
            left - 8,
            top + cell / 2 + 4,
            _("Computed"),
            left - 8,
            top + cell + gap + cell / 2 + 4,
            _("Stated"),
        ),
    ]
    for index, (number, period_end, computed, stated) in enumerate(entries):
        x = left + index * (cell + gap)
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="{}">'
                "<title>{} · {} · {}</title></rect>",
                x,
                top,
                cell,
                cell,
                COLOURS.get(computed, COLOURS[health.GREY]),
                f"SR-{number:03d}",
                period_end,
                health.colour_label(computed),
            )
        )
        if stated:
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="{}">'
                    "<title>{} · {} · {}</title></rect>",
                    x,
                    top + cell + gap,
                    cell,
                    cell,
                    COLOURS.get(stated, COLOURS[health.GREY]),
                    f"SR-{number:03d}",
                    period_end,
                    health.colour_label(stated),
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="10" text-anchor="middle" fill="#5f6b7a">{}</text>',
                x + cell / 2,
                top + 2 * (cell + gap) + 12,
                period_end[5:],
            )
        )
    parts.append("</svg>")
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - parts are escaped


def milestone_counts(report: StatusReport, *, for_client: bool) -> tuple[int, int]:
    """Milestones done and in all, as the reader may count them."""
    if "charts" not in report.data:  # reports drafted before the charts were kept
        return report.data.get("milestones_done", 0), report.data.get("milestones_total", 0)
    rows = [row for row in report.data["charts"]["milestones"] if row[2] or not for_client]
    return sum(1 for row in rows if row[1]), len(rows)


def chart_context(report: StatusReport, *, for_client: bool) -> dict[str, Any]:
    """What the report templates (page, portal, PDF) need to draw the charts."""
    return {
        "milestone_counts": milestone_counts(report, for_client=for_client),
        "burnup_chart": milestone_burnup(report, for_client=for_client),
        "budget_chart": budget_burn(report),
        "history_chart": health_history(report),
    }
