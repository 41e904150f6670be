"""A portal conversation both ways in a real browser: the client opens a thread in the portal
with a file, the PM sees it waiting on the home page and answers in the app, the client sees
the answer (unread) and replies again, and the PM sees the reply waiting.

Run alone: ``pytest -p no:xdist tests/e2e/test_messages.py``."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from rapport.messaging.models import Message, Thread
from tests.e2e.browser import contoso_project, sign_in
from tests.messaging import samples

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def project() -> Any:
    return contoso_project(code="CON-3").project


def test_a_portal_conversation_both_ways(
    new_context: Any, project: Any, server_errors: list[str], tmp_path: Any
) -> None:
    client = new_context().new_page()
    pm = new_context().new_page()
    attachment = tmp_path / "test-data.pdf"
    attachment.write_bytes(samples.pdf_bytes())

    # The client opens a conversation in the portal, with a file.
    sign_in(client, "sam@contoso.test")
    client.goto("/portal/")
    client.get_by_role("link", name=re.compile("Data platform")).click()
    client.get_by_role("link", name="Messages").click()
    client.get_by_role("link", name="New conversation").click()
    client.get_by_role("textbox", name="Subject").fill("Where do we upload the test data?")
    client.get_by_role("textbox", name="Message").fill("We have **2 GB** of anonymised orders.")
    client.get_by_label("Attachments").set_input_files(str(attachment))
    client.get_by_role("button", name="Send").click()
    expect(client.get_by_text("Your message is sent.")).to_be_visible()
    expect(client.get_by_role("heading", name="Where do we upload the test data?")).to_be_visible()
    expect(client.locator(".post-body strong")).to_have_text("2 GB")
    expect(client.get_by_role("link", name="test-data.pdf")).to_be_visible()

    # The PM sees it waiting on the home page and answers in the app.
    sign_in(pm, "pm@e2e.test")
    pm.goto("/app/")
    waiting = pm.get_by_test_id("messages-waiting")
    expect(waiting.get_by_role("heading")).to_have_text("Client messages waiting for an answer")
    waiting.get_by_role("link", name="Where do we upload the test data?").click()
    expect(pm.get_by_text("We have 2 GB of anonymised orders.")).to_be_visible()
    expect(
        pm.get_by_text(re.compile("The client has been waiting for an answer since"))
    ).to_be_visible()
    with pm.expect_download() as download:
        pm.get_by_role("link", name="test-data.pdf").click()
    assert download.value.suggested_filename == "test-data.pdf"
    pm.get_by_role("textbox", name="Message").fill("Use the *shared folder*; the link follows.")
    pm.get_by_role("button", name="Send").click()
    expect(pm.get_by_text("Your message is sent.")).to_be_visible()
    expect(pm.get_by_text(re.compile("answered after"))).to_be_visible()
    pm.goto("/app/")
    expect(pm.get_by_test_id("messages-waiting")).to_have_count(0)

    # The client sees the answer waiting unread, reads it and replies.
    client.goto(f"/portal/projects/{project.pk}/")
    messages = client.get_by_role("link", name=re.compile("^Messages"))
    expect(messages.locator(".unread-badge")).to_have_text("1")
    messages.click()
    expect(client.get_by_role("main").get_by_text("1 unread")).to_be_visible()
    client.get_by_role("link", name="Where do we upload the test data?").click()
    expect(client.locator(".post-body em")).to_have_text("shared folder")
    expect(client.get_by_text("Pat Manager")).to_be_visible()
    client.get_by_role("textbox", name="Message").fill("Got it, uploading now. Thanks!")
    client.get_by_role("button", name="Send").click()
    expect(client.get_by_text("Got it, uploading now. Thanks!")).to_be_visible()

    # The PM sees the reply waiting again.
    pm.goto(f"/app/projects/{project.pk}/messages/")
    row = pm.get_by_role("row", name=re.compile("Where do we upload the test data"))
    expect(row.get_by_text("1 unread")).to_be_visible()
    expect(row.get_by_text("Waiting for our answer")).to_be_visible()
    expect(pm.get_by_test_id("response-times")).to_contain_text("Median wait")

    thread = Thread.objects.get()
    assert thread.waiting_since is not None
    assert Message.objects.filter(thread=thread).count() == 3
    assert server_errors == []
