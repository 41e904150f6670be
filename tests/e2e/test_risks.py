"""Transparency in a real browser: a risk occurs and becomes an issue, sharing it without a
solution is refused with the reason, the PM proposes one and shares it with the client, and
the next status report carries it — the client reads it, with its solution, in the portal."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapport.notify.models import OutboundEmail
from rapport.reports import services as reports
from rapport.risks import services as risks
from rapport.risks.models import Issue
from tests.e2e.browser import contoso_project, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def watched_project() -> Any:
    """Project "Data platform" of Contoso in the portal, its first report published last week,
    and a risk in its register with no contingency plan yet."""
    today = timezone.localdate()
    scene = contoso_project(code="CON-4", days_from_today=(-60, 120))
    pm, project, actor = scene.pm, scene.project, scene.pm_actor
    report = reports.report_draft(
        actor=actor,
        project=project,
        period_start=today - datetime.timedelta(days=13),
        period_end=today - datetime.timedelta(days=7),
    )
    reports.report_publish(actor=actor, report=report)
    risks.risk_create(
        actor=actor,
        project=project,
        title="Data supplier misses the delivery",
        cause="Only one supplier for the market data feed",
        probability=3,
        impact=4,
        owner_id=pm.pk,
        trigger="The nightly file is missing",
    )
    return project


def test_a_risk_occurs_is_shared_with_its_solution_and_reaches_the_next_report(
    new_context: Any, live_server: Any, watched_project: Any, server_errors: list[str]
) -> None:
    project = watched_project
    pm = new_context().new_page()
    sign_in(pm, "pm@e2e.test")

    # The risk is on the heat map; it happens, and becomes an issue.
    pm.goto(f"/app/projects/{project.pk}/")
    pm.get_by_role("link", name="Risks", exact=True).click()
    expect(pm.get_by_role("heading", name="Risk register")).to_be_visible()
    pm.get_by_role("table", name="Open risks by probability and impact").get_by_role(
        "link", name="R-001"
    ).click()
    pm.get_by_role("textbox", name="What happened").fill(
        "The supplier's file did not arrive for three nights."
    )
    pm.get_by_role("button", name="It happened: open an issue").click()
    expect(pm.get_by_text("R-001 occurred: I-001 is in the issue log.")).to_be_visible()
    expect(pm.get_by_role("heading", name=re.compile("I-001"))).to_be_visible()

    # Sharing it without a way forward is refused, with the reason.
    pm.get_by_role("button", name="Share with the client").click()
    expect(
        pm.get_by_text(re.compile("never reported to the client without a way forward"))
    ).to_have_count(2)
    assert not Issue.objects.get().is_shared

    # The PM proposes a solution and shares it.
    pm.get_by_role("link", name="Edit").click()
    pm.get_by_label("Affects the schedule").check()
    pm.get_by_role("textbox", name="Impact in words").fill("Dashboards show data two days old.")
    pm.get_by_role("textbox", name="Proposed solution").fill(
        "Switch to the backup feed from Monday; the dashboards catch up within a day."
    )
    pm.get_by_role("button", name="Save").click()
    pm.get_by_role("button", name="Share with the client").click()
    expect(pm.get_by_text("I-001 is shared with the client")).to_be_visible()
    expect(pm.get_by_text(re.compile("It stays visible to them"))).to_be_visible()
    assert OutboundEmail.objects.filter(kind="issue_shared", to="sam@contoso.test").exists()

    # The next status report carries it, with its solution, and its health says why.
    pm.goto(f"/app/projects/{project.pk}/reports/")
    pm.get_by_role("link", name="New status report").click()
    pm.get_by_role("button", name="Draft from the data").click()
    # the draft opens for editing, its narrative written from the data
    problems = pm.get_by_role("textbox", name="Problems and solutions")
    expect(problems).to_have_value(re.compile("I-001 Data supplier misses the delivery"))
    expect(problems).to_have_value(re.compile("Proposed solution: Switch to the backup feed"))
    expect(pm.get_by_role("textbox", name="Summary")).to_have_value(
        re.compile("1 open issue affects the schedule")
    )
    pm.goto(f"/app/projects/{project.pk}/reports/2/")
    section = pm.locator("section", has=pm.get_by_role("heading", name="Problems and solutions"))
    expect(section.get_by_text(re.compile("Switch to the backup feed from Monday"))).to_be_visible()
    pm.get_by_role("button", name="Publish to the client").click()

    # The client reads it in the portal report, and on the project's risks and issues.
    client = new_context().new_page()
    sign_in(client, "sam@contoso.test")
    client.goto(f"/portal/projects/{project.pk}/reports/")
    client.get_by_role("link", name="SR-002").click()
    issue = client.get_by_test_id("report-issue")
    expect(issue.get_by_text("Data supplier misses the delivery")).to_be_visible()
    expect(issue.get_by_text(re.compile("Switch to the backup feed from Monday"))).to_be_visible()
    client.goto(f"/portal/projects/{project.pk}/")
    client.get_by_role("link", name="Risks and issues").click()
    shared = client.locator("article", has_text="I-001")
    expect(shared.get_by_text(re.compile("Switch to the backup feed from Monday"))).to_be_visible()
    expect(client.get_by_text("No risks have been shared with you.")).to_be_visible()
    assert server_errors == []
