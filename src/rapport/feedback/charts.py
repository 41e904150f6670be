"""Scores over time as an SVG line chart: one line per dimension, the scale fixed at 1–5 so
that months and projects compare at a glance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

COLOURS = ("#2563eb", "#16a34a", "#d97706", "#7c3aed")


def score_chart(
    series: list[tuple[str, list[tuple[date, Decimal]]]],
    *,
    title: str,
    low: int = 1,
    high: int = 5,
    width: int = 640,
    height: int = 220,
) -> SafeString:
    points = [p for _label, line in series for p in line]
    if not points:
        return mark_safe("")
    pad_left, pad_right, pad_top, pad_bottom = 36, 16, 12, 44
    plot_w, plot_h = width - pad_left - pad_right, height - pad_top - pad_bottom
    x_min = min(d for d, _ in points).toordinal()
    x_max = max(max(d for d, _ in points).toordinal(), x_min + 1)

    def x(d: date) -> str:
        return f"{pad_left + (d.toordinal() - x_min) / (x_max - x_min) * plot_w:.1f}"

    def y(v: Decimal | int) -> str:
        return f"{pad_top + plot_h - (float(v) - low) / (high - low) * plot_h:.1f}"

    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" '
            'class="chart" aria-label="{}"><title>{}</title>',
            width,
            height,
            title,
            title,
        )
    ]
    for level in range(low, high + 1):
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#e5e7eb"/>'
                '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#5f6b7a">{}'
                "</text>",
                pad_left,
                y(level),
                pad_left + plot_w,
                y(level),
                pad_left - 6,
                f"{float(y(level)) + 4:.1f}",
                level,
            )
        )
    for anchor, day in (("start", date.fromordinal(x_min)), ("end", date.fromordinal(x_max))):
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="11" text-anchor="{}" fill="#5f6b7a">{}</text>',
                pad_left if anchor == "start" else pad_left + plot_w,
                height - 26,
                anchor,
                day.strftime("%Y-%m"),
            )
        )
    legend_x = pad_left
    for index, (label, line) in enumerate(series):
        if not line:
            continue
        colour = COLOURS[index % len(COLOURS)]
        path = " ".join(f"{'M' if i == 0 else 'L'}{x(d)},{y(v)}" for i, (d, v) in enumerate(line))
        parts.append(
            format_html('<path d="{}" fill="none" stroke="{}" stroke-width="2"/>', path, colour)
        )
        for d, v in line:
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="3" fill="{}"><title>{} {}: {}</title></circle>',
                    x(d),
                    y(v),
                    colour,
                    label,
                    d.strftime("%Y-%m"),
                    v,
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
                label,
            )
        )
        legend_x += 24 + 7 * len(label) + 10 * sum(1 for ch in label if ord(ch) > 0x2E80)
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - parts are escaped
