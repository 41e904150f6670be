"""Any list as CSV or as an Excel workbook: the rows the page lists, with its filters and sort,
every page at once (up to ``MAX_ROWS``), in the columns a list names with ``Column``.

A list offers its exports with ``export_paths`` in its ``urls.py`` and the ``export_links``
tag on its page; its export view reads the rows through the same selector as the page and
returns ``export.response(...)``.

Cells are written for a spreadsheet: dates and times as ISO dates in the reader's time zone,
money and counts as numbers, choices as their labels in the reader's language. A spreadsheet
runs a cell starting with ``=``, ``+``, ``-`` or ``@`` as a formula, so such a text (a title
``=HYPERLINK(…)``) is written with a leading apostrophe: shown as text, never run."""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO, StringIO
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import URLPattern, path
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _

Cell = str | int | float | Decimal | date | datetime | bool | Promise | None

MAX_ROWS = 50_000
CHUNK = 500  # rows read from the database at a time
FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column[Row]:
    """One column of an export: its heading and the cell a row gives."""

    label: str | Promise
    value: Callable[[Row], Cell]


def export_paths(route: str, view: Callable[..., HttpResponseBase], name: str) -> list[URLPattern]:
    """``<route>export.csv`` and ``<route>export.xlsx``, named ``<name>_csv`` and
    ``<name>_xlsx``; the view gets the format as ``fmt``."""
    return [
        path(f"{route}export.{fmt}", view, {"fmt": fmt}, name=f"{name}_{fmt}") for fmt in FORMATS
    ]


def safe_text(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _plain(value: Cell) -> str | int | float | Decimal | date | datetime | None:
    """A cell as a spreadsheet takes it: an aware time in the reader's zone, without the zone
    (a workbook cannot hold one); a yes/no in words; a text that cannot run."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return safe_text(value)
    return value


def _csv_text(value: Cell) -> str:
    plain = _plain(value)
    if plain is None:
        return ""
    if isinstance(plain, datetime):
        return plain.isoformat(sep=" ", timespec="minutes")
    if isinstance(plain, date):
        return plain.isoformat()
    return str(plain)


def _rows[Row](rows: Iterable[Row]) -> Iterator[Row]:
    """A queryset is read in chunks (its prefetches once per chunk), never all at once."""
    if isinstance(rows, QuerySet):
        rows = rows.iterator(chunk_size=CHUNK)
    return itertools.islice(rows, MAX_ROWS)


def _heading(columns: Sequence[Column[Any]]) -> list[str]:
    return [safe_text(str(column.label)) for column in columns]


def _as_download(response: HttpResponseBase, name: str, extension: str) -> None:
    """A dated file name; never kept by a shared cache."""
    stem = slugify(name) or "export"
    response["Content-Disposition"] = (
        f'attachment; filename="{stem}-{timezone.localdate().isoformat()}.{extension}"'
    )
    response["Cache-Control"] = "private, no-store"


def csv_response[Row](
    *, name: str, columns: Sequence[Column[Row]], rows: Iterable[Row]
) -> StreamingHttpResponse:
    """UTF-8 with a byte-order mark, so that a spreadsheet reads the Chinese right; streamed
    row by row in the reader's language and time zone."""
    language = translation.get_language()
    zone = timezone.get_current_timezone()
    heading = _heading(columns)

    def lines() -> Iterator[str]:
        buffer = StringIO()
        writer = csv.writer(buffer)
        yield "\ufeff"
        writer.writerow(heading)
        with translation.override(language), timezone.override(zone):
            for row in _rows(rows):
                writer.writerow([_csv_text(column.value(row)) for column in columns])
                if buffer.tell() > 8192:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
        yield buffer.getvalue()

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    _as_download(response, name, "csv")
    return response


def _sheet_title(title: str) -> str:
    """Excel refuses ``[]:*?/\\`` and more than 31 characters in a sheet's name."""
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31].strip() or "Sheet"


def xlsx_response[Row](
    *, name: str, title: str | Promise, columns: Sequence[Column[Row]], rows: Iterable[Row]
) -> HttpResponse:
    from openpyxl import Workbook  # here: a web worker that never exports does not hold it

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(str(title)))
    sheet.append(_heading(columns))
    for row in _rows(rows):
        sheet.append([_plain(column.value(row)) for column in columns])
    content = BytesIO()
    workbook.save(content)
    response = HttpResponse(content.getvalue(), content_type=XLSX)
    _as_download(response, name, "xlsx")
    return response


def response[Row](
    fmt: str,
    *,
    name: str,
    title: str | Promise,
    columns: Sequence[Column[Row]],
    rows: Iterable[Row],
) -> HttpResponse:
    """The export in ``fmt`` (``csv`` or ``xlsx``); ``name`` becomes the file's name,
    ``title`` the sheet's."""
    if fmt == "xlsx":
        return xlsx_response(name=name, title=title, columns=columns, rows=rows)
    streamed = csv_response(name=name, columns=columns, rows=rows)
    return streamed  # type: ignore[return-value] # streamed; the access decorators expect pages
