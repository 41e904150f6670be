"""The portfolio in a real browser, by keyboard only: the owner filters by client, sorts by
forecast slip from the column heading (its aria-sort follows), and downloads the CSV of what
is shown. Screenshots in both languages go to test-results/ (not committed)."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapport.projects.models import Milestone
from rapport.tenancy.models import Membership
from tests import factories
from tests.e2e.browser import person, sign_in
from tests.e2e.conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def portfolio() -> Any:
    """Contoso's two projects, one forecast 20 days late, and Fabrikam's one, on time."""
    today = timezone.localdate()
    owner = person("owner@e2e.test", "Olga Owner")
    contoso = factories.ClientFactory(name="Contoso")
    fabrikam = factories.ClientFactory(organisation=contoso.organisation, name="Fabrikam")
    Membership.objects.create(organisation=contoso.organisation, user=owner, role="owner")
    dates = {
        "start_date": today - datetime.timedelta(days=50),
        "end_date": today + datetime.timedelta(days=50),
    }
    late = factories.ProjectFactory(client=contoso, pm=owner, code="CON-1", name="Late", **dates)
    factories.ProjectFactory(client=contoso, pm=owner, code="CON-2", name="On track", **dates)
    factories.ProjectFactory(client=fabrikam, pm=owner, code="FAB-1", name="Other", **dates)
    Milestone.objects.create(
        project=late,
        name="Go live",
        baseline_date=today + datetime.timedelta(days=40),
        forecast_date=today + datetime.timedelta(days=70),
    )
    return owner


def test_filter_sort_and_export_by_keyboard(
    new_context: Any, portfolio: Any, server_errors: list[str]
) -> None:
    page = new_context().new_page()
    sign_in(page, "owner@e2e.test")
    page.goto("/app/")
    page.get_by_role("link", name="Portfolio").click()
    expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()

    page.get_by_label("Client").select_option(label="Contoso")
    page.get_by_role("button", name="Filter").press("Enter")
    expect(page.get_by_role("row")).to_have_count(3)  # the heading and two projects

    slip = page.get_by_role("columnheader", name="Slip (days)")
    slip.get_by_role("link").focus()
    page.keyboard.press("Enter")
    expect(slip).to_have_attribute("aria-sort", "ascending")
    page.get_by_role("columnheader", name="Slip (days)").get_by_role("link").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("columnheader", name="Slip (days)")).to_have_attribute(
        "aria-sort", "descending"
    )
    first = page.get_by_role("row").nth(1)
    expect(first.get_by_role("rowheader")).to_have_text("Late")
    expect(first).to_contain_text("20")

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").focus()
        page.keyboard.press("Enter")
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [row[0] for row in rows[1:]] == ["CON-1", "CON-2"]

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "portfolio-en.png", full_page=True)
    portfolio.language = "zh-hans"
    portfolio.save()
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.screenshot(path=ARTIFACTS / "portfolio-zh-hans.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=ARTIFACTS / "portfolio-zh-hans-phone.png", full_page=True)
    assert not server_errors
