"""The portfolio as CSV and as an Excel workbook: the rows of the page with its filters and
sort, every page at once up to ``MAX_ROWS``, the columns of ``columns.COLUMNS``.

A spreadsheet runs a cell starting with ``=``, ``+``, ``-`` or ``@`` as a formula, so such a
text (a project named ``=HYPERLINK(…)``) is written with a leading apostrophe: shown as
text, never run."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from io import BytesIO, StringIO

from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from openpyxl import Workbook

from rapport.portfolio.columns import COLUMNS, Cell
from rapport.portfolio.selectors import PortfolioRow

MAX_ROWS = 10_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_text(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def table(rows: list[PortfolioRow]) -> tuple[list[str], list[list[Cell]]]:
    """The heading (in the reader's language) and the cells of at most ``MAX_ROWS`` rows."""
    heading = [safe_text(str(column.label)) for column in COLUMNS]
    cells = [
        [
            safe_text(value) if isinstance(value, str) else value
            for value in (column.export(row) for column in COLUMNS)
        ]
        for row in rows[:MAX_ROWS]
    ]
    return heading, cells


def _as_download(response: HttpResponseBase, extension: str) -> None:
    """A dated file name; never kept by a shared cache."""
    name = f"portfolio-{timezone.localdate().isoformat()}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"


def _csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return safe_text(str(value))


def csv_response(rows: list[PortfolioRow]) -> StreamingHttpResponse:
    """UTF-8 with a byte-order mark, so that a spreadsheet reads the Chinese right."""
    heading, cells = table(rows)

    def chunks() -> Iterator[str]:
        buffer = StringIO()
        writer = csv.writer(buffer)
        yield "\ufeff"
        lines: list[list[Cell]] = [list(heading), *cells]
        for line in lines:
            writer.writerow([_csv_text(value) for value in line])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    response = StreamingHttpResponse(chunks(), content_type="text/csv; charset=utf-8")
    _as_download(response, "csv")
    return response


def xlsx_response(rows: list[PortfolioRow]) -> HttpResponse:
    heading, cells = table(rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Portfolio")
    sheet.append(heading)
    for line in cells:
        sheet.append(line)
    content = BytesIO()
    workbook.save(content)
    response = HttpResponse(content.getvalue(), content_type=XLSX)
    _as_download(response, "xlsx")
    return response
