"""A question on a published status report in a real browser: the client asks it in the portal,
the PM sees it waiting on the report list and answers it on the report's page, the client
reads the answer."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapport.reports import services as reports
from tests.e2e.browser import contoso_project, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published_report() -> Any:
    """Project "Data platform" of Contoso in the portal, with its report SR-001 published."""
    today = timezone.localdate()
    scene = contoso_project(code="CON-3", days_from_today=(-60, 120))
    actor, project = scene.pm_actor, scene.project
    report = reports.report_draft(
        actor=actor,
        project=project,
        period_start=today - datetime.timedelta(days=6),
        period_end=today,
    )
    return reports.report_publish(actor=actor, report=report)


def test_the_client_asks_and_the_pm_answers(
    new_context: Any, live_server: Any, published_report: Any, server_errors: list[str]
) -> None:
    project = published_report.project
    client = new_context().new_page()
    pm = new_context().new_page()

    # The client asks a question on the published report.
    sign_in(client, "sam@contoso.test")
    client.goto(f"/portal/projects/{project.pk}/reports/")
    client.get_by_role("link", name="SR-001").click()
    client.get_by_role("textbox", name="Ask a question or comment").fill(
        "Why is the go-live date not in this report?"
    )
    client.get_by_role("button", name="Send to the project team").click()
    expect(client.get_by_text("Your message is with the project team now.")).to_be_visible()
    expect(client.get_by_text("Why is the go-live date not in this report?")).to_be_visible()
    expect(client.get_by_text("The project team has not answered yet.")).to_be_visible()

    # The PM sees it waiting on the report list and answers it on the report's page.
    sign_in(pm, "pm@e2e.test")
    pm.goto(f"/app/projects/{project.pk}/reports/")
    row = pm.get_by_role("row", name=re.compile("SR-001"))
    row.get_by_role("link", name="1", exact=True).click()
    thread = pm.locator("article", has_text="Why is the go-live date not in this report?")
    expect(thread.get_by_text(re.compile("^Waiting for an answer for"))).to_be_visible()
    thread.get_by_role("textbox", name="Your answer").fill(
        "It is confirmed for next month; the next report shows it."
    )
    thread.get_by_role("button", name="Send the answer").click()
    expect(pm.get_by_text("Your answer is sent to the client.")).to_be_visible()
    thread = pm.locator("article", has_text="Why is the go-live date not in this report?")
    expect(thread.get_by_text("Answered", exact=True)).to_be_visible()
    pm.goto(f"/app/projects/{project.pk}/reports/")
    row = pm.get_by_role("row", name=re.compile("SR-001"))
    expect(row.get_by_role("link", name="1", exact=True)).to_have_count(0)  # nothing waits

    # The client reads the answer, from the project team.
    client.reload()
    thread = client.locator("article", has_text="Why is the go-live date not in this report?")
    expect(
        thread.get_by_text("It is confirmed for next month; the next report shows it.")
    ).to_be_visible()
    expect(thread.get_by_text("Pat Manager")).to_be_visible()
    expect(thread.get_by_text("project team", exact=True)).to_be_visible()
    expect(client.get_by_text("The project team has not answered yet.")).to_have_count(0)
    assert server_errors == []
