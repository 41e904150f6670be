"""A baseline agreed and changed in a real browser: the PM drafts an objective that fails the
M of SMART (and sees why), fixes it, adds a milestone and submits; the client's approver signs
in the portal; the PM re-baselines with a reason, moves the milestone and submits again; the
client signs; the comparison of the two versions highlights the moved date."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STATEMENT = "Cut the time to answer a support ticket by half"
REASON = "The client's design review moved by six weeks"


def letter(page: Page, name: str) -> Any:
    return page.get_by_test_id(f"smart-{name}")


@pytest.fixture
def project() -> Any:
    """A published project of Contoso, whose contact Sam may sign; nothing agreed yet."""
    return browser.contoso_project(
        code="CON-7",
        name="Support desk relaunch",
        pm_email="pat@northwind.test",
        contact="Sam Approver",
        approver=True,
    ).project


def test_baseline_drafted_signed_rebaselined_and_compared(
    new_context: Any, live_server: Any, project: Any, server_errors: list[str]
) -> None:
    pm = new_context().new_page()
    client = new_context().new_page()

    # The PM opens the project's baseline.
    browser.sign_in(pm, "pat@northwind.test")
    pm.goto(f"/app/projects/{project.pk}/")
    pm.get_by_role("link", name="Baseline", exact=True).click()
    expect(pm.get_by_role("heading", name="Baseline", level=1)).to_be_visible()
    expect(pm.get_by_test_id("baseline-state")).to_contain_text("Draft")

    # An objective without a metric: the letters update as the PM types, M fails, and why.
    pm.get_by_role("link", name="Add objective").click()
    expect(letter(pm, "S")).to_have_attribute("data-passed", "false")
    pm.get_by_role("textbox", name="Statement").fill(STATEMENT)
    expect(letter(pm, "S")).to_have_attribute("data-passed", "true")  # live, through htmx
    pm.get_by_label("Target value").fill("4")
    pm.get_by_role("textbox", name="Unit").fill("hours")
    pm.get_by_label("Due date").fill("2026-06-30")
    pm.get_by_role("textbox", name="Why it matters").fill("Customers complain about waiting")
    pm.get_by_role("textbox", name="How it is achievable").fill("A new triage rota")
    expect(letter(pm, "T")).to_have_attribute("data-passed", "true")
    expect(letter(pm, "M")).to_have_attribute("data-passed", "false")
    expect(pm.get_by_text("M · Measurable")).to_be_visible()
    expect(pm.get_by_text("A metric and a target value.")).to_be_visible()
    pm.get_by_role("button", name="Save").click()

    # Saved as it is, the baseline shows the failing M with its reason.
    expect(pm.get_by_text("Objective added.")).to_be_visible()
    objective = pm.locator("article", has_text=STATEMENT)
    expect(objective.get_by_test_id("smart-M")).to_have_attribute("data-passed", "false")
    expect(objective.get_by_text("A metric and a target value.")).to_be_visible()

    # The PM fixes it: with a metric, M passes, and all five letters do.
    objective.get_by_role("link", name="Edit").click()
    pm.get_by_role("textbox", name="Metric").fill("median first response time")
    expect(letter(pm, "M")).to_have_attribute("data-passed", "true")
    expect(pm.get_by_text("All five letters pass.")).to_be_visible()
    pm.get_by_role("button", name="Save").click()
    expect(pm.get_by_text("Objective saved.")).to_be_visible()
    expect(
        pm.locator("article", has_text=STATEMENT).get_by_text("All five letters pass.")
    ).to_be_visible()

    # A milestone the client will see.
    pm.get_by_role("link", name="Add milestone").click()
    pm.get_by_role("textbox", name="Name").fill("Design approved")
    pm.get_by_label("Baseline date").fill("2026-03-02")
    expect(pm.get_by_role("checkbox", name="Visible to the client")).to_be_checked()
    pm.get_by_role("button", name="Save").click()
    expect(pm.get_by_text("Milestone added.")).to_be_visible()

    # Submitted to the client.
    pm.get_by_role("button", name="Submit to the client").click()
    expect(pm.get_by_text("Version 1 was sent to the client for sign-off.")).to_be_visible()
    expect(pm.get_by_test_id("baseline-state")).to_contain_text("Awaiting sign-off · version 1")

    # The client's approver reads it in the portal and signs it off.
    browser.sign_in(client, "sam@contoso.test")
    client.goto(f"/portal/projects/{project.pk}/")
    pending = client.get_by_test_id("pending-version")
    expect(
        pending.get_by_role("heading", name="Baseline version 1 awaits your sign-off")
    ).to_be_visible()
    expect(pending.get_by_text(STATEMENT)).to_be_visible()
    expect(pending.get_by_text("A new triage rota")).to_have_count(0)  # internal note
    client.get_by_role("button", name="Sign off").click()
    expect(client.get_by_text("You signed off version 1 of the baseline.")).to_be_visible()
    expect(client.get_by_test_id("agreed-baseline")).to_contain_text("Signed off by Sam Approver")

    # The PM re-baselines with a reason and moves the milestone.
    pm.reload()
    expect(pm.get_by_test_id("baseline-state")).to_contain_text("Signed · version 1")
    pm.get_by_role("textbox", name="Reason for the change").fill(REASON)
    pm.get_by_role("button", name="Re-baseline").click()
    expect(pm.get_by_test_id("baseline-state")).to_contain_text("Re-baselining")
    expect(pm.get_by_test_id("baseline-state")).to_contain_text(REASON)
    pm.locator("article", has=pm.get_by_role("heading", name="Design approved")).get_by_role(
        "link", name="Edit"
    ).click()
    pm.get_by_label("Baseline date").fill("2026-04-15")
    pm.get_by_role("button", name="Save").click()
    expect(pm.get_by_text("Milestone saved.")).to_be_visible()
    expect(pm.get_by_role("textbox", name="Reason for the change")).to_have_value(REASON)
    pm.get_by_role("button", name="Submit to the client").click()
    expect(pm.get_by_text("Version 2 was sent to the client for sign-off.")).to_be_visible()

    # The client signs the new version.
    client.reload()
    expect(
        client.get_by_role("heading", name="Baseline version 2 awaits your sign-off")
    ).to_be_visible()
    expect(client.get_by_test_id("pending-version")).to_contain_text(REASON)
    client.get_by_role("button", name="Sign off").click()
    expect(client.get_by_text("You signed off version 2 of the baseline.")).to_be_visible()

    # The PM compares the two versions: the moved date is highlighted.
    pm.reload()
    expect(pm.get_by_test_id("baseline-state")).to_contain_text("Signed · version 2")
    pm.get_by_role("button", name="Compare").click()
    expect(pm.get_by_role("heading", name="Compare versions")).to_be_visible()
    moved = pm.get_by_test_id("diff-milestones")
    expect(moved).to_contain_text("Design approved")
    row = moved.get_by_role("row").filter(has_text="Baseline date")
    expect(row.get_by_role("cell").nth(0)).to_have_text("2026-03-02")
    expect(row.get_by_role("cell").nth(1)).to_have_text("2026-04-15")
    expect(row.get_by_role("cell").nth(1)).to_have_class(re.compile("diff-cell-changed"))
    expect(pm.get_by_text(REASON)).to_be_visible()

    assert server_errors == []
