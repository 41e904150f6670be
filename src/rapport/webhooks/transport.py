"""Where a webhook may point, and the one POST that delivers it.

A subscription's URL is checked when it is saved, and again at every delivery: the host is
resolved then and every address it resolves to must be public, so a name that later points
into the private network (or a rebinding DNS) reaches nothing. The request goes to the address
that was checked, never to a fresh lookup, and a redirect is never followed."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TIMEOUT = 10.0  # seconds, to connect and to read the answer
RESPONSE_KEEP = 2000  # characters of the answer kept in the delivery log
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refused(Exception):
    """The URL may not be called (a private address, a name that does not resolve)."""


def loopback_allowed() -> bool:
    """Local receivers, for development and the tests only."""
    return bool(settings.DEBUG or settings.RAPPORT_WEBHOOKS_ALLOW_LOOPBACK)


def _allowed_address(address: IPAddress, *, loopback_host: bool) -> bool:
    if address.is_global:
        return True
    return loopback_host and address.is_loopback and loopback_allowed()


def check_url(url: str) -> str:
    """The URL, cleaned, when a subscription may use it; a ValidationError saying why not."""
    url = url.strip()
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    loopback_host = host in LOOPBACK_NAMES
    if parts.scheme not in ("https", "http") or not host:
        raise ValidationError({"url": _("Enter a full URL starting with https://.")})
    if parts.username or parts.password:
        raise ValidationError({"url": _("A webhook URL cannot carry a user name or password.")})
    if parts.scheme == "http" and not (loopback_host and loopback_allowed()):
        raise ValidationError({"url": _("Webhooks are only sent to https:// addresses.")})
    try:
        parts.port  # noqa: B018 — raises on a port out of range
    except ValueError:
        raise ValidationError({"url": _("Enter a valid port number.")}) from None
    if loopback_host and not loopback_allowed():
        raise ValidationError({"url": _("Webhooks cannot be sent to this server itself.")})
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None and not _allowed_address(literal, loopback_host=loopback_host):
        raise ValidationError(
            {"url": _("Webhooks cannot be sent to a private or reserved network address.")}
        )
    return url


def resolve(url: str) -> IPAddress:
    """The address to call for ``url``: every address its host resolves to must be allowed
    (a name with one private address among public ones is refused)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise Refused(f"cannot resolve {host}: {error}") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    loopback_host = host in LOOPBACK_NAMES
    refused = [a for a in addresses if not _allowed_address(a, loopback_host=loopback_host)]
    if not addresses or refused:
        raise Refused(f"{host} resolves to a private or reserved address ({refused[0]})")
    return addresses[0]


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the secret>``."""
    signed = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    body: str
    duration_ms: int
    error: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(*, url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST ``body`` to ``url`` at its checked address; never raises for the receiver's faults."""
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        check_url(url)
        address = resolve(url)
    except (ValidationError, Refused) as error:
        message = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        return Answer(None, "", elapsed(), f"refused: {message}"[:500])
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    timeout = urllib3.Timeout(connect=TIMEOUT, read=TIMEOUT)
    pool: urllib3.HTTPConnectionPool
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            str(address), port, timeout=timeout, retries=False,
            server_hostname=host, assert_hostname=host, cert_reqs="CERT_REQUIRED",
        )  # fmt: skip
    else:
        pool = urllib3.HTTPConnectionPool(str(address), port, timeout=timeout, retries=False)
    netloc_host = f"[{host}]" if ":" in host else host
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    try:
        with pool:
            response = pool.urlopen(
                "POST",
                path,
                body=body,
                headers={
                    **headers,
                    "Host": netloc_host if not parts.port else f"{netloc_host}:{port}",
                },
                redirect=False,
                preload_content=False,
                assert_same_host=False,
            )
            text = response.read(RESPONSE_KEEP * 4, decode_content=True)
            response.release_conn()
    except urllib3.exceptions.HTTPError as error:
        return Answer(None, "", elapsed(), f"{type(error).__name__}: {error}"[:500])
    return Answer(response.status, text.decode("utf-8", "replace")[:RESPONSE_KEEP], elapsed())
