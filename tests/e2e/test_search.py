"""Global search in a real browser: "/" and Ctrl+K put the cursor in the top bar's search box
from any page, Enter shows the grouped results with the words marked, and typing on the
results page updates them without a reload (htmx), all under the Content-Security-Policy.

Run alone: ``pytest -p no:xdist tests/e2e/test_search.py``."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from rapport.changes.models import ChangeRequest
from tests.e2e.browser import contoso_project, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def project() -> Any:
    project = contoso_project(code="CON-3", contact=None, published=False).project
    for number, title in enumerate(["需求变更：增加导出功能", "Export to Excel"], start=1):
        ChangeRequest.objects.create(
            project=project, number=number, title=title, description="…", state="submitted"
        )
    return project


def test_search_from_the_keyboard(new_context: Any, project: Any, server_errors: list[str]) -> None:
    page = new_context().new_page()
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security" in message.text else None
        ),
    )
    sign_in(page, "pm@e2e.test")
    page.goto("/app/clients/")
    box = page.get_by_role("searchbox", name="Search").first

    page.keyboard.press("/")
    expect(box).to_be_focused()
    page.keyboard.type("需求")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Change requests")).to_be_visible()
    expect(page.locator("mark", has_text="需求")).to_be_visible()
    page.get_by_role("link", name="CR-001 · 需求变更：增加导出功能").click()
    expect(page).to_have_url(f"/app/projects/{project.pk}/changes/1/")

    page.keyboard.press("Control+k")
    expect(box).to_be_focused()
    page.keyboard.press("Escape")

    page.goto("/app/search/")
    page.locator("main").get_by_role("searchbox").fill("excel")
    expect(page.locator("main mark", has_text="Excel")).to_be_visible()
    expect(page).to_have_url("/app/search/?q=excel")
    assert not blocked and not server_errors
