"""A status report on a late project in a real browser: the PM drafts it, sees the computed
colour with its reasons, states green with a reason and publishes; the client sees both
colours and the reason in the portal, opens the PDF and acknowledges; the PM sees the
acknowledgement."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from rapport.projects import baseline_services
from rapport.projects.models import Milestone
from tests import factories
from tests.e2e.browser import contoso_project, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def late_project() -> Any:
    """Published, with a signed baseline whose design sign-off is 12 days overdue."""
    today = timezone.localdate()
    scene = contoso_project(
        code="CON-2", contact="Sam Approver", approver=True, days_from_today=(-60, 120)
    )
    project = scene.project
    Milestone.objects.create(
        project=project,
        name="Design sign-off",
        baseline_date=today - datetime.timedelta(days=12),
    )
    Milestone.objects.create(
        project=project, name="Go-live", baseline_date=today + datetime.timedelta(days=100)
    )
    factories.BudgetLine.objects.create(project=project, category="labour", amount=Decimal("40000"))
    version = baseline_services.baseline_submit(actor=scene.pm_actor, project=project)
    baseline_services.baseline_sign(actor=scene.contact_actor, version=version)
    return project


def test_status_report_from_draft_to_acknowledgement(
    new_context: Any, live_server: Any, late_project: Any, server_errors: list[str]
) -> None:
    project = late_project
    today = timezone.localdate()
    pm = new_context().new_page()
    client = new_context().new_page()

    # The PM drafts a report for the last week and sees the computed colour with its reasons.
    sign_in(pm, "pm@e2e.test")
    pm.goto(f"/app/projects/{project.pk}/reports/")
    pm.get_by_role("link", name="New status report").click()
    pm.get_by_label("Period start").fill((today - datetime.timedelta(days=20)).isoformat())
    pm.get_by_label("Period end").fill(today.isoformat())
    pm.get_by_role("button", name="Draft from the data").click()
    expect(pm.get_by_text("SR-001 is drafted from the data.")).to_be_visible()
    expect(
        pm.get_by_role("cell", name=re.compile(r"1 milestone overdue: Design sign-off \(12 days\)"))
    ).to_be_visible()
    # The narrative is pre-written from the data, for the PM to edit.
    expect(pm.get_by_role("textbox", name="Summary")).to_have_value(
        re.compile(r"^The computed health is \*\*(Amber|Red)\*\*: 1 milestone overdue")
    )
    computed = pm.locator("section", has=pm.get_by_role("heading", name="Computed health")).last
    expect(computed.locator("p .health")).to_have_text(re.compile("^(Amber|Red)$"))

    # States green: first without a reason (refused), then with one; and publishes.
    pm.get_by_role("textbox", name="Summary").fill("Design sign-off is booked for Monday.")
    pm.get_by_role("combobox", name="Stated health").select_option(label="Green")
    pm.get_by_role("button", name="Save").click()
    expect(pm.get_by_text("Say why the health differs from the computed one.")).to_be_visible()
    pm.get_by_role("textbox", name="Reason for the stated health").fill(
        "The client moved the sign-off meeting; nothing else waits on it."
    )
    pm.get_by_role("button", name="Save").click()
    expect(pm.get_by_text("The report is saved.")).to_be_visible()
    # A problem is not published without its way forward: the placeholder must be replaced.
    pm.get_by_role("button", name="Publish to the client").click()
    expect(pm.get_by_text(re.compile("Write the way forward for each problem"))).to_be_visible()
    pm.get_by_role("link", name="Edit", exact=True).click()
    pm.get_by_role("textbox", name="Problems and solutions").fill(
        "- Design sign-off is 12 days late: the client moved the meeting to Monday."
    )
    pm.get_by_role("button", name="Save").click()
    pm.get_by_role("button", name="Publish to the client").click()
    expect(
        pm.get_by_text("Published: the client sees it in the portal and by email.")
    ).to_be_visible()

    # The client sees both colours and the reason, and acknowledges.
    sign_in(client, "sam@contoso.test")
    client.goto(f"/portal/projects/{project.pk}/reports/")
    client.get_by_role("link", name="SR-001").click()
    computed = client.locator("section", has=client.get_by_role("heading", name="Computed health"))
    expect(computed.locator("p .health")).to_have_text(re.compile("^(Amber|Red)$"))
    stated = client.locator(
        "section", has=client.get_by_role("heading", name="Health stated by the project manager")
    )
    expect(stated.get_by_text("Green", exact=True)).to_be_visible()
    expect(
        client.get_by_text("The client moved the sign-off meeting; nothing else waits on it.")
    ).to_be_visible()
    expect(client.get_by_text(re.compile(r"Design sign-off \(12 days\)"))).to_be_visible()
    # The PDF link, opened with the client's session (headless Chromium has no PDF viewer).
    pdf_link = client.get_by_role("link", name="Download the PDF")
    response = client.request.get(pdf_link.get_attribute("href") or "")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.body())).pages)
    assert "The client moved the sign-off meeting" in " ".join(pdf_text.split())
    client.get_by_role("button", name="Acknowledge: I have read it").click()
    expect(client.get_by_text("Thank you: your acknowledgement is recorded.")).to_be_visible()
    expect(client.get_by_text(re.compile("You acknowledged this report on"))).to_be_visible()

    # The PM sees who acknowledged it.
    pm.get_by_role("link", name="Acknowledgements").click()
    acknowledged = pm.locator("ul").filter(has_text="Sam Approver")
    expect(acknowledged).to_be_visible()
    expect(pm.get_by_text("Everyone has acknowledged it.")).to_be_visible()

    # The portfolio shows the project's latest computed health.
    pm.goto("/app/projects/")
    row = pm.get_by_role("row", name=re.compile("Data platform"))
    expect(row.get_by_text(re.compile("^(Amber|Red)$"))).to_be_visible()
    assert server_errors == []
