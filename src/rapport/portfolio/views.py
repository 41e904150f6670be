"""The portfolio page and its two exports, all reading the same filtered and sorted rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core import export
from rapport.core.pagination import PAGE_SIZE
from rapport.portfolio import charts, columns
from rapport.portfolio.columns import COLUMNS, EXPORT_COLUMNS
from rapport.portfolio.forms import PortfolioFilterForm
from rapport.portfolio.permissions import can_view_portfolio
from rapport.portfolio.selectors import (
    PortfolioRows,
    portfolio_health,
    portfolio_projects,
)
from rapport.projects.models import Project
from rapport.reports.models import ProjectHealth
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import ActorRequest


@dataclass(frozen=True)
class Portfolio:
    form: PortfolioFilterForm
    sort: str
    projects: QuerySet[Project]  # after the client, PM and status filters
    stored: QuerySet[ProjectHealth]  # after the health filter too, unordered (for the charts)
    rows: PortfolioRows  # the same, sorted


def _portfolio(request: ActorRequest) -> Portfolio:
    """What the page and the exports show: the same filters and sort, read once."""
    if not can_view_portfolio(request.actor):
        raise PermissionDenied
    form = PortfolioFilterForm(request.GET, actor=request.actor)
    chosen = form.filters()
    projects = portfolio_projects(
        actor=request.actor,
        client_id=chosen["client_id"],
        pm_id=chosen["pm_id"],
        status=chosen["status"],
    )
    stored = portfolio_health(actor=request.actor, projects=projects, colour=chosen["health"])
    rows = PortfolioRows(columns.sort(stored, chosen["sort"]))
    return Portfolio(form, chosen["sort"], projects, stored, rows)


def _query(params: QueryDict, **changes: str) -> str:
    """The current query string with ``changes``, always back to the first page."""
    query = params.copy()
    query.pop("page", None)
    for name, value in changes.items():
        query[name] = value
    return query.urlencode()


def _headings(params: QueryDict, sort: str) -> list[dict[str, Any]]:
    """Each column's heading with the link that sorts by it (ascending first, then toggling)
    and its ``aria-sort`` state."""
    headings = []
    for column in COLUMNS:
        state = "none"
        if sort == column.key:
            state = "ascending"
        elif sort == f"-{column.key}":
            state = "descending"
        headings.append(
            {
                "key": column.key,
                "label": column.label,
                "aria_sort": state,
                "url": "?"
                + _query(params, sort=f"-{column.key}" if state == "ascending" else column.key),
            }
        )
    return headings


@member_required
def portfolio_page(request: ActorRequest) -> HttpResponse:
    portfolio = _portfolio(request)
    counted = charts.counts(portfolio.stored)
    rows = PortfolioRows(portfolio.rows.query, count=counted.total)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.param = "page"  # type: ignore[attr-defined] # read by core/pagination.html
    return render(
        request,
        "portfolio/portfolio.html",
        {
            "form": portfolio.form,
            "page": page,
            "total": page.paginator.count,
            "sort": portfolio.sort,
            "headings": _headings(request.GET, portfolio.sort),
            "health_chart": charts.health_distribution(counted),
            "slip_chart": charts.slip_distribution(counted),
            "satisfaction_chart": charts.satisfaction_trend(
                portfolio.projects,
                today=timezone.localdate(),
                organisation_id=request.actor.organisation_id,
            ),
            "max_export": export.MAX_ROWS,
        },
    )


@member_required
def portfolio_export(request: ActorRequest, fmt: str) -> HttpResponse:
    return export.response(
        fmt,
        name="portfolio",
        title=_("Portfolio"),
        columns=EXPORT_COLUMNS,
        rows=iter(_portfolio(request).rows[: export.MAX_ROWS]),
    )
