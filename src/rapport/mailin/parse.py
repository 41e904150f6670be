"""Reading an email as a person wrote it: the sender, the new text (quoted history and the
signature cut off), and the attached files. Standard-library parsing with the modern policy,
so encoded words (=?UTF-8?B?…?=) and charsets are decoded."""

from __future__ import annotations

import hashlib
import html as html_lib
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses

import nh3

# A line that starts the quoted history of a reply, in the clients people use, in English
# and in Chinese.
QUOTE_HEADERS = [
    re.compile(r"^\s*On .{4,200}wrote:\s*$", re.IGNORECASE),
    re.compile(r"^\s*在.{2,200}写道[:：]\s*$"),
    re.compile(r"^\s*-{2,}\s*(Original Message|原始邮件|原始郵件)\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^\s*(From|发件人|寄件者)\s*[:：]\s*.+$", re.IGNORECASE),
    re.compile(r"^_{10,}\s*$"),  # Outlook's rule above the quoted message
]
SIGNATURE = re.compile(r"^-- ?$")
BLOCK_TAGS = re.compile(r"(?i)<\s*(br|/p|/div|/li|/tr|/h[1-6])\b[^>]*>")


@dataclass(frozen=True)
class File:
    name: str
    content_type: str
    content: bytes


@dataclass
class Incoming:
    sender: str
    subject: str
    message_id: str
    text: str
    files: list[File] = field(default_factory=list)


def message_id_of(raw: bytes) -> str:
    """The Message-ID, or for a message without one a name derived from its bytes, so that the
    same message delivered (or replayed) again is still recognised and posted once."""
    headers = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
    found = str(headers.get("Message-ID", "")).strip()[:500]
    return found or f"<sha256.{hashlib.sha256(raw).hexdigest()}@rapport.invalid>"


def sender_of(raw: bytes) -> str:
    """The From address, lower-cased, read from the headers only."""
    headers = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
    return _address(headers.get("From", ""))


def _address(value: str) -> str:
    """The one author's address; none when the header names several, since a reply is posted
    as one person and must not be let in on the strength of a second name in From."""
    found = [address for _name, address in getaddresses([str(value)]) if "@" in address]
    return found[0].strip().lower() if len(found) == 1 else ""


def html_to_text(html: str) -> str:
    text = BLOCK_TAGS.sub("\n", html)
    text = nh3.clean(text, tags=set(), strip_comments=True)
    lines = [html_lib.unescape(line).strip() for line in text.splitlines()]
    return "\n".join(lines)


def new_text(text: str) -> str:
    """The part of a reply above the quoted history and the signature."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if SIGNATURE.match(line) or any(p.match(line) for p in QUOTE_HEADERS):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


def parse(raw: bytes) -> Incoming:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    body = message.get_body(preferencelist=("plain", "html"))
    text = ""
    if body is not None:
        try:
            content = body.get_content()
        except (LookupError, UnicodeError):  # a charset nobody knows: read what can be read
            payload = body.get_payload(decode=True)
            content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
        text = html_to_text(content) if body.get_content_type() == "text/html" else content
    files = []
    for part in message.iter_attachments():
        content = part.get_payload(decode=True) or b""
        files.append(
            File(
                name=part.get_filename() or "attachment",
                content_type=part.get_content_type(),
                content=content if isinstance(content, bytes) else bytes(content),
            )
        )
    return Incoming(
        sender=_address(message.get("From", "")),
        subject=str(message.get("Subject", "")),
        message_id=str(message.get("Message-ID", "")).strip()[:500],
        text=new_text(text),
        files=files,
    )
