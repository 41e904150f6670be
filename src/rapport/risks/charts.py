"""The root-cause breakdown of conflicts as a server-side SVG bar chart: the same markup in the
page, an email or a PDF."""

from __future__ import annotations

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from rapport.core.charts import bar_chart


def root_causes(rows: list[tuple[str, str, int]], *, width: int = 640) -> SafeString:
    """One horizontal bar per root cause with its count; empty when there is no conflict."""
    return bar_chart(rows, title=_("Conflicts by root cause"), width=width)
