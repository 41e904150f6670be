"""Files attached to an email are built when the worker sends it, from a named builder and its
arguments kept on the email, in the email's language: queueing stays quick (a PDF takes a
moment to render), the outbox row stays small, and a retry builds the same file again.

A builder is registered by the app that owns the file (in its ``AppConfig.ready``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import translation


@dataclass(frozen=True)
class Attachment:
    """``alternative``: another form of the message body rather than a file, e.g. a calendar
    invitation (``text/calendar; method=REQUEST``), which mail programs show as an invitation
    with its buttons; ``mimetype`` may carry parameters then."""

    filename: str
    content: bytes
    mimetype: str
    alternative: bool = False


Builder = Callable[..., Attachment]
_builders: dict[str, Builder] = {}


def builder(name: str) -> Callable[[Builder], Builder]:
    """Register ``function(**args) -> Attachment`` under ``name``."""

    def register(function: Builder) -> Builder:
        _builders[name] = function
        return function

    return register


def spec(name: str, **args: Any) -> dict[str, Any]:
    """What an email keeps to build the attachment later; ``args`` must be JSON values."""
    if name not in _builders:
        raise LookupError(f"No attachment builder named {name!r}")
    return {"builder": name, "args": args}


def build(attachment: dict[str, Any], language: str) -> Attachment:
    with translation.override(language):
        return _builders[attachment["builder"]](**attachment["args"])
