"""The PM's home in a real browser: the lines of what waits for the PM appear, and disappear
as each item is handled, by the PM in the app and by the client in the portal; the number
beside Home follows. Screenshots in both languages and at phone width go to test-results/
(not committed).

Run alone: ``pytest -p no:xdist tests/e2e/test_home.py``."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapport.changes import services as changes
from rapport.feedback import services as feedback
from rapport.meetings import minutes
from tests.e2e.browser import Scene, contoso_project, sign_in
from tests.e2e.conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene() -> Scene:
    """A PM's project with a change request the client raised, an overdue action item of the
    client's and a low score to follow up."""
    return contoso_project(code="CON-7", approver=True)


def test_lines_appear_and_disappear_as_items_are_handled(
    new_context: Any, scene: Scene, server_errors: list[str]
) -> None:
    pm_actor, contact_actor = scene.pm_actor, scene.contact_actor
    project = scene.project
    request = changes.change_request_create(
        actor=contact_actor, project=project, title="Export to Excel", description="For the board"
    )
    minutes.action_item_create(
        actor=pm_actor,
        project=project,
        what="Send the anonymised orders",
        due_date=timezone.localdate() - timedelta(days=3),
        owner_contact_id=scene.contact.pk,
        confirm_past_due=True,
    )
    feedback.feedback_record(
        actor=pm_actor,
        project=project,
        source="call",
        received_on=timezone.localdate(),
        quality=1,
        comment="The demo kept failing.",
    )

    pm = new_context().new_page()
    sign_in(pm, "pm@e2e.test")
    pm.goto("/app/")
    nav = pm.get_by_role("navigation", name="Main")
    expect(nav.get_by_test_id("waiting-count")).to_have_text(re.compile(r"^3\b"))
    on_you = pm.get_by_role("region", name="Decisions waiting on you")
    expect(on_you.get_by_role("link", name=re.compile("Export to Excel"))).to_be_visible()
    expect(on_you.get_by_role("columnheader", name="What needs you")).to_be_visible()
    overdue = pm.get_by_role("region", name="Overdue action items")
    expect(overdue.get_by_role("cell", name=re.compile("3 days overdue"))).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    pm.screenshot(path=ARTIFACTS / "home-en.png", full_page=True)

    # The PM closes the client's overdue action item from its line, by keyboard.
    overdue.get_by_role("link", name="Send the anonymised orders").focus()
    pm.keyboard.press("Enter")
    pm.get_by_role("textbox", name="What was done").fill("Received by email.")
    pm.get_by_role("button", name="Close it").click()
    expect(pm.get_by_text("The action item is closed.")).to_be_visible()
    pm.goto("/app/")
    expect(pm.get_by_role("region", name="Overdue action items")).to_have_count(0)
    expect(nav.get_by_test_id("waiting-count")).to_have_text(re.compile(r"^2\b"))

    # The PM handles the low score right on the home page.
    follow_ups = pm.get_by_test_id("feedback-follow-ups")
    expect(follow_ups.get_by_text("The demo kept failing.")).to_be_visible()
    follow_ups.get_by_role("textbox", name="How it was handled").fill(
        "Called Sam; new demo Friday."
    )
    follow_ups.get_by_role("button", name="Handled").click()
    pm.goto("/app/")
    expect(pm.get_by_test_id("feedback-follow-ups")).to_have_count(0)

    # The PM assesses the change request and sends it: it now waits on the client.
    changes.change_request_evaluate(
        actor=pm_actor,
        change_request=request,
        schedule_days=2,
        recommendation="approve",
        scope_added="Excel export",
    )
    changes.change_request_send_for_approval(actor=pm_actor, change_request=request)
    pm.reload()
    expect(pm.get_by_role("region", name="Decisions waiting on you")).to_have_count(0)
    on_client = pm.get_by_role("region", name="Decisions waiting on the client")
    expect(on_client.get_by_role("link", name=re.compile("Export to Excel"))).to_be_visible()

    # The client approves it in the portal: nothing waits for the PM any more.
    client = new_context().new_page()
    sign_in(client, "sam@contoso.test")
    client.goto(f"/portal/projects/{project.pk}/changes/{request.number}/")
    client.get_by_role("radio", name="Approve").check()
    client.get_by_role("button", name="Record my decision").click()
    expect(client.locator(".status.cr-approved")).to_have_text("Approved")
    pm.reload()
    expect(pm.get_by_test_id("nothing-waiting")).to_be_visible()
    expect(nav.get_by_test_id("waiting-count")).to_have_count(0)
    assert not server_errors


def test_screenshots_in_both_languages_and_at_phone_width(
    new_context: Any, scene: Scene, server_errors: list[str]
) -> None:
    pm_actor, contact_actor = scene.pm_actor, scene.contact_actor
    project = scene.project
    changes.change_request_create(
        actor=contact_actor, project=project, title="Export to Excel", description="For the board"
    )
    minutes.action_item_create(
        actor=pm_actor,
        project=project,
        what="Send the anonymised orders",
        due_date=timezone.localdate() - timedelta(days=1),
        owner_contact_id=scene.contact.pk,
        confirm_past_due=True,
    )
    pm = new_context().new_page()
    sign_in(pm, "pm@e2e.test")
    scene.pm.language = "zh-hans"
    scene.pm.save()
    pm.goto("/app/")
    expect(pm.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(pm.get_by_role("region")).to_have_count(3)  # two sections and the open projects
    ARTIFACTS.mkdir(exist_ok=True)
    pm.screenshot(path=ARTIFACTS / "home-zh-hans.png", full_page=True)
    pm.set_viewport_size({"width": 390, "height": 844})
    pm.screenshot(path=ARTIFACTS / "home-zh-hans-phone.png", full_page=True)
    scene.pm.language = "en"
    scene.pm.save()
    pm.reload()
    expect(pm.locator("html")).to_have_attribute("lang", "en")
    pm.screenshot(path=ARTIFACTS / "home-en-phone.png", full_page=True)
    width = pm.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the home page scrolls sideways at phone width ({width}px)"
    assert not server_errors
