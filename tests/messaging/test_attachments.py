"""Attachments: only known types whose bytes match their name, within size and number; kept
privately under a random name; served only as downloads to those in the conversation."""

from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from rapport.messaging import services
from rapport.messaging.models import Message, MessageAttachment, Thread
from tests.conftest import login
from tests.messaging import samples

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def _files() -> set[Path]:
    return {path for path in Path(settings.RAPPORT_ATTACHMENT_DIR).rglob("*") if path.is_file()}


def _open(side, attachments, actor=None):
    return services.thread_open(
        actor=actor or side.contact_actor(side.contact_a),
        project=side.project_a,
        subject="Files",
        body="See attached",
        attachments=attachments,
    )


ACCEPTED = [
    ("minutes.pdf", samples.pdf_bytes(), "application/pdf"),
    ("screen.png", samples.png_bytes(), "image/png"),
    ("photo.JPG", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20, "image/jpeg"),
    ("anim.gif", b"GIF89a\x01\x00\x01\x00" + b"\x00" * 20, "image/gif"),
    ("pic.webp", b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 20, "image/webp"),
    ("notes.txt", "Plain notes, 中文也可以。\n".encode(), "text/plain"),
    ("figures.csv", "项目,金额\n预约系统,1200\n".encode("gb18030"), "text/csv"),
    ("sheet.csv", "name,amount\r\nA,1\r\n".encode("utf-16"), "text/csv"),
    (
        "spec.docx",
        samples.docx_bytes(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("draft.odt", samples.odt_bytes(), "application/vnd.oasis.opendocument.text"),
]


@pytest.mark.parametrize(("name", "content", "content_type"), ACCEPTED)
def test_accepted_kinds_are_kept_with_the_type_found(world, name, content, content_type):
    side = world.one
    before = _files()
    thread = _open(side, [samples.upload(name, content)])
    attachment = MessageAttachment.objects.get(message__thread=thread)
    assert (attachment.filename, attachment.content_type) == (name, content_type)
    assert attachment.size == len(content)
    stored = Path(settings.RAPPORT_ATTACHMENT_DIR) / attachment.stored_name
    assert _files() - before == {stored}
    assert stored.read_bytes() == content
    assert attachment.stored_name.startswith(f"{side.organisation.pk}/{side.project_a.pk}/")
    assert name.rsplit(".", 1)[0] not in attachment.stored_name
    assert stored.stat().st_mode & 0o077 == 0


REFUSED = [
    ("setup.exe", b"MZ\x90\x00" + b"\x00" * 60, "only these types are accepted"),
    ("page.html", b"<html><script>alert(1)</script></html>", "only these types are accepted"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>', "only"),
    ("screen.png", b"MZ\x90\x00 not a png at all", "its content is not a .png file"),
    ("photo.png", b"GIF89a\x01\x00\x01\x00", "its content is not a .png file"),
    ("notes.txt", b"<!DOCTYPE html><html><body onload=x()>", "its content is not a .txt file"),
    ("tool.txt", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "its content is not a .txt file"),
    ("report.pdf", b"<html>%PDF-1.4</html>", "its content is not a .pdf file"),
    ("macro.docx", samples.docx_bytes(macro=True), "its content is not a .docx file"),
    ("fake.docx", samples.odt_bytes(), "its content is not a .docx file"),
    ("fake.xlsx", samples.docx_bytes(), "its content is not a .xlsx file"),
    ("noextension", b"%PDF-1.4", "only these types are accepted"),
    ("empty.pdf", b"", "is empty"),
]


@pytest.mark.parametrize(("name", "content", "reason"), REFUSED)
def test_refused_kinds_write_nothing(world, name, content, reason):
    side = world.one
    before = _files()
    with pytest.raises(ValidationError) as refused:
        _open(side, [samples.pdf(), samples.upload(name, content)])
    errors = refused.value.message_dict["attachments"]
    assert len(errors) == 1 and reason in errors[0] and name in errors[0]
    assert _files() == before
    assert not Thread.objects.exists() and not MessageAttachment.objects.exists()


def test_a_file_over_the_size_limit_is_refused(world):
    side = world.one
    before = _files()
    big = samples.upload("big.pdf", b"%PDF-1.4\n" + b"0" * (10 * MB))
    with pytest.raises(ValidationError) as refused:
        _open(side, [big])
    assert refused.value.message_dict["attachments"] == [
        "“big.pdf” is 10.0\xa0MB: a file may be at most 10.0\xa0MB."
    ]
    assert settings.RAPPORT_ATTACHMENT_MAX_BYTES == 10 * MB
    assert _files() == before and not Message.objects.exists()


def test_at_most_five_files_a_message(world):
    side = world.one
    before = _files()
    with pytest.raises(ValidationError) as refused:
        _open(side, [samples.png(f"{n}.png") for n in range(6)])
    assert refused.value.message_dict["attachments"] == ["Attach at most 5 files to a message."]
    assert _files() == before
    _open(side, [samples.png(f"{n}.png") for n in range(5)])
    assert MessageAttachment.objects.count() == 5


class _BrokenUpload(ContentFile):
    """An upload whose stream fails while it is being written (a disk or network error)."""

    def chunks(self, chunk_size=None):
        yield b"%PDF-"
        raise OSError("the upload broke off")


def test_files_written_before_a_failure_are_removed(world):
    side = world.one
    before = _files()
    broken = _BrokenUpload(b"%PDF-1.4 the rest", name="second.pdf")
    with pytest.raises(OSError):
        _open(side, [samples.pdf("first.pdf"), broken])
    assert _files() == before
    assert not Thread.objects.exists() and not MessageAttachment.objects.exists()


def test_the_folder_and_control_characters_of_a_name_are_dropped(world):
    side = world.one
    _open(side, [samples.upload("..\\..\\evil\x07/../../报告\u202e.pdf", samples.pdf_bytes())])
    assert MessageAttachment.objects.get().filename == "报告.pdf"


# --- the download -----------------------------------------------------------------------------


def _attachment(side, name="会议纪要 v2.pdf"):
    thread = _open(side, [samples.upload(name, samples.pdf_bytes())])
    return thread, MessageAttachment.objects.get(message__thread=thread)


def _url(prefix, side, thread, attachment):
    return (
        f"/{prefix}/projects/{side.project_a.pk}/messages/{thread.pk}/attachments/{attachment.pk}/"
    )


def test_a_download_is_an_attachment_that_is_never_sniffed_or_run(world):
    side = world.one
    thread, attachment = _attachment(side)
    for prefix, user in (("portal", side.contact_a.user), ("app", side.member)):
        response = login(user).get(_url(prefix, side, thread, attachment))
        assert response.status_code == 200, prefix
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            f"attachment; filename*=utf-8''{quote('会议纪要 v2.pdf')}"
        )
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"].startswith("sandbox")
        assert b"".join(response.streaming_content) == samples.pdf_bytes()


def test_an_ascii_name_is_quoted(world):
    side = world.one
    thread, attachment = _attachment(side, name='plan "final".pdf')
    response = login(side.pm).get(_url("app", side, thread, attachment))
    assert response["Content-Disposition"] == 'attachment; filename="plan \\"final\\".pdf"'


def test_only_the_conversation_may_download(world):
    side, other = world.one, world.two
    thread, attachment = _attachment(side)
    denied = [
        ("portal", side.contact_b.user),
        ("portal", other.contact_a.user),
        ("portal", side.pm),
        ("app", other.pm),
        ("app", other.owner),
        ("app", side.outsider),
        ("app", side.contact_a.user),
    ]
    for prefix, user in denied:
        response = login(user).get(_url(prefix, side, thread, attachment))
        assert response.status_code == 404, (prefix, user)
    # The right attachment id under another thread is not found either.
    elsewhere = services.thread_open(
        actor=side.actor(side.pm), project=side.project_a, subject="Other", body="Other"
    )
    response = login(side.pm).get(_url("app", side, elsewhere, attachment))
    assert response.status_code == 404


def test_a_refused_upload_in_the_form_says_why_and_writes_nothing(world):
    side = world.one
    before = _files()
    response = login(side.contact_a.user).post(
        f"/portal/projects/{side.project_a.pk}/messages/new/",
        {
            "subject": "Logo",
            "body": "Our logo",
            "attachments": [samples.upload("logo.svg", b"<svg onload='x()'/>")],
        },
    )
    assert response.status_code == 200
    assert "“logo.svg” was refused: only these types are accepted" in response.content.decode()
    assert not Thread.objects.exists() and _files() == before


def test_the_daily_sweep_removes_files_no_attachment_names(world):
    import os
    import time

    from rapport.messaging import attachments
    from rapport.messaging.tasks import sweep_attachments

    side = world.one
    _open(side, [samples.pdf()])
    kept = Path(settings.RAPPORT_ATTACHMENT_DIR) / MessageAttachment.objects.get().stored_name
    orphan = Path(settings.RAPPORT_ATTACHMENT_DIR) / "1" / "1" / "orphan-of-a-rollback"
    fresh = orphan.with_name("still-being-written")
    for path in (orphan, fresh):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-")
    hours_ago = time.time() - 2 * 3600
    for path in (orphan, kept):
        os.utime(path, (hours_ago, hours_ago))
    sweep_attachments.enqueue()  # the immediate backend runs it now
    assert not orphan.exists()
    assert kept.exists() and fresh.exists()
    assert attachments.sweep() == 0
    fresh.unlink()
