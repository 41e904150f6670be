"""The first hour of a new organisation, through the real UI in a real browser: sign up,
add a client, a contact and a project, publish the project, invite the contact, follow the
invitation from the outbox, and see the project in the contact's portal in both languages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.e2e

OWNER_EMAIL = "ada@northwind-studio.test"
OWNER_PASSWORD = "quiet-harbour-lantern-81"
CONTACT_EMAIL = "grace@contoso.test"
CONTACT_PASSWORD = "amber-orbit-kettle-29"
CLIENT = "Contoso Logistics"
PROJECT = "Warehouse portal relaunch"


def field(page: Page, name: str) -> Locator:
    """A text input by its accessible name (the label; the required star is aria-hidden)."""
    return page.get_by_role("textbox", name=name, exact=True)


def choice(page: Page, name: str) -> Locator:
    return page.get_by_role("combobox", name=name, exact=True)


def test_signup_to_client_portal(
    new_context: Any, live_server: Any, settings: Any, server_errors: list[str]
) -> None:
    settings.SITE_URL = live_server.url  # the invitation link must point at this server
    owner = new_context().new_page()

    # Sign up an organisation.
    owner.goto("/accounts/signup/")
    field(owner, "Organisation").fill("Northwind Studio")
    field(owner, "Your name").fill("Ada Lovelace")
    field(owner, "Email").fill(OWNER_EMAIL)
    field(owner, "Password").fill(OWNER_PASSWORD)
    field(owner, "Password again").fill(OWNER_PASSWORD)
    choice(owner, "Language").select_option(label="English")
    owner.get_by_role("button", name="Create organisation").click()
    expect(owner).to_have_url(re.compile(r"/app/$"))
    expect(owner.get_by_role("heading", name="Hello, Ada Lovelace")).to_be_visible()

    # A client...
    owner.get_by_role("link", name="Add your first client").click()
    field(owner, "Name").fill(CLIENT)
    choice(owner, "Language").select_option(label="English")
    owner.get_by_role("button", name="Save").click()
    expect(owner.get_by_role("heading", name=CLIENT, level=1)).to_be_visible()

    # ... one of its people ...
    owner.get_by_role("link", name="Add contact").click()
    field(owner, "Full name").fill("Grace Hopper")
    field(owner, "Email").fill(CONTACT_EMAIL)
    choice(owner, "Language").select_option(label="English")
    owner.get_by_role("button", name="Save").click()
    expect(owner.get_by_role("heading", name="Grace Hopper", level=1)).to_be_visible()
    contact_url = owner.url

    # ... and a project for the client, published to its portal.
    owner.get_by_role("link", name=CLIENT).click()
    owner.get_by_role("link", name="New project").click()
    expect(choice(owner, "Client").locator("option:checked")).to_have_text(CLIENT)
    field(owner, "Name").fill(PROJECT)
    field(owner, "Code").fill("CTS-01")
    field(owner, "Start date").fill("2026-02-01")
    field(owner, "End date").fill("2026-09-30")
    owner.get_by_role("button", name="Save").click()
    expect(owner.get_by_role("heading", name=PROJECT, level=1)).to_be_visible()
    owner.get_by_role("button", name="Publish to the client portal").click()
    expect(owner.get_by_text("The project is now visible in the client portal.")).to_be_visible()
    expect(owner.get_by_role("button", name="Take out of the portal")).to_be_visible()

    # Invite the contact to the portal.
    owner.goto(contact_url)
    owner.get_by_role("button", name="Invite to the portal").click()
    expect(owner.get_by_text(f"Portal invitation sent to {CONTACT_EMAIL}.")).to_be_visible()

    # The owner reads the invitation in the outbox.
    owner.get_by_role("navigation", name="Main").get_by_role("link", name="Outbox").click()
    expect(owner.get_by_role("heading", name="Outbox")).to_be_visible()
    row = owner.get_by_role("row").filter(has_text=CONTACT_EMAIL)
    expect(row).to_have_count(1)
    expect(row.get_by_text("Sent", exact=True)).to_be_visible()
    row.get_by_role("link", name=f"Your client portal for {CLIENT}").click()
    body = owner.get_by_test_id("email-body")
    expect(body).to_contain_text("Hello Grace Hopper,")
    match = re.search(r"https?://\S+/portal/invitation/\S+/", body.inner_text())
    assert match, body.inner_text()
    invitation_link = match.group(0)
    assert invitation_link.startswith(live_server.url)

    # The owner is a member, not a contact: the portal does not exist for them.
    response = owner.goto("/portal/")
    assert response is not None
    assert response.status == 404

    # The contact, in their own browser, accepts the invitation by choosing a password.
    contact = new_context().new_page()
    contact.goto(invitation_link)
    expect(contact.get_by_role("heading", name=f"Your client portal for {CLIENT}")).to_be_visible()
    field(contact, "Password").fill(CONTACT_PASSWORD)
    field(contact, "Password again").fill(CONTACT_PASSWORD)
    contact.get_by_role("button", name="Open my portal").click()
    expect(contact).to_have_url(re.compile(r"/portal/$"))
    expect(contact.get_by_text("Welcome, Grace Hopper. Here are your projects.")).to_be_visible()
    expect(contact.get_by_role("heading", name="My projects")).to_be_visible()
    expect(contact.get_by_role("heading", name=PROJECT)).to_be_visible()
    contact.get_by_role("link", name=PROJECT).click()
    expect(contact.get_by_role("heading", name=PROJECT, level=1)).to_be_visible()
    expect(contact.get_by_text("Shared with you by Ada Lovelace")).to_be_visible()

    # The contact is not a member: the internal app does not exist for them.
    response = contact.goto("/app/")
    assert response is not None
    assert response.status == 404

    # The link worked once.
    response = contact.goto(invitation_link)
    assert response is not None
    assert response.status == 410

    # The contact switches the interface to Chinese with the footer switch.
    contact.goto("/portal/")
    contact.get_by_role("contentinfo").get_by_role("button", name="简体中文").click()
    expect(contact.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(contact.get_by_role("heading", name="我的项目")).to_be_visible()
    expect(contact.get_by_role("navigation").get_by_role("link", name="我的项目")).to_be_visible()
    expect(contact.get_by_role("banner").get_by_text("客户门户")).to_be_visible()
    expect(contact.get_by_role("link", name=PROJECT)).to_be_visible()

    assert server_errors == []
