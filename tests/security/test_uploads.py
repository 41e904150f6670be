"""Uploads through the pages, as an attacker would send them: files disguised by their name,
polyglots, hostile names (folders, NUL bytes, line breaks) and oversize files. What is kept is
checked by its content, stored under a random name inside the private directory, and served
back only as a download that a browser neither sniffs nor runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rapport.clients.models import ClientImport
from rapport.messaging.models import MessageAttachment, Thread
from tests.conftest import login
from tests.messaging import samples

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
PNG_POLYGLOT = samples.png_bytes() + b"<html><script>alert(1)</script></html>"
GIF_POLYGLOT = b"GIF89a/*\x01\x00\x01\x00*/=1;alert(1)//<script>alert(2)</script>"
PDF_POLYGLOT = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF"


def _files() -> set[Path]:
    return {p for p in Path(settings.RAPPORT_ATTACHMENT_DIR).rglob("*") if p.is_file()}


def _post_message(side, *uploads: SimpleUploadedFile):
    return login(side.contact_a.user).post(
        f"/portal/projects/{side.project_a.pk}/messages/new/",
        {"subject": "Files", "body": "See attached", "attachments": list(uploads)},
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.png", SVG),
        ("page.png", HTML),
        ("page.jpg", HTML),
        ("notes.txt", SVG),
        ("figures.csv", HTML),
        ("report.pdf", HTML),
        ("logo.svg", SVG),
        ("page.html", HTML),
        ("page.htm", HTML),
        ("run.js", b"alert(1)"),
        ("app.exe", b"MZ\x90\x00" + b"\x00" * 60),
        ("shell.php.png", b"<?php system($_GET['c']); ?>"),
    ],
    ids=[
        "svg-as-png",
        "html-as-png",
        "html-as-jpg",
        "svg-as-txt",
        "html-as-csv",
        "html-as-pdf",
        "svg",
        "html",
        "htm",
        "js",
        "exe",
        "php-as-png",
    ],
)
def test_a_disguised_file_is_refused_and_nothing_is_kept(world, name, content):
    before = _files()
    response = _post_message(world.one, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert "was refused" in response.content.decode()
    assert not Thread.objects.exists()
    assert _files() == before


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("poly.png", PNG_POLYGLOT, "image/png"),
        ("poly.gif", GIF_POLYGLOT, "image/gif"),
        ("poly.pdf", PDF_POLYGLOT, "application/pdf"),
    ],
    ids=["png", "gif", "pdf"],
)
def test_a_polyglot_is_only_ever_served_as_a_download_of_its_checked_type(
    world, name, content, content_type
):
    """A file that is a valid image and a web page at once passes the content check as the
    image; it must never be shown as a page."""
    side = world.one
    assert _post_message(side, SimpleUploadedFile(name, content)).status_code == 302
    attachment = MessageAttachment.objects.get()
    assert attachment.content_type == content_type
    thread = attachment.message.thread
    for prefix, user in (("portal", side.contact_a.user), ("app", side.pm)):
        response = login(user).get(
            f"/{prefix}/projects/{side.project_a.pk}/messages/{thread.pk}/attachments/"
            f"{attachment.pk}/"
        )
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert "default-src 'none'" in response["Content-Security-Policy"]
        assert b"".join(response.streaming_content) == content


HOSTILE_NAMES = [
    "../../etc/passwd.png",
    "..\\..\\windows\\win.ini.png",
    "/etc/cron.d/evil.png",
    "C:\\evil\\x.png",
    "a\x00b.png",
    "\x00.png",
    "....//....//x.png",
    "%2e%2e%2f%2e%2e%2fx.png",
    "line\r\nX-Injected: yes.png",
    "\u202egnp.exe.png",
    "." * 300 + ".png",
    "x" * 1000 + ".png",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
def test_a_hostile_name_never_reaches_the_file_system_or_a_header(world, name):
    side = world.one
    root = Path(settings.RAPPORT_ATTACHMENT_DIR).resolve()
    before = _files()
    response = _post_message(side, SimpleUploadedFile(name, samples.png_bytes()))
    if response.status_code == 200:  # nothing left of the name to tell its type by
        assert "was refused" in response.content.decode()
        assert not Thread.objects.exists() and _files() == before
        return
    assert response.status_code == 302, response.content.decode()[:500]
    attachment = MessageAttachment.objects.get()
    # Stored under a random name of the project's folder, inside the private directory.
    stored = (root / attachment.stored_name).resolve()
    assert stored.is_relative_to(root)
    assert _files() - before == {stored}
    folder, random_name = attachment.stored_name.rsplit("/", 1)
    assert folder == f"{side.organisation.pk}/{side.project_a.pk}"
    assert len(random_name) == 32 and all(c in "0123456789abcdef" for c in random_name)
    # The name shown and sent back has no folder, control character or line break.
    shown = attachment.filename
    assert shown and len(shown) <= 255
    assert not any(c in shown for c in "/\\\x00\r\n\u202e")
    assert shown not in {".", ".."}
    response = login(side.pm).get(
        f"/app/projects/{side.project_a.pk}/messages/{attachment.message.thread.pk}/attachments/"
        f"{attachment.pk}/"
    )
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert "X-Injected" not in response


def test_an_oversize_attachment_is_refused_with_a_clear_error(world, settings):
    settings.RAPPORT_ATTACHMENT_MAX_BYTES = 1024
    before = _files()
    big = samples.png_bytes() + b"\x00" * 2048
    response = _post_message(world.one, SimpleUploadedFile("big.png", big))
    assert response.status_code == 200
    assert "“big.png” is 2.1\xa0KB: a file may be at most 1.0\xa0KB." in response.content.decode()
    assert not Thread.objects.exists() and _files() == before


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("../../etc/passwd.csv", b"Client,Name,Email\nBlue,Ada,ada@blue.example\n"),
        ("a\x00b.csv", b"Client,Name,Email\nBlue,Ada,ada@blue.example\n"),
        ("line\r\nX-Injected: yes.csv", b"Client,Name,Email\nBlue,Ada,ada@blue.example\n"),
    ],
    ids=["traversal", "nul", "crlf"],
)
def test_a_client_import_keeps_rows_never_a_file_and_a_clean_name(world, name, content):
    """A client list is read into rows, never written to disk; the name it is shown under has
    no folder or control character."""
    response = login(world.one.pm).post(
        reverse("clients:import"), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 302
    client_import = ClientImport.objects.get()
    assert [row for _number, row in client_import.rows] == [["Blue", "Ada", "ada@blue.example"]]
    assert not any(c in client_import.file_name for c in "/\\\x00\r\n")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("clients.xlsx", PNG_POLYGLOT, "This is not a CSV or Excel .xlsx file."),
        (
            "clients.csv",
            b"PK\x03\x04 not a zip",
            "This is not an Excel .xlsx file that can be read.",
        ),
        ("clients.csv", b"\xd0\xcf\x11\xe0 xls", "Old Excel files (.xls) cannot be read."),
    ],
    ids=["png-as-xlsx", "broken-zip-as-csv", "xls-as-csv"],
)
def test_a_client_import_is_read_by_its_content_not_its_name(world, name, content, message):
    response = login(world.one.pm).post(
        reverse("clients:import"), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ClientImport.objects.exists()


def test_an_oversize_client_import_is_refused_with_a_clear_error(world):
    big = b"Client,Name\n" + b"Blue,Ada\n" * (6 * 1024 * 1024 // 9)
    response = login(world.one.pm).post(
        reverse("clients:import"), {"file": SimpleUploadedFile("big.csv", big)}
    )
    assert response.status_code == 400
    assert "The file is larger than 5 MB." in response.content.decode()
    assert not ClientImport.objects.exists()
