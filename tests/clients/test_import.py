"""Client import: CSV (UTF-8, UTF-8 with BOM, GBK) and .xlsx read by content, columns guessed
from English and Chinese headers, every row checked with the clients' forms, nothing written
while rows have errors unless the valid rows are asked for, written once, each record with its
audit event, and only ever matched against the importer's own organisation."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from rapport.audit.models import AuditEvent
from rapport.clients import import_services
from rapport.clients.import_files import MAX_ROWS, guess_mapping, read_table
from rapport.clients.models import Client, ClientImport, Contact

pytestmark = pytest.mark.django_db

CHINESE_ROWS = [
    ["客户名称", "联系人", "电子邮件", "电话", "职位", "语言"],
    ["上海蓝港科技", "王芳", "wang@langang.example", "13800138000", "项目经理", "中文"],
]
ENGLISH_HEADERS = ["Client name", "Contact name", "Email", "Phone", "Job title", "Language"]


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(side, data: bytes, name: str = "clients.csv", user=None) -> ClientImport:
    return import_services.client_import_upload(
        actor=side.actor(user or side.pm), upload=io.BytesIO(data), name=name, size=len(data)
    )


def english(*rows: list[str]) -> bytes:
    return csv_bytes([ENGLISH_HEADERS, *rows])


# --- reading files ---------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_in_gbk_reads_the_same(encoding):
    data = csv_bytes(CHINESE_ROWS, encoding)

    table = read_table(io.BytesIO(data), len(data))

    assert table.headers == CHINESE_ROWS[0]
    assert table.rows == [(2, CHINESE_ROWS[1])]


def test_semicolon_separated_csv_is_read():
    data = b"Client name;Email\nBlue Harbour;ada@blue.example\n"
    table = read_table(io.BytesIO(data), len(data))
    assert table.rows == [(2, ["Blue Harbour", "ada@blue.example"])]


def test_xlsx_is_read_as_text_with_numbers_whole_and_formulas_never_run():
    data = xlsx_bytes(
        [
            ENGLISH_HEADERS,
            [None, None, None, None, None, None],  # a blank row is skipped, its number kept
            ["Blue Harbour", "Ada Lee", "ada@blue.example", 13800138000, "=1+1", "en"],
        ]
    )

    table = read_table(io.BytesIO(data), len(data))

    assert table.headers == ENGLISH_HEADERS
    assert table.rows == [
        (3, ["Blue Harbour", "Ada Lee", "ada@blue.example", "13800138000", "=1+1", "en"])
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\n , ,\n\n", "The file is empty."),
        (csv_bytes([ENGLISH_HEADERS]), "The file has a header row but no rows below it."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Old Excel files (.xls)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "This is not a CSV or Excel .xlsx file."),
        (b"PK\x03\x04 truncated zip", "This is not an Excel .xlsx file that can be read."),
        (
            csv_bytes([ENGLISH_HEADERS] + [["Client", f"P{n}"] for n in range(MAX_ROWS + 1)]),
            "The file has more than 5,000 rows.",
        ),
    ],
    ids=["empty", "blank", "headers only", "xls", "binary", "broken zip", "too many rows"],
)
def test_unreadable_files_are_refused_with_a_clear_message(data, message):
    with pytest.raises(ValidationError) as error:
        read_table(io.BytesIO(data), len(data))
    assert message in error.value.messages[0]


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("clients.csv", "Client name\nBlue\n")
    data = buffer.getvalue()
    with pytest.raises(ValidationError, match=r"not an Excel \.xlsx file"):
        read_table(io.BytesIO(data), len(data))


def test_a_file_over_5_mb_is_refused_before_it_is_read():
    data = english(["Blue", "Ada", "", "x" * (5 * 1024 * 1024), "", ""])
    with pytest.raises(ValidationError, match="larger than 5 MB"):
        read_table(io.BytesIO(data), len(data))


# --- guessing the columns --------------------------------------------------------------------


def test_columns_are_guessed_from_english_and_chinese_headers():
    assert guess_mapping([*ENGLISH_HEADERS, "Website"]) == {
        "client_name": 0,
        "full_name": 1,
        "email": 2,
        "phone": 3,
        "job_title": 4,
        "language": 5,
        "client_website": 6,
    }
    assert guess_mapping(["名称", "姓名", "邮箱", "手机", "职务", "语言", "备注"]) == {
        "client_name": 0,
        "full_name": 1,
        "email": 2,
        "phone": 3,
        "job_title": 4,
        "language": 5,
        "client_website": None,
    }
    assert guess_mapping(["Company", "E-mail", "Name"])["full_name"] == 2


def test_the_sample_file_maps_every_field(world, login_as):
    response = login_as(world.one.pm).get(reverse("clients:import_template"))

    assert response.content.startswith(b"\xef\xbb\xbf")
    table = read_table(io.BytesIO(response.content), len(response.content))
    assert "客户名称" in table.headers[0]
    assert None not in guess_mapping(table.headers).values()


# --- checking rows ---------------------------------------------------------------------------


def test_every_row_error_is_reported_with_its_row_and_field(world):
    side = world.one
    client_import = upload(
        side,
        english(
            ["", "No Client", "", "", "", ""],
            ["Blue Harbour", "Ada", "not-an-email", "", "", ""],
            ["Blue Harbour", "Bob", "", "", "", "Klingon"],
            ["x" * 151, "Cy", "", "", "", ""],
            ["Blue Harbour", "Dee", "dee@blue.example", "", "", ""],
            ["blue harbour", "Dee again", "DEE@blue.example", "", "", ""],
            [side.client_a.name.upper(), "Copy", side.contact_a.email, "", "", ""],
            ["Blue Harbour", "", "eve@blue.example", "", "", ""],
            ["Blue Harbour", "Fine", "fine@blue.example", "", "", ""],
        ),
    )

    check = import_services.check_rows(actor=side.actor(side.pm), client_import=client_import)

    found = {(error.row, error.field) for error in check.errors}
    assert found == {
        (2, "client_name"),
        (3, "email"),
        (4, "language"),
        (5, "client_name"),
        (7, "email"),
        (8, "email"),
        (9, "full_name"),
    }
    messages = {error.row: error.message for error in check.errors}
    assert messages[7] == "This email is already on row 6 for the same client."
    assert messages[8] == f"{side.client_a.name} already has a contact with this email."
    assert "at most 150 characters" in messages[5]
    assert [row.row for row in check.planned] == [6, 10]


def test_row_errors_are_in_the_readers_language(world):
    side = world.one
    client_import = upload(side, english(["Blue Harbour", "Ada", "not-an-email", "", "", ""]))
    with translation.override("zh-hans"):
        check = import_services.check_rows(actor=side.actor(side.pm), client_import=client_import)
    assert "有效" in check.errors[0].message


def test_checking_costs_the_same_queries_for_5_or_500_rows(world):
    side = world.one

    def queries(count: int) -> int:
        rows = [[f"Client {n % 7}", f"P{n}", f"p{n}@x.example", "", "", ""] for n in range(count)]
        rows.append([side.client_a.name, "Zed", "zed@a.example", "", "", ""])
        client_import = upload(side, english(*rows))
        with CaptureQueriesContext(connection) as captured:
            import_services.check_rows(actor=side.actor(side.pm), client_import=client_import)
        return len(captured)

    assert queries(5) == queries(500)


# --- running the import ----------------------------------------------------------------------


def _counts(side):
    return (
        Client.objects.filter(organisation=side.organisation).count(),
        Contact.objects.filter(organisation=side.organisation).count(),
        AuditEvent.objects.filter(organisation=side.organisation).count(),
    )


def test_nothing_is_written_while_a_row_has_errors(world):
    side = world.one
    client_import = upload(
        side,
        english(
            ["Blue Harbour", "Ada", "ada@blue.example", "", "", ""], ["", "Bob", "", "", "", ""]
        ),
    )
    before = _counts(side)

    with pytest.raises(ValidationError, match="1 row has errors"):
        import_services.client_import_run(actor=side.actor(side.pm), client_import=client_import)

    assert _counts(side) == before
    client_import.refresh_from_db()
    assert client_import.status == ClientImport.Status.PENDING


def test_valid_rows_only_writes_exactly_the_valid_rows_each_with_its_audit_event(world):
    side = world.one
    client_import = upload(
        side,
        english(
            ["Blue Harbour", "Ada Lee", "ADA@blue.example", "+44 20", "=HYPERLINK(1)", "en"],
            ["blue HARBOUR", "王芳", "wang@blue.example", "", "项目经理", "中文"],
            ["Blue Harbour", "Broken", "broken@", "", "", ""],
            [side.client_a.name.lower(), "New Person", "new@a.example", "", "", ""],
            ["Only A Client", "", "", "", "", "zh-hans"],
        ),
    )
    clients_before = set(Client.objects.values_list("pk", flat=True))

    client_import = import_services.client_import_run(
        actor=side.actor(side.pm), client_import=client_import, valid_rows_only=True
    )

    new_clients = Client.objects.exclude(pk__in=clients_before).order_by("name")
    assert [(c.name, c.language, c.organisation_id) for c in new_clients] == [
        ("Blue Harbour", "en", side.organisation.pk),
        ("Only A Client", "zh-hans", side.organisation.pk),
    ]
    blue = new_clients[0]
    assert sorted(blue.contacts.values_list("full_name", "email", "job_title", "language")) == [
        ("Ada Lee", "ada@blue.example", "=HYPERLINK(1)", "en"),
        ("王芳", "wang@blue.example", "项目经理", "zh-hans"),
    ]
    assert side.client_a.contacts.filter(email="new@a.example", full_name="New Person").exists()
    assert not Contact.objects.filter(full_name="Broken").exists()
    created = AuditEvent.objects.filter(action="created", actor_user=side.pm)
    assert created.filter(content_type__model="client").count() == 2
    assert created.filter(content_type__model="contact").count() == 3
    assert client_import.status == ClientImport.Status.IMPORTED
    assert client_import.result == {"clients": 2, "contacts": 3, "skipped_rows": 1}
    assert AuditEvent.objects.get(action="imported").changes["contacts"] == [None, 3]


def test_a_second_run_of_the_same_import_writes_nothing(world):
    side = world.one
    client_import = upload(side, english(["Blue Harbour", "Ada", "ada@blue.example", "", "", ""]))
    import_services.client_import_run(actor=side.actor(side.pm), client_import=client_import)
    after_first = _counts(side)

    with pytest.raises(ValidationError, match="already run"):
        import_services.client_import_run(actor=side.actor(side.pm), client_import=client_import)

    assert _counts(side) == after_first
    assert Client.objects.filter(name="Blue Harbour").count() == 1


def test_another_organisations_clients_are_never_matched(world):
    one, two = world.one, world.two
    two_contacts = two.client_a.contacts.count()
    client_import = upload(
        one, english([two.client_a.name, "Spy", two.contact_a.email, "", "", ""])
    )

    import_services.client_import_run(actor=one.actor(one.pm), client_import=client_import)

    made = Client.objects.get(organisation=one.organisation, name=two.client_a.name)
    assert made.contacts.get().email == two.contact_a.email
    assert two.client_a.contacts.count() == two_contacts


def test_team_members_may_not_import(world):
    side = world.one
    with pytest.raises(PermissionDenied):
        upload(side, english(["Blue", "Ada", "", "", "", ""]), user=side.member)
    client_import = upload(side, english(["Blue", "Ada", "", "", "", ""]))
    with pytest.raises(PermissionDenied):
        import_services.client_import_run(actor=side.actor(side.admin), client_import=client_import)
    assert not Client.objects.filter(name="Blue").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": 0}, "A column can feed one field only."),
        ({"email": 99}, "Choose a column of the file for each field."),
        ({"client_name": None}, "Choose the column with the client's name."),
    ],
)
def test_a_mapping_that_cannot_work_is_refused(world, change, message):
    side = world.one
    client_import = upload(side, english(["Blue", "Ada", "", "", "", ""]))
    mapping = {**client_import.mapping, **change}
    with pytest.raises(ValidationError) as error:
        import_services.client_import_map(
            actor=side.actor(side.pm), client_import=client_import, mapping=mapping
        )
    assert message in error.value.messages
    client_import.refresh_from_db()
    assert client_import.mapping == guess_mapping(ENGLISH_HEADERS)


# --- pages -----------------------------------------------------------------------------------


def test_upload_check_remap_and_import_through_the_pages(world, login_as):
    side = world.one
    pm = login_as(side.pm)
    assert reverse("clients:import") in pm.get(reverse("clients:list")).content.decode()
    data = csv_bytes(
        [
            ["Organisation", "Person", "Mail", "Notes"],
            ["Blue Harbour", "Ada", "ada@blue.example", "ignored"],
            ["Blue Harbour", "Bob", "bob@", ""],
        ],
        "gbk",
    )

    response = pm.post(reverse("clients:import"), {"file": SimpleUploadedFile("clients.csv", data)})
    client_import = ClientImport.objects.get(owner=side.pm)
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:import_review", args=[client_import.pk])
    page = pm.get(response["Location"]).content.decode()
    assert "Blue Harbour" in page and "Enter a valid email address." in page
    assert '<option value="2" selected>Mail</option>' in page  # the guessed email column

    mapping = {"client_name": "0", "full_name": "1", "email": "", "phone": "2"}
    response = pm.post(reverse("clients:import_review", args=[client_import.pk]), mapping)
    assert response.status_code == 302
    client_import.refresh_from_db()
    assert client_import.mapping["phone"] == 2 and client_import.mapping["email"] is None

    run = reverse("clients:import_run", args=[client_import.pk])
    assert pm.post(run).status_code == 302
    assert sorted(Contact.objects.filter(client__name="Blue Harbour").values_list("phone")) == [
        ("ada@blue.example",),
        ("bob@",),
    ]
    second = pm.post(run)
    assert second.status_code == 400
    assert "already run" in second.content.decode()
    assert Contact.objects.filter(client__name="Blue Harbour").count() == 2


def test_rows_with_errors_are_not_imported_from_the_page_unless_asked(world, login_as):
    side = world.one
    pm = login_as(side.pm)
    client_import = upload(
        side, english(["Blue", "Ada", "ada@", "", "", ""], ["Green", "", "", "", "", ""])
    )
    run = reverse("clients:import_run", args=[client_import.pk])

    response = pm.post(run)
    assert response.status_code == 400
    assert "1 row has errors" in response.content.decode()
    assert not Client.objects.filter(name__in=["Blue", "Green"]).exists()

    assert pm.post(run, {"valid_rows_only": "on"}).status_code == 302
    assert list(Client.objects.filter(name__in=["Blue", "Green"]).values_list("name")) == [
        ("Green",)
    ]


def test_a_refused_upload_says_why_and_keeps_nothing(world, login_as):
    pm = login_as(world.one.pm)
    response = pm.post(
        reverse("clients:import"), {"file": SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0 xls")}
    )
    assert response.status_code == 400
    assert "Old Excel files (.xls) cannot be read." in response.content.decode()
    response = pm.post(reverse("clients:import"), {})
    assert response.status_code == 400
    assert not ClientImport.objects.exists()


def test_an_import_is_only_its_uploaders(world, login_as):
    side = world.one
    client_import = upload(side, english(["Blue", "Ada", "", "", "", ""]))
    review = reverse("clients:import_review", args=[client_import.pk])
    assert login_as(side.pm).get(review).status_code == 200
    assert login_as(side.admin).get(review).status_code == 404
    assert login_as(world.two.pm).get(review).status_code == 404
