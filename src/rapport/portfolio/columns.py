"""The portfolio's columns, defined once: their headings, how each sorts and what each exports,
so the page, the sort links, the CSV and the workbook always show the same thing. Sorting is
SQL over the stored health (``portfolio.selectors.portfolio_health``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import Collate, Lower
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rapport.core.export import Cell
from rapport.core.export import Column as ExportColumn
from rapport.portfolio.selectors import PortfolioRow
from rapport.projects.models import Project
from rapport.reports import health
from rapport.reports.models import ProjectHealth


def _day(value: datetime | None) -> date | None:
    return timezone.localdate(value) if value else None


def _text(field: str) -> Callable[[], Any]:
    """Case-insensitive, by code point as Python compares strings: the same order on SQLite
    and PostgreSQL whatever the database's collation."""

    def order() -> Any:
        lowered = Lower(field)
        return Collate(lowered, "C") if connection.vendor == "postgresql" else lowered

    return order


def _status() -> Any:
    """By the status's name in the reader's language."""
    names = sorted(Project.Status.choices, key=lambda choice: str(choice[1]).lower())
    return Case(
        *(When(project__status=value, then=Value(rank)) for rank, (value, _n) in enumerate(names)),
        output_field=IntegerField(),
    )


def _severity(field: str) -> Callable[[], Any]:
    def order() -> Any:
        return Case(
            *(
                When(**{field: colour}, then=Value(rank))
                for colour, rank in health.SEVERITY.items()
            ),
            output_field=IntegerField(),
        )

    return order


def _field(name: str) -> Callable[[], Any]:
    return lambda: F(name)


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    order: Callable[[], Any]  # over portfolio_health; NULL sorts last either way
    export: Callable[[PortfolioRow], Cell]


def _colour_column(key: str, label: str | Promise, dimension: str | None) -> Column:
    def colour(row: PortfolioRow) -> str:
        return row.overall if dimension is None else row.colour(dimension)

    return Column(
        key,
        label,
        _severity(dimension or "overall"),
        lambda row: health.colour_label(colour(row)),
    )


COLUMNS: list[Column] = [
    Column("code", _("Code"), _text("project__code"), lambda r: r.project.code),
    Column("project", _("Project"), _text("project__name"), lambda r: r.project.name),
    Column("client", _("Client"), _text("project__client__name"), lambda r: r.project.client.name),
    Column(
        "pm",
        _("Project manager"),
        _text("project__pm__full_name"),
        lambda r: r.project.pm.full_name,
    ),
    Column("status", _("Status"), _status, lambda r: r.project.get_status_display()),
    _colour_column("health", _("Overall health"), None),
    *(_colour_column(name, label, name) for name, label in health.DIMENSION_LABELS.items()),
    Column("baseline_end", _("Baseline end"), _field("baseline_end"), lambda r: r.baseline_end),
    Column("forecast_end", _("Forecast end"), _field("forecast_end"), lambda r: r.forecast_end),
    Column("slip", _("Slip (days)"), _field("slip_days"), lambda r: r.slip_days),
    Column("burn", _("Budget burn (%)"), _field("burn_shown"), lambda r: r.burn_percent),
    Column(
        "last_report",
        _("Last published report"),
        _field("last_report"),
        lambda r: _day(r.last_report),
    ),
    Column(
        "open_changes",
        _("Open change requests"),
        _field("open_changes"),
        lambda r: r.open_changes,
    ),
    Column(
        "last_contact",
        _("Last client contact"),
        _field("last_contact"),
        lambda r: _day(r.last_contact),
    ),
    Column(
        "client_health",
        _("Client health"),
        _field("client_health"),
        lambda r: r.client_health,
    ),
]
BY_KEY = {column.key: column for column in COLUMNS}
EXPORT_COLUMNS = [ExportColumn(column.label, column.export) for column in COLUMNS]
DEFAULT_SORT = "code"


def sort(rows: QuerySet[ProjectHealth], key: str) -> QuerySet[ProjectHealth]:
    """``key`` is a column key, ``-`` in front for descending; an unknown key sorts by code.
    Rows without a value (no report yet, no budget) come last either way; ties keep the order
    by code."""
    descending = key.startswith("-")
    column = BY_KEY.get(key.lstrip("-"), BY_KEY[DEFAULT_SORT])
    value = column.order()
    first = value.desc(nulls_last=True) if descending else value.asc(nulls_last=True)
    return rows.order_by(first, BY_KEY[DEFAULT_SORT].order().asc(), "project_id")
