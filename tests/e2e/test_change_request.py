"""A change through its whole life in a real browser: the client asks for it in the portal,
the PM evaluates it (10 days, 5,000), the client approves, the PM implements it, and the
baseline has a new version with the new end date."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from rapport.projects import baseline_services
from rapport.projects.models import BaselineVersion, Milestone
from tests import factories
from tests.e2e.browser import contoso_project, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_project() -> Any:
    scene = contoso_project(code="CON-1", contact="Sam Approver", approver=True)
    project = scene.project
    Milestone.objects.create(
        project=project, name="Go-live", baseline_date=datetime.date(2026, 11, 1)
    )
    factories.BudgetLine.objects.create(project=project, category="labour", amount=Decimal("40000"))
    version = baseline_services.baseline_submit(actor=scene.pm_actor, project=project)
    baseline_services.baseline_sign(actor=scene.contact_actor, version=version)
    return project


def test_change_request_from_the_portal_to_a_new_baseline(
    new_context: Any, live_server: Any, signed_project: Any, server_errors: list[str]
) -> None:
    project = signed_project
    client = new_context().new_page()
    pm = new_context().new_page()

    # The client asks for a change in the portal.
    sign_in(client, "sam@contoso.test")
    client.goto(f"/portal/projects/{project.pk}/changes/")
    client.get_by_role("link", name="Ask for a change").click()
    client.get_by_role("textbox", name="Title").fill("Export every report to Excel")
    client.get_by_role("textbox", name="Description").fill("The board wants spreadsheets.")
    client.get_by_role("textbox", name="Why do you need it?").fill("Monthly board pack")
    client.get_by_role("button", name="Send to the project manager").click()
    expect(client.get_by_role("heading", name=re.compile("CR-001"))).to_be_visible()
    expect(client.get_by_text("Submitted", exact=True)).to_be_visible()

    # The PM evaluates it: 10 days, 5,000 of labour, the go-live moves.
    sign_in(pm, "pm@e2e.test")
    pm.goto(f"/app/projects/{project.pk}/changes/")
    pm.get_by_role("link", name="CR-001").click()
    pm.get_by_role("link", name="Evaluate").click()
    pm.get_by_label("Scope added").fill("Excel export on every report")
    pm.get_by_label("Schedule impact (days)").fill("10")
    pm.get_by_label("Go-live").check()
    pm.get_by_label("Cost: Labour (EUR)").fill("5000")
    pm.get_by_role("combobox", name="Recommendation").select_option(label="Approve")
    pm.get_by_label("Internal evaluation notes").fill("Reuse the CSV exporter")
    pm.get_by_role("button", name="Save the evaluation").click()
    expect(pm.get_by_text("The impact is recorded.")).to_be_visible()
    expect(pm.get_by_role("cell", name="2027-01-10")).to_be_visible()  # the new end date
    pm.get_by_role("button", name="Send for approval").click()
    expect(pm.get_by_text("Awaiting the client's approval").first).to_be_visible()

    # The client sees the effect (not the internal notes) and approves.
    client.reload()
    expect(client.get_by_role("cell", name="2027-01-10")).to_be_visible()
    expect(client.get_by_role("cell", name="45,000.00 EUR")).to_be_visible()
    expect(client.get_by_text("Reuse the CSV exporter")).to_have_count(0)
    client.get_by_label("Approve", exact=True).check()
    client.get_by_role("button", name="Record my decision").click()
    expect(client.get_by_text("Your decision is recorded.")).to_be_visible()

    # The PM implements it: a new baseline version with the new end date.
    pm.reload()
    pm.get_by_role("button", name="Mark implemented (new baseline version)").click()
    expect(pm.get_by_text("Implemented as baseline version 2")).to_be_visible()
    pm.goto(f"/app/projects/{project.pk}/")
    expect(pm.get_by_text("2026-01-01 – 2027-01-10")).to_be_visible()

    latest = BaselineVersion.objects.filter(project=project).order_by("-number").first()
    assert latest is not None
    assert (latest.number, latest.status, latest.change_request_ref) == (2, "signed", "CR-001")
    assert latest.snapshot["schedule"]["end"] == "2027-01-10"
    assert latest.snapshot["budget_total"] == "45000.00"
    assert server_errors == []
