"""The client portal's home in a real browser, by keyboard: the client's approver sees the
baseline waiting for their sign-off, follows the line to it, signs, and the line is gone from
the home. Screenshots in English, in Chinese and at phone width go to test-results/ (not
committed)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from rapport.projects import baseline_services
from tests import factories
from tests.e2e import browser
from tests.e2e.conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sam() -> Any:
    """Sam approves for Contoso, whose published project has a baseline awaiting sign-off."""
    scene = browser.contoso_project(
        code="CON-7",
        name="Support desk relaunch",
        pm_email="pat@northwind.test",
        contact="Sam Approver",
        approver=True,
    )
    factories.baseline_for(scene.project, pm=scene.pm)
    baseline_services.baseline_submit(actor=scene.pm_actor, project=scene.project)
    return scene.sam


def test_an_approval_waits_on_the_home_and_goes_once_signed(
    new_context: Any, live_server: Any, sam: Any, server_errors: list[str]
) -> None:
    page = new_context().new_page()
    browser.sign_in(page, sam.email)
    page.goto("/portal/")

    waiting = page.get_by_role("region", name="Waiting for you")
    approvals = waiting.get_by_role("region", name="Approvals")
    line = approvals.get_by_role("link", name="Sign off the baseline: Baseline version 1")
    expect(line).to_be_visible()
    expect(page.get_by_role("region", name="Current projects")).to_contain_text(
        "Support desk relaunch"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "portal-home-en.png", full_page=True)

    line.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("pending-version")).to_be_visible()
    page.get_by_label("Comment (optional)").fill("Agreed as discussed.")
    page.get_by_role("button", name="Sign off").first.click()
    expect(page.get_by_text("You signed off version 1 of the baseline.")).to_be_visible()
    expect(page.get_by_role("region", name="Timeline")).to_contain_text("Baseline signed off")

    page.get_by_role("link", name="My projects").first.click()
    expect(page.get_by_role("region", name="Waiting for you")).to_contain_text(
        "Nothing is waiting for you."
    )
    expect(
        page.get_by_role("link", name="Sign off the baseline: Baseline version 1")
    ).to_have_count(0)

    sam.language = "zh-hans"
    sam.save()
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.screenshot(path=ARTIFACTS / "portal-home-zh-hans.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=ARTIFACTS / "portal-home-zh-hans-phone.png", full_page=True)
    assert not server_errors
