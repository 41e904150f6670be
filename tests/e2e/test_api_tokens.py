"""API tokens in a real browser: a project manager creates a read-only token, sees its scope in
the list, and the token reads but cannot write through the API; the page in Chinese offers the
same choice. Screenshots go to test-results/ (not committed)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from rapport.tenancy.models import Membership
from tests import factories
from tests.e2e import browser
from tests.e2e.conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return gettext(message)


@pytest.fixture
def pat() -> Any:
    user = browser.person("pat@northwind.test", "Pat Manager")
    organisation = factories.OrganisationFactory(name="Northwind")
    Membership.objects.create(organisation=organisation, user=user, role="pm")
    return user


def _call(url: str, secret: str, method: str = "GET", body: Any = None) -> int:
    request = urllib.request.Request(
        url,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_a_read_only_token_is_chosen_listed_and_refused_writes(
    new_context: Any, live_server: Any, pat: Any, server_errors: list[str]
) -> None:
    page = new_context().new_page()
    browser.sign_in(page, pat.email)
    page.goto("/accounts/tokens/")
    page.get_by_label("Name").fill("Spreadsheet")
    expect(page.get_by_role("radio", name="Read only")).to_be_checked()  # the safe default
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_test_id("new-token").inner_text().strip()
    expect(page.get_by_test_id("token-scope").first).to_have_text("Read only")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "api-tokens-en.png", full_page=True)

    assert _call(f"{live_server.url}/api/v1/clients", secret) == 200
    assert _call(f"{live_server.url}/api/v1/clients", secret, "POST", {"name": "X"}) == 403

    page.get_by_label("Name").fill("Sync")
    page.get_by_role("radio", name="Read and write").check()
    page.get_by_role("button", name="Create token").click()
    writer = page.get_by_test_id("new-token").inner_text().strip()
    expect(page.get_by_test_id("token-scope").first).to_have_text("Read and write")
    assert _call(f"{live_server.url}/api/v1/clients", writer, "POST", {"name": "X"}) == 201

    pat.language = "zh-hans"
    pat.save()
    page.goto("/accounts/tokens/")  # not a reload: that would post the form again
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("radio", name=zh("Read only"))).to_be_checked()
    expect(page.get_by_role("radio", name=zh("Read and write"))).to_be_visible()
    expect(page.get_by_test_id("token-scope")).to_have_text([zh("Read and write"), zh("Read only")])
    page.screenshot(path=ARTIFACTS / "api-tokens-zh-hans.png", full_page=True)
    assert not server_errors
