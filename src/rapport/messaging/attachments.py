"""Files attached to messages: what is accepted (by the name's extension AND by what the first
bytes say the file is: a renamed executable, a web page or an SVG never passes), and where it
is kept (a random name under the private attachment directory, never under a public URL)."""

from __future__ import annotations

import codecs
import contextlib
import os
import re
import secrets
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

OOXML_PARTS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
ODF_TYPES = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
# The accepted extensions and the content type each is stored and served with.
TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "txt": "text/plain",
    "csv": "text/csv",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    **ODF_TYPES,
}
MARKUP_STARTS = ("<!doctype", "<html", "<head", "<body", "<svg", "<?xml", "<script", "<iframe")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Upload:
    """A file that passed every check, not yet written anywhere."""

    file: File
    filename: str
    content_type: str
    size: int


def extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def clean_filename(name: str) -> str:
    """The name as the sender gave it, without folders or control characters, at most 255
    characters with its extension kept."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    if len(name) > 255:
        suffix = extension(name)
        name = f"{name[: 254 - len(suffix)]}.{suffix}" if suffix else name[:255]
    return name or "attachment"


def _head(file: File, size: int = 16) -> bytes:
    file.seek(0)
    head = file.read(size)
    file.seek(0)
    return head if isinstance(head, bytes) else b""


def _is_text(file: File) -> bool:
    """Readable text in UTF-8, UTF-16 (with its byte-order mark) or GB18030 (what Chinese
    spreadsheets export), with no control characters and not a web page in disguise."""
    file.seek(0)
    data = file.read()
    file.seek(0)
    if not isinstance(data, bytes):
        return False
    text = None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or _CONTROL.search(text):
        return False
    start = text.lstrip("\ufeff \t\r\n").lower()
    return not start.startswith(MARKUP_STARTS)


def _archive(file: File) -> zipfile.ZipFile | None:
    if not _head(file).startswith(b"PK\x03\x04"):
        return None
    try:
        return zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


def _is_ooxml(file: File, suffix: str) -> bool:
    """A Word, Excel or PowerPoint document: a zip with the OOXML content-types part and the
    main part of its kind, and no macros."""
    archive = _archive(file)
    if archive is None:
        return False
    names = set(archive.namelist())
    return (
        "[Content_Types].xml" in names
        and OOXML_PARTS[suffix] in names
        and not any(name.lower().endswith("vbaproject.bin") for name in names)
    )


def _is_odf(file: File, suffix: str) -> bool:
    """An OpenDocument file: a zip whose first entry, ``mimetype``, names its kind."""
    archive = _archive(file)
    if archive is None:
        return False
    entries = archive.infolist()
    if not entries or entries[0].filename != "mimetype" or entries[0].file_size > 100:
        return False
    try:
        return archive.read("mimetype") == ODF_TYPES[suffix].encode()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, KeyError):
        return False


def content_matches(suffix: str, file: File) -> bool:
    """Whether the bytes are what the extension says."""
    head = _head(file)
    checks = {
        "pdf": lambda: head.startswith(b"%PDF-"),
        "png": lambda: head.startswith(b"\x89PNG\r\n\x1a\n"),
        "jpg": lambda: head.startswith(b"\xff\xd8\xff"),
        "jpeg": lambda: head.startswith(b"\xff\xd8\xff"),
        "gif": lambda: head[:6] in (b"GIF87a", b"GIF89a"),
        "webp": lambda: head[:4] == b"RIFF" and head[8:12] == b"WEBP",
        "txt": lambda: _is_text(file),
        "csv": lambda: _is_text(file),
    }
    if suffix in OOXML_PARTS:
        return _is_ooxml(file, suffix)
    if suffix in ODF_TYPES:
        return _is_odf(file, suffix)
    check = checks.get(suffix)
    return bool(check and check())


def check(files: Sequence[File]) -> list[Upload]:
    """Every file checked before anything is written; all refusals reported at once, on the
    ``attachments`` field, in the reader's language."""
    most = settings.RAPPORT_ATTACHMENT_MAX_FILES
    if len(files) > most:
        raise ValidationError(
            {
                "attachments": ngettext(
                    "Attach at most %(most)d file to a message.",
                    "Attach at most %(most)d files to a message.",
                    most,
                )
                % {"most": most}
            },
            code="too_many",
        )
    largest = settings.RAPPORT_ATTACHMENT_MAX_BYTES
    errors: list[str] = []
    uploads = []
    for file in files:
        name = clean_filename(str(file.name or ""))
        suffix = extension(name)
        size = int(file.size or 0)
        if size > largest:
            errors.append(
                _("“%(name)s” is %(size)s: a file may be at most %(largest)s.")
                % {"name": name, "size": filesizeformat(size), "largest": filesizeformat(largest)}
            )
        elif size == 0:
            errors.append(_("“%(name)s” is empty.") % {"name": name})
        elif suffix not in TYPES:
            errors.append(
                _("“%(name)s” was refused: only these types are accepted: %(types)s.")
                % {"name": name, "types": ", ".join(sorted(f".{s}" for s in TYPES))}
            )
        elif not content_matches(suffix, file):
            errors.append(
                _("“%(name)s” was refused: its content is not a .%(suffix)s file.")
                % {"name": name, "suffix": suffix}
            )
        else:
            uploads.append(Upload(file, name, TYPES[suffix], size))
    if errors:
        raise ValidationError({"attachments": errors}, code="attachment")
    return uploads


# --- where the files live ---------------------------------------------------------------------


def root() -> Path:
    return Path(settings.RAPPORT_ATTACHMENT_DIR)


def path_of(stored_name: str) -> Path:
    """The file of a stored name, which must lie inside the attachment directory."""
    base = root().resolve()
    path = (base / stored_name).resolve()
    if not path.is_relative_to(base) or path == base:
        raise FileNotFoundError(stored_name)
    return path


def write(upload: Upload, *, folder: str) -> str:
    """Write the file under ``folder`` with a random name, readable by Rapport only; return
    the stored name."""
    stored_name = f"{folder}/{secrets.token_hex(16)}"
    path = path_of(stored_name)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as target:
            for chunk in upload.file.chunks():
                target.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)  # never leave half a file behind
        raise
    return stored_name


def remove(stored_name: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        path_of(stored_name).unlink(missing_ok=True)


def sweep(*, older_than: timedelta = timedelta(hours=1), now: datetime | None = None) -> int:
    """Remove files that no attachment names: left by a transaction that rolled back after
    the file was written (or a process that died in between). Files younger than
    ``older_than`` are spared: their transaction may still be running. Returns how many."""
    from rapport.messaging.models import MessageAttachment

    base = root()
    if not base.is_dir():
        return 0
    cutoff = ((now or timezone.now()) - older_than).timestamp()
    candidates = {
        path.relative_to(base).as_posix(): path
        for path in base.rglob("*")
        if path.is_file() and path.stat().st_mtime < cutoff
    }
    names = list(candidates)
    kept: set[str] = set()
    for start in range(0, len(names), 500):
        kept.update(
            MessageAttachment.objects.filter(
                stored_name__in=names[start : start + 500]
            ).values_list("stored_name", flat=True)
        )
    orphans = [path for name, path in candidates.items() if name not in kept]
    for path in orphans:
        path.unlink(missing_ok=True)
    return len(orphans)
