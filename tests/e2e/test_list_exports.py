"""List exports in a real browser: the PM filters a project's risk register and downloads
what is shown as CSV and as Excel, by the links on the page; a client contact downloads the
change requests of their project from the portal, in Chinese."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from rapport.changes import services as changes
from rapport.risks import services as risks
from tests.e2e.browser import contoso_project, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def project() -> Any:
    """Contoso's "Data platform" in the portal, with an open and a closed risk and a change
    request submitted by the PM; Sam is Contoso's portal contact and reads Chinese."""
    scene = contoso_project(code="CON-4", days_from_today=(-60, 120))
    sam = scene.sam
    sam.language = "zh-hans"
    sam.save(update_fields=["language"])
    pm, project, actor = scene.pm, scene.project, scene.pm_actor
    for title, status in (("Supplier is late", "open"), ("=Key person leaves", "closed")):
        risk = risks.risk_create(
            actor=actor, project=project, title=title, probability=3, impact=4, owner_id=pm.pk
        )
        if status == "closed":
            risks.risk_update(actor=actor, risk=risk, status="closed")
    changes.change_request_create(
        actor=actor, project=project, title="Monthly report in Excel", description="x", submit=True
    )
    return project


def test_a_filtered_list_downloads_as_csv_and_excel(
    new_context: Any, project: Any, server_errors: list[str]
) -> None:
    page = new_context().new_page()
    sign_in(page, "pm@e2e.test")
    page.goto(f"/app/projects/{project.pk}/risks/")
    page.get_by_label("Status").select_option("open")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Export CSV")).to_be_visible()
    expect(page.get_by_role("link", name="Export Excel")).to_be_visible()

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Export CSV").click()
    assert csv_download.value.suggested_filename.startswith("risks-con-4-")
    text = csv_download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["Reference", "Risk"]
    assert [row[1] for row in rows[1:]] == ["Supplier is late"]  # the closed one is filtered out

    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Export Excel").click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    content = io.BytesIO(xlsx_download.value.path().read_bytes())
    sheet = load_workbook(content, read_only=True).active
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert [row[1] for row in cells[1:]] == ["Supplier is late"]
    assert cells[1][4] == 12  # the score, a number

    page.get_by_label("Status").select_option("")
    page.get_by_role("button", name="Filter").click()
    with page.expect_download() as everything:
        page.get_by_role("link", name="Export CSV").click()
    text = everything.value.path().read_text(encoding="utf-8-sig")
    titles = {row[1] for row in list(csv.reader(io.StringIO(text)))[1:]}
    assert titles == {"Supplier is late", "'=Key person leaves"}
    assert not server_errors


def test_a_client_contact_downloads_the_change_requests_in_chinese(
    new_context: Any, project: Any, server_errors: list[str]
) -> None:
    page = new_context().new_page()
    sign_in(page, "sam@contoso.test")
    page.goto(f"/portal/projects/{project.pk}/changes/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert not rows[0][0].isascii()  # the heading in Chinese
    assert [row[1] for row in rows[1:]] == ["Monthly report in Excel"]
    assert not server_errors
