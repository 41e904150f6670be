"""``{% export_links "risks:register_export" project.pk %}``: a list's "Export CSV" and
"Export Excel" links, carrying the page's filters and sort (not its page number)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("core/export_links.html", takes_context=True)
def export_links(context: dict[str, Any], name: str, *args: Any) -> dict[str, Any]:
    query = context["request"].GET.copy()
    query.pop("page", None)
    tail = f"?{query.urlencode()}" if query else ""
    return {
        "csv": reverse(f"{name}_csv", args=args) + tail,
        "xlsx": reverse(f"{name}_xlsx", args=args) + tail,
    }
