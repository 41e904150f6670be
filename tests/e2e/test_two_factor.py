"""Two-factor sign-in in a real browser, in English and Chinese: a member turns it on from
the QR code page (the image loads under the strict CSP), keeps the recovery codes, signs out,
and signs in again with the password and then the code from the authenticator."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp
import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from rapport.tenancy.models import Role
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def t(language: str, message: str, context: str = "") -> str:
    with translation.override(language):
        if context:
            return translation.pgettext(context, message)
        return translation.gettext(message)


def sign_in_with_password(page: Page, language: str, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("textbox", name=t(language, "Email")).fill(email)
    page.get_by_label(t(language, "Password")).fill(PASSWORD)
    page.get_by_role("button", name=t(language, "Sign in")).click()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_turn_on_sign_out_and_sign_in_with_the_code(
    new_context: Any, language: str, server_errors: list[str]
) -> None:
    email = f"two-factor-{language}@e2e.test"
    member = UserFactory(email=email, full_name="Mei Lin", language=language)
    MembershipFactory(user=member, role=Role.PM)
    page = new_context().new_page()
    csp_violations: list[str] = []
    page.on(
        "console",
        lambda msg: csp_violations.append(msg.text) if "Content Security" in msg.text else None,
    )

    page.goto("/accounts/login/", timeout=60_000)  # the live server's first request loads it
    if language != "en":  # the visitor picks the language before signing in
        page.get_by_role("button", name="简体中文").click()
        expect(page.locator("html")).to_have_attribute("lang", language)
    sign_in_with_password(page, language, email)
    expect(page).to_have_url(re.compile(r"/app/$"))
    expect(page.locator("html")).to_have_attribute("lang", language)

    # Turn it on from the preferences.
    page.goto("/accounts/preferences/")
    page.get_by_role("link", name=t(language, "Two-factor sign-in")).click()
    expect(page.get_by_role("heading", name=t(language, "Two-factor sign-in"))).to_be_visible()
    qr = page.get_by_role("img", name=t(language, "QR code for your authenticator app"))
    expect(qr).to_have_attribute("src", re.compile(r"^data:image/svg\+xml"))
    assert qr.evaluate("image => image.complete && image.naturalWidth > 0")
    secret = page.get_by_test_id("two-factor-secret").inner_text().strip()
    code = page.get_by_role("textbox", name=t(language, "Code", "two-factor"))
    code.fill("000000")
    page.get_by_role("button", name=t(language, "Turn on two-factor sign-in")).click()
    expect(page.get_by_role("alert")).to_contain_text(
        t(language, "This code is not correct. Enter the current code from your app.")
    )
    # The code of the previous 30 seconds is still accepted; the current one stays unused
    # for the sign-in below (a code works once).
    code.fill(pyotp.TOTP(secret).at(time.time() - 30))
    page.get_by_role("button", name=t(language, "Turn on two-factor sign-in")).click()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    page.get_by_role("link", name=t(language, "Continue")).click()
    expect(page).to_have_url(re.compile(r"/app/$"))

    # Sign out, then in again: password first, then the code.
    page.get_by_role("button", name=t(language, "Sign out")).click()
    sign_in_with_password(page, language, email)
    expect(page).to_have_url(re.compile(r"/accounts/login/code/$"))
    expect(page.get_by_role("heading", name=t(language, "Enter your code"))).to_be_visible()
    page.goto("/app/")  # not signed in before the code
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.go_back()
    page.get_by_role("textbox", name=t(language, "Code", "two-factor")).fill(
        pyotp.TOTP(secret).now()
    )
    page.get_by_role("button", name=t(language, "Sign in")).click()
    expect(page).to_have_url(re.compile(r"/app/$"))
    page.goto("/accounts/two-factor/")
    expect(page.get_by_test_id("two-factor-status")).to_contain_text(
        t(language, "Two-factor sign-in is on.")
    )
    assert csp_violations == []
    assert server_errors == []
