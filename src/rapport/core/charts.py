"""Small server-side SVG charts: the same markup serves the page, the email and the PDF."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

PALETTE = {"plan": "#8a94a6", "actual": "#1f5fa8", "forecast": "#c2410c"}


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[date, Decimal | float | int]]
    tone: str = "actual"  # plan | actual | forecast
    dashed: bool = False


def held(
    points: Sequence[tuple[date, Decimal | float | int]], until: date | None
) -> list[tuple[date, Decimal | float | int]]:
    """The steps, held level to ``until`` so that a line does not stop at its last change."""
    result = list(points)
    if until is not None and result and result[-1][0] < until:
        result.append((until, result[-1][1]))
    return result


def step_chart(
    series: list[Series],
    *,
    title: str,
    width: int = 640,
    height: int = 240,
    unit: str = "",
    scale: float | None = None,
    from_zero: bool = True,
) -> SafeString:
    """Cumulative step lines over dates, with a legend; an accessible title and description.
    ``scale`` fixes the top of the axis (a score out of 100) instead of the highest value;
    ``from_zero=False`` starts each line at its first value rather than climbing from 0."""
    pad_left, pad_right, pad_top, pad_bottom = 56, 16, 16, 44
    points = [p for s in series for p in s.points]
    if not points:
        return mark_safe("")
    x_min = min(d for d, _ in points).toordinal()
    x_max = max(max(d for d, _ in points).toordinal(), x_min + 1)
    y_max = scale or float(max(max(float(v) for _, v in points), 1))
    plot_w, plot_h = width - pad_left - pad_right, height - pad_top - pad_bottom

    def x(d: date) -> float:
        return pad_left + (d.toordinal() - x_min) / (x_max - x_min) * plot_w

    def y(v: float) -> float:
        return pad_top + plot_h - v / y_max * plot_h

    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" '
            'class="chart" aria-label="{}"><title>{}</title>',
            width,
            height,
            title,
            title,
        ),
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#c9ced6"/>',
            pad_left,
            pad_top + plot_h,
            pad_left + plot_w,
            pad_top + plot_h,
        ),
        format_html(
            '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#5f6b7a">{} {}</text>',
            pad_left - 6,
            pad_top + 10,
            _short(y_max),
            unit,
        ),
        format_html(
            '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#5f6b7a">0</text>',
            pad_left - 6,
            pad_top + plot_h,
        ),
        format_html(
            '<text x="{}" y="{}" font-size="11" fill="#5f6b7a">{}</text>',
            pad_left,
            height - 26,
            date.fromordinal(x_min).isoformat(),
        ),
        format_html(
            '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#5f6b7a">{}</text>',
            pad_left + plot_w,
            height - 26,
            date.fromordinal(x_max).isoformat(),
        ),
    ]
    legend_x = pad_left
    for s in series:
        if not s.points:
            continue
        ordered = sorted(s.points)
        previous = 0.0 if from_zero else float(ordered[0][1])
        path = [f"M{x(ordered[0][0]):.1f},{y(previous):.1f}"]
        for d, v in ordered:
            path.append(f"L{x(d):.1f},{y(previous):.1f} L{x(d):.1f},{y(float(v)):.1f}")
            previous = float(v)
        colour = PALETTE.get(s.tone, PALETTE["actual"])
        parts.append(
            format_html(
                '<path d="{}" fill="none" stroke="{}" stroke-width="2"{}/>',
                " ".join(path),
                colour,
                mark_safe(' stroke-dasharray="5 4"') if s.dashed else "",
            )
        )
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="12" height="3" fill="{}"/>'
                '<text x="{}" y="{}" font-size="11" fill="#5f6b7a">{}</text>',
                legend_x,
                height - 10,
                colour,
                legend_x + 16,
                height - 6,
                s.label,
            )
        )
        legend_x += 24 + 7 * len(s.label) + 10 * sum(1 for ch in s.label if ord(ch) > 0x2E80)
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - parts are escaped


BAR = "#1f5fa8"


def bar_chart(
    rows: Sequence[tuple[str, str, int]],
    *,
    title: str,
    colours: dict[str, str] | None = None,
    width: int = 640,
) -> SafeString:
    """One horizontal bar per ``(code, label, count)`` with its count, coloured by code where
    ``colours`` says (else blue); empty when every count is zero."""
    if not any(count for _code, _label, count in rows):
        return mark_safe("")
    label_w, pad, bar_h, gap = 210, 12, 22, 8
    height = pad * 2 + len(rows) * (bar_h + gap)
    most = max(count for _code, _label, count in rows)
    plot_w = width - label_w - pad * 2 - 40

    def length(count: int) -> float:
        return round(plot_w * count / most, 1) if most else 0

    bars = format_html_join(
        "",
        '<g data-code="{}">'
        '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="#5f6b7a">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="{}"><title>{}: {}</title></rect>'
        '<text x="{}" y="{}" font-size="12" fill="#5f6b7a">{}</text></g>',
        (
            (
                code,
                label_w,
                pad + i * (bar_h + gap) + bar_h * 0.7,
                label,
                label_w + pad,
                pad + i * (bar_h + gap),
                length(count),
                bar_h,
                (colours or {}).get(code, BAR),
                label,
                count,
                label_w + pad + length(count) + 6,
                pad + i * (bar_h + gap) + bar_h * 0.7,
                count,
            )
            for i, (code, label, count) in enumerate(rows)
        ),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" class="chart" '
        'aria-label="{}"><title>{}</title>{}</svg>',
        width,
        height,
        title,
        title,
        bars,
    )


def _short(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    return escape(f"{value:,.0f}")
