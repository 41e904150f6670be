"""Where a reply goes: each kind of reply token names a handler, registered by the app that
owns what is answered (in its ``AppConfig.ready``). A handler posts through that app's own
service, as the token's recipient, or raises ``Refused``."""

from __future__ import annotations

from collections.abc import Callable

from rapport.mailin.models import ReplyToken
from rapport.mailin.parse import Incoming


class Refused(Exception):
    """The reply cannot be posted; the reason is kept on the inbound email."""


Handler = Callable[[ReplyToken, Incoming], None]
_handlers: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        _handlers[kind] = function
        return function

    return register


def handle(token: ReplyToken, incoming: Incoming) -> None:
    if token.kind not in _handlers:
        raise Refused(f"nothing answers replies of kind {token.kind!r}")
    _handlers[token.kind](token, incoming)
