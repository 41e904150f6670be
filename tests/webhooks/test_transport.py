"""Where a webhook may point: https only, no private or reserved addresses (checked again at
every delivery, on what the name resolves to then), loopback only for development."""

from __future__ import annotations

import hashlib
import hmac
import socket

import pytest
from django.core.exceptions import ValidationError

from rapport.webhooks import transport
from rapport.webhooks.models import WebhookAttempt, WebhookDelivery
from tests.webhooks.helpers import shared_issue, subscribe
from tests.webhooks.receiver import running_receiver

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://hooks.example.com/in", "only sent to https://"),
        ("ftp://hooks.example.com/in", "starting with https://"),
        ("https:///no-host", "starting with https://"),
        ("hooks.example.com", "starting with https://"),
        ("https://user:secret@hooks.example.com/", "user name or password"),
        ("https://10.1.2.3/in", "private or reserved"),
        ("https://192.168.0.10/in", "private or reserved"),
        ("https://172.16.5.4/in", "private or reserved"),
        ("https://169.254.169.254/latest/meta-data", "private or reserved"),
        ("https://[fd00::1]/in", "private or reserved"),
        ("https://[fe80::1]/in", "private or reserved"),
        ("https://0.0.0.0/in", "private or reserved"),
        ("https://hooks.example.com:99999/in", "valid port"),
    ],
)
def test_refused_urls(url, why):
    with pytest.raises(ValidationError) as refused:
        transport.check_url(url)
    assert why in " ".join(refused.value.messages)


def test_loopback_only_when_allowed(settings):
    settings.RAPPORT_WEBHOOKS_ALLOW_LOOPBACK = False
    settings.DEBUG = False
    for url in ("http://127.0.0.1:8000/in", "https://localhost/in", "https://[::1]/in"):
        with pytest.raises(ValidationError):
            transport.check_url(url)
    settings.RAPPORT_WEBHOOKS_ALLOW_LOOPBACK = True
    assert transport.check_url(" http://127.0.0.1:8000/in ") == "http://127.0.0.1:8000/in"
    assert transport.check_url("http://localhost:8000/in")
    with pytest.raises(ValidationError):  # other private addresses stay refused
        transport.check_url("http://10.0.0.1/in")


def test_a_public_https_url_is_accepted():
    assert transport.check_url("https://hooks.example.com/rapport?team=7")


def _resolving_to(monkeypatch, *addresses: str) -> None:
    def getaddrinfo(host, port, *args, **kwargs):
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize(
    "addresses",
    [("10.0.0.5",), ("93.184.216.34", "192.168.1.1"), ("127.0.0.1",), ("::ffff:10.0.0.1",)],
)
def test_a_name_resolving_to_a_private_address_at_delivery_is_not_called(
    world, monkeypatch, addresses, django_capture_on_commit_callbacks
):
    """The URL passed the check when saved; its name now points into the private network
    (DNS rebinding): the delivery refuses it and sends nothing."""
    side = world.one
    subscribe(side, "https://hooks.example.com/in")
    _resolving_to(monkeypatch, *addresses)
    with django_capture_on_commit_callbacks(execute=True):
        shared_issue(side)
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None and not attempt.succeeded
    assert attempt.error.startswith("refused:") and "private or reserved" in attempt.error
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.PENDING


def test_a_name_that_does_not_resolve_is_a_failed_attempt(monkeypatch):
    def getaddrinfo(*args, **kwargs):
        raise socket.gaierror("Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    answer = transport.post(url="https://nowhere.example.com/", body=b"{}", headers={})
    assert answer.status_code is None and "cannot resolve" in answer.error


def test_the_request_goes_to_the_checked_address(monkeypatch):
    """The address that was checked is the one connected to: the name is not looked up again
    by the HTTP client (a second lookup could answer differently)."""
    calls = []

    def getaddrinfo(host, port, *args, **kwargs):
        calls.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with running_receiver(204) as receiver:
        answer = transport.post(
            url=f"http://localhost:{receiver.port}/in", body=b"{}", headers={"X-Test": "1"}
        )
    assert answer.status_code == 204
    assert receiver.received[0].headers["Host"] == f"localhost:{receiver.port}"
    assert calls.count("localhost") == 1


def test_the_signature_is_hmac_sha256_of_timestamp_and_body():
    expected = hmac.new(b"s3cret", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
    assert transport.signature("s3cret", 1700000000, b'{"a":1}') == f"t=1700000000,v1={expected}"
