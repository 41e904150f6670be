"""The root-cause breakdown of conflicts as a server-side SVG bar chart: the same markup in the
page, an email or a PDF."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

BAR = "#1f5fa8"


def root_causes(rows: list[tuple[str, str, int]], *, width: int = 640) -> SafeString:
    """One horizontal bar per root cause with its count; empty when there is no conflict."""
    if not any(count for _code, _label, count in rows):
        return mark_safe("")
    label_w, pad, bar_h, gap = 210, 12, 22, 8
    height = pad * 2 + len(rows) * (bar_h + gap)
    most = max(count for _code, _label, count in rows)
    plot_w = width - label_w - pad * 2 - 40
    title = _("Conflicts by root cause")
    bars = format_html_join(
        "",
        '<g data-cause="{}">'
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
                round(plot_w * count / most, 1) if most else 0,
                bar_h,
                BAR,
                label,
                count,
                label_w + pad + (round(plot_w * count / most, 1) if most else 0) + 6,
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
