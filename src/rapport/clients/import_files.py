"""Reading an uploaded client list (CSV or Excel .xlsx) into a header row and text rows, and
guessing which column holds which field from headers in English or Chinese.

The type is told from the content, never from the file name: an .xlsx is a zip with a
workbook in it; an old binary .xls is refused; anything else is read as CSV in UTF-8 (with or
without a byte order mark) or, failing that, GB18030 (a superset of the GBK that Chinese
Excel saves). Every value is kept as text: a cell such as ``=SUM(A1)`` is its formula's text,
never a computed result."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # an .xlsx that inflates beyond this is refused
MAX_ROWS = 5_000
MAX_COLUMNS = 50
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"  # old binary Excel (.xls)
ZIP_SIGNATURE = b"PK\x03\x04"

FIELDS = {
    "client_name": gettext_lazy("Client name"),
    "client_website": gettext_lazy("Client website"),
    "full_name": gettext_lazy("Contact name"),
    "email": gettext_lazy("Email"),
    "phone": gettext_lazy("Phone"),
    "job_title": gettext_lazy("Job title"),
    "language": gettext_lazy("Language"),
}

# Header words people use for each field, compared lower-cased with spaces removed.
SYNONYMS = {
    "client_name": {
        "client", "clientname", "customer", "customername", "company", "companyname",
        "organisation", "organization", "account", "客户", "客户名称", "客户名", "名称",
        "公司", "公司名称", "单位", "单位名称", "企业名称",
    },
    "client_website": {"website", "clientwebsite", "web", "url", "网站", "网址", "主页", "官网"},
    "full_name": {
        "name", "fullname", "contact", "contactname", "person", "联系人", "姓名",
        "联系人姓名", "名字",
    },
    "email": {
        "email", "e-mail", "emailaddress", "mail", "邮箱", "电子邮件", "电子邮箱", "邮件",
        "邮箱地址",
    },
    "phone": {
        "phone", "telephone", "tel", "mobile", "phonenumber", "电话", "手机", "联系电话",
        "手机号", "电话号码", "手机号码",
    },
    "job_title": {"jobtitle", "title", "position", "role", "职位", "职务", "岗位", "头衔"},
    "language": {"language", "lang", "语言"},
}  # fmt: skip

SEPARATORS = str.maketrans(dict.fromkeys("/|()（）[]【】,，", "\n"))


@dataclass
class Table:
    """A file's header row and its non-blank rows, each with its row number in the file."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_file")


def read_table(upload: IO[bytes], size: int) -> Table:
    """The header row and data rows of an uploaded CSV or .xlsx, or a clear refusal."""
    if size > MAX_BYTES:
        raise _refuse(_("The file is larger than 5 MB. Split it into smaller files."))
    head = upload.read(8)
    upload.seek(0)
    if not head:
        raise _refuse(_("The file is empty."))
    if head.startswith(OLE_SIGNATURE):
        raise _refuse(
            _("Old Excel files (.xls) cannot be read. Save the file as .xlsx or CSV and retry.")
        )
    records = _xlsx_records(upload) if head.startswith(ZIP_SIGNATURE) else _csv_records(upload)
    return _table(records)


def _csv_records(upload: IO[bytes]) -> Iterator[list[str]]:
    data = upload.read()
    if b"\x00" in data:
        raise _refuse(_("This is not a CSV or Excel .xlsx file."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _refuse(_("The file's characters cannot be read. Save it as CSV UTF-8 and retry."))
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        yield from csv.reader(io.StringIO(text, newline=""), dialect)
    except csv.Error as error:
        raise _refuse(_("The CSV file is malformed.")) from error


def _xlsx_records(upload: IO[bytes]) -> Iterator[list[str]]:
    not_xlsx = _("This is not an Excel .xlsx file that can be read.")
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            unzipped = sum(member.file_size for member in members)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _refuse(not_xlsx) from error
    if "xl/workbook.xml" not in names:
        raise _refuse(not_xlsx)
    if unzipped > MAX_UNZIPPED_BYTES:
        raise _refuse(_("The file is larger than 5 MB. Split it into smaller files."))
    upload.seek(0)
    from openpyxl import load_workbook  # here: a web worker that never imports does not hold it

    try:
        # data_only=False: a formula cell reads as its text, which is stored, never run.
        workbook = load_workbook(upload, read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook
        raise _refuse(not_xlsx) from error
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in values]
    except (AttributeError, KeyError, ValueError, TypeError, zipfile.BadZipFile) as error:
        raise _refuse(not_xlsx) from error
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number Excel stored as a number
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _table(records: Iterable[list[str]]) -> Table:
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, record in enumerate(records, start=1):
        cells = [cell.strip() for cell in record[:MAX_COLUMNS]]
        if not any(cells):
            continue
        if headers is None:
            headers = cells
            continue
        if len(rows) == MAX_ROWS:
            raise _refuse(
                _("The file has more than %(count)s rows. Split it into smaller files.")
                % {"count": f"{MAX_ROWS:,}"}
            )
        rows.append((number, (cells + [""] * len(headers))[: len(headers)]))
    if headers is None:
        raise _refuse(_("The file is empty."))
    if not rows:
        raise _refuse(_("The file has a header row but no rows below it."))
    return Table(headers, rows)


def _header_words(header: str) -> set[str]:
    """``"Client name / 客户名称"`` → ``{"clientname/客户名称", "clientname", "客户名称"}``."""
    parts = [header, *header.translate(SEPARATORS).split("\n")]
    return {"".join(part.lower().split()).strip(":：*") for part in parts} - {""}


def guess_mapping(headers: list[str]) -> dict[str, int | None]:
    """For each field, the first column whose header names it; None when no header does."""
    mapping: dict[str, int | None] = dict.fromkeys(FIELDS)
    taken: set[int] = set()
    for field, words in SYNONYMS.items():
        for index, header in enumerate(headers):
            if index not in taken and _header_words(header) & words:
                mapping[field] = index
                taken.add(index)
                break
    return mapping
