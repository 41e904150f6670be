"""Steps every browser test takes."""

from __future__ import annotations

from playwright.sync_api import Page

PASSWORD = "patient-river-stone-54"


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
