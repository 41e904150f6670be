"""Every page the internal app and the portal serve, requested by a role that may see it (the
authorization matrix's URL list), carries a strict Content-Security-Policy and frame
protection, and its HTML has nothing that policy would block or that would need it loosened:
no inline script without the page's nonce, no inline event handlers, no ``javascript:`` URLs,
no inline styles, no htmx attribute that evaluates code."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse

from tests.test_authorization_matrix import (
    PAGES,
    Case,
    _client,
    matrix_world,  # noqa: F401 - the module-scoped world, reused
)

# Swagger UI (the API's documentation page) sets inline styles; only its page may, and only
# styles: its scripts are held to the same policy as every other page.
INLINE_STYLES_ALLOWED = {"api:openapi-view"}
FORBIDDEN_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:")


def policy(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


class Inspector(HTMLParser):
    """Collects what a strict policy would block, tag by tag."""

    def __init__(self, nonce: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.nonce = nonce
        self.problems: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>: an inline event handler")
            if name == "style":
                self.problems.append(f"<{tag} style=…>: an inline style")
            if name.startswith(("hx-on", "data-hx-on")):
                self.problems.append(f"<{tag} {name}>: htmx would evaluate it")
            if name in {"hx-vals", "hx-vars", "hx-headers"} and (value or "").lstrip().startswith(
                ("js:", "javascript:")
            ):
                self.problems.append(f"<{tag} {name}={value!r}>: htmx would evaluate it")
            url = name in {"href", "src", "action", "formaction", "xlink:href"}
            if (
                url
                and re.match(r"\s*(javascript|vbscript|data):", value or "", re.IGNORECASE)
                and not (tag == "img" and (value or "").startswith("data:image/"))
            ):
                self.problems.append(f"<{tag} {name}={value!r}>: a script URL")
        if tag == "script":
            self.scripts += 1
            src = values.get("src")
            data_block = (values.get("type") or "").lower() in {"application/json", "text/plain"}
            if (
                src is None
                and not data_block
                and (self.nonce is None or values.get("nonce") != self.nonce)
            ):
                self.problems.append("<script> inline without the page's nonce")
            if src is not None and re.match(r"\s*(https?:)?//", src):
                self.problems.append(f"<script src={src!r}>: not from our own origin")
        if tag == "style":
            self.problems.append("<style>: an inline style sheet")
        if tag in {"iframe", "object", "embed", "frame"}:
            self.problems.append(f"<{tag}>: embedded content")


def _page_cases() -> list[Any]:
    params = []
    for name, cases in PAGES.items():
        for case in cases:
            if case.method != "GET":
                continue
            role = _reader(case)
            if role is not None:
                params.append(pytest.param(name, case, role, id=f"{name}|{case.tag}|{role}"))
    return params


def _reader(case: Case) -> str | None:
    """A role that gets the page itself (a 200): the owner where possible, otherwise the first
    role that does (a portal contact for the portal's pages); anonymous for public pages."""
    if case.public and case.anon == 200:
        return "anon"
    for role, status in case.ok.items():
        if status == 200 and role == "owner":
            return role
    return next((role for role, status in case.ok.items() if status == 200), None)


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "case", "role"), _page_cases())
def test_every_page_has_a_strict_policy_and_nothing_it_would_block(
    matrix_world,  # noqa: F811
    key: str,
    case: Case,
    role: str,
) -> None:
    owner = matrix_world.one
    http = _client() if role == "anon" else _client(session=owner.extra["sessions"][role])
    path = reverse(key, kwargs=case.kwargs(owner))
    response = http.get(path, case.query(owner) if case.query else None)
    where = f"{role} GET {path}"
    assert response.status_code == 200, f"{where}: {response.status_code}"
    content = b"".join(response.streaming_content) if response.streaming else response.content

    assert response.get("X-Content-Type-Options") == "nosniff", where
    assert response.get("X-Frame-Options") == "DENY", where
    content_type = response.get("Content-Type", "")
    if key == "help:picture":  # the user guide's own pictures, shown in its pages
        assert content_type == "image/png" and content.startswith(b"\x89PNG"), where
        return
    if not content_type.startswith("text/html"):
        assert "attachment" in response.get("Content-Disposition", "") or content_type.startswith(
            ("application/json", "text/plain", "text/csv", "text/calendar", "application/pdf")
        ), f"{where}: {content_type} served inline"
        return

    header = response.get("Content-Security-Policy")
    assert header, f"{where}: no Content-Security-Policy header"
    directives = policy(header)
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src, f"{where}: no script-src nor default-src: {header}"
    assert not set(script_src) & set(FORBIDDEN_SOURCES), f"{where}: script-src {script_src}"
    for directive in ("default-src", "style-src", "object-src", "base-uri", "form-action"):
        sources = list(directives.get(directive) or [])
        if directive == "style-src" and key in INLINE_STYLES_ALLOWED:
            sources.remove("'unsafe-inline'")
        if sources:
            assert not set(sources) & {"'unsafe-inline'", "'unsafe-eval'", "*"}, (
                f"{where}: {directive} {sources}"
            )
    assert directives.get("frame-ancestors") == ["'none'"], f"{where}: {header}"
    nonces = [s[len("'nonce-") : -1] for s in script_src if s.startswith("'nonce-")]
    assert len(nonces) <= 1, where

    inspector = Inspector(nonces[0] if nonces else None)
    inspector.feed(content.decode())
    inspector.close()
    assert not inspector.problems, f"{where}:\n" + "\n".join(sorted(set(inspector.problems)))


def test_the_crawl_covers_every_page_of_the_app_and_the_portal() -> None:
    """Every named page with a GET case that someone reads is crawled; the app's and the
    portal's pages are all among them."""
    crawled = {param.values[0] for param in _page_cases()}
    readable = {
        name
        for name, cases in PAGES.items()
        for case in cases
        if case.method == "GET" and any(status == 200 for status in case.ok.values())
    }
    assert readable <= crawled
    assert {"portal:home", "projects:list"} <= crawled


def test_the_inspector_sees_what_the_policy_would_block() -> None:
    inspector = Inspector("n0nce")
    inspector.feed(
        '<script nonce="n0nce">ok()</script><script type="application/json">{}</script>'
        '<script src="/static/a.js"></script>'
        '<script>bad()</script><script nonce="other">bad()</script>'
        '<script src="https://cdn.example/x.js"></script>'
        '<img src=x onerror="bad()"><a href=" javascript:bad()">x</a><p style="color:red">'
        '<button hx-on:click="bad()">x</button><div hx-vals="js:{a: bad()}"></div>'
        "<style>p{}</style><iframe src=/x></iframe>"
    )
    assert len(inspector.problems) == 10, inspector.problems
