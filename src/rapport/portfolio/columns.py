"""The portfolio's columns, defined once: their headings, how each sorts and what each exports,
so the page, the sort links, the CSV and the workbook always show the same thing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rapport.core.export import Cell
from rapport.core.export import Column as ExportColumn
from rapport.portfolio.selectors import PortfolioRow
from rapport.reports import health


def _day(value: datetime | None) -> date | None:
    return timezone.localdate(value) if value else None


def _health(dimension: str | None) -> Callable[[PortfolioRow], str]:
    def colour(row: PortfolioRow) -> str:
        return row.overall if dimension is None else row.colour(dimension)

    return colour


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    sort: Callable[[PortfolioRow], Any]  # None sorts last, whichever the direction
    export: Callable[[PortfolioRow], Cell]


def _colour_column(key: str, label: str | Promise, dimension: str | None) -> Column:
    colour = _health(dimension)
    return Column(
        key,
        label,
        lambda row: health.SEVERITY[colour(row)],
        lambda row: health.colour_label(colour(row)),
    )


COLUMNS: list[Column] = [
    Column("code", _("Code"), lambda r: r.project.code.lower(), lambda r: r.project.code),
    Column("project", _("Project"), lambda r: r.project.name.lower(), lambda r: r.project.name),
    Column(
        "client",
        _("Client"),
        lambda r: r.project.client.name.lower(),
        lambda r: r.project.client.name,
    ),
    Column(
        "pm",
        _("Project manager"),
        lambda r: r.project.pm.full_name.lower(),
        lambda r: r.project.pm.full_name,
    ),
    Column(
        "status",
        _("Status"),
        lambda r: r.project.get_status_display().lower(),
        lambda r: r.project.get_status_display(),
    ),
    _colour_column("health", _("Overall health"), None),
    *(_colour_column(name, label, name) for name, label in health.DIMENSION_LABELS.items()),
    Column("baseline_end", _("Baseline end"), lambda r: r.baseline_end, lambda r: r.baseline_end),
    Column("forecast_end", _("Forecast end"), lambda r: r.forecast_end, lambda r: r.forecast_end),
    Column("slip", _("Slip (days)"), lambda r: r.slip_days, lambda r: r.slip_days),
    Column("burn", _("Budget burn (%)"), lambda r: r.burn_percent, lambda r: r.burn_percent),
    Column(
        "last_report",
        _("Last published report"),
        lambda r: r.last_report,
        lambda r: _day(r.last_report),
    ),
    Column(
        "open_changes",
        _("Open change requests"),
        lambda r: r.open_changes,
        lambda r: r.open_changes,
    ),
    Column(
        "last_contact",
        _("Last client contact"),
        lambda r: r.last_contact,
        lambda r: _day(r.last_contact),
    ),
    Column(
        "client_health",
        _("Client health"),
        lambda r: r.client_health,
        lambda r: r.client_health,
    ),
]
BY_KEY = {column.key: column for column in COLUMNS}
EXPORT_COLUMNS = [ExportColumn(column.label, column.export) for column in COLUMNS]
DEFAULT_SORT = "code"


def sort_rows(rows: list[PortfolioRow], sort: str) -> list[PortfolioRow]:
    """``sort`` is a column key, ``-`` in front for descending; an unknown key sorts by code.
    Rows without a value (no report yet, no budget) come last either way; ties keep the order
    by code."""
    descending = sort.startswith("-")
    column = BY_KEY.get(sort.lstrip("-"), BY_KEY[DEFAULT_SORT])
    ordered = sorted(rows, key=lambda r: (r.project.code.lower(), r.project.pk))
    present = [r for r in ordered if column.sort(r) is not None]
    missing = [r for r in ordered if column.sort(r) is None]
    return sorted(present, key=column.sort, reverse=descending) + missing
