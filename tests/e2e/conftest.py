"""Browser fixtures: Debian's Chromium driven by Playwright's sync API against pytest-django's
``live_server``. Without /usr/bin/chromium the browser tests are skipped, except on CI
(``CI=true``), where a missing browser is a failure."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = (
            f"{CHROMIUM} is missing: install Debian's Chromium "
            "(apt-get install -y chromium) to run the browser tests"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread; Django would
    # otherwise refuse the ORM calls that fixtures and tests make between browser steps.
    # Only while the browser lives, so that other tests keep Django's async-safety check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def server_errors() -> list[str]:
    """Every 5xx answer any page of the test received; the test asserts it stays empty."""
    return []


@pytest.fixture
def new_context(
    browser: Any, live_server: Any, request: pytest.FixtureRequest, server_errors: list[str]
) -> Generator[Callable[[], Any]]:
    """A factory of fresh browser contexts (separate cookie jars: separate people) on the live
    server, in English. On failure each context's open pages are saved as screenshots under
    test-results/."""
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="UTC")
        context.set_default_timeout(10_000)
        context.on(
            "response",
            lambda response: (
                server_errors.append(f"{response.status} {response.url}")
                if response.status >= 500
                else None
            ),
        )
        contexts.append(context)
        return context

    yield make
    failed = getattr(request.node, "rep_call", None)
    for number, context in enumerate(contexts):
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
            for index, page in enumerate(context.pages):
                with contextlib.suppress(Exception):  # a crashed page must not hide the failure
                    page.screenshot(path=ARTIFACTS / f"{name}-{number}-{index}.png", full_page=True)
        context.close()
