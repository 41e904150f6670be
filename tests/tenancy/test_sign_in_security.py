"""The doors that take a secret are rate-limited (sign-in, password reset, invitation links),
the reset request never tells whether an address has an account, sessions are renewed at
sign-in and ended by a new password, and names in emails cannot inject headers."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rapport.notify.models import OutboundEmail
from rapport.notify.services import email_deliver
from rapport.tenancy import limits, services
from rapport.tenancy.models import Organisation
from tests.factories import PASSWORD, UserFactory
from tests.notify.smtp import SmtpServer, running_smtp_server, smtp_mailer

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    with running_smtp_server() as server:
        yield server


LOGIN = "/accounts/login/"
RESET = "/accounts/password/reset/"


def _sign_in(client: Client, email: str, password: str, ip: str = "127.0.0.1", **extra: Any):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip, **extra)


# --- sign-in --------------------------------------------------------------------------------


def test_axes_locks_one_email_from_one_address_with_retry_after_in_the_visitors_language(
    client, settings
):
    UserFactory(email="lee@example.test")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "lee@example.test", "wrong")

    response = _sign_in(client, "lee@example.test", PASSWORD, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 429
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The same email from another address is not locked by axes' (email, address) rule.
    assert _sign_in(Client(), "lee@example.test", PASSWORD, ip="10.1.1.1").status_code == 302


def test_one_email_guessed_at_from_many_addresses_is_paused(client, settings):
    settings.AXES_FAILURE_LIMIT = 100  # only Rapport's per-email limit is in play
    UserFactory(email="target@example.test")
    for n in range(limits.SIGN_IN_PER_EMAIL.limit):
        assert _sign_in(client, "Target@example.test", "wrong", ip=f"10.0.0.{n}").status_code == 200

    response = _sign_in(client, "target@example.test", PASSWORD, ip="10.9.9.9")

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= limits.SIGN_IN_PER_EMAIL.window
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    UserFactory(email="other@example.test")
    assert _sign_in(Client(), "other@example.test", PASSWORD, ip="10.9.9.9").status_code == 302


def test_one_address_trying_many_emails_is_paused(client, settings):
    settings.AXES_FAILURE_LIMIT = 100
    UserFactory(email="real@example.test")
    for n in range(limits.SIGN_IN_PER_IP.limit):
        _sign_in(client, f"guess{n}@example.test", "wrong", ip="10.2.2.2")

    response = _sign_in(client, "real@example.test", PASSWORD, ip="10.2.2.2")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert _sign_in(Client(), "real@example.test", PASSWORD, ip="10.3.3.3").status_code == 302


def test_behind_a_reverse_proxy_each_client_address_is_counted_on_its_own(client, settings):
    """Behind one proxy every request comes from the proxy's address; the client's is the
    last X-Forwarded-For entry (the ones left of it are the client's own and can be forged)."""
    settings.RAPPORT_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 100
    UserFactory(email="real@example.test")
    for n in range(limits.SIGN_IN_PER_IP.limit):
        forged = f"192.0.2.{n}, 10.5.5.5"  # the attacker varies the part it controls
        _sign_in(
            client, f"guess{n}@example.test", "wrong", ip="10.0.0.1", HTTP_X_FORWARDED_FOR=forged
        )

    attacker = _sign_in(
        client, "real@example.test", PASSWORD, ip="10.0.0.1", HTTP_X_FORWARDED_FOR="10.5.5.5"
    )
    someone_else = _sign_in(
        Client(), "real@example.test", PASSWORD, ip="10.0.0.1", HTTP_X_FORWARDED_FOR="10.6.6.6"
    )

    assert attacker.status_code == 429
    assert someone_else.status_code == 302


def test_the_sign_in_renews_the_session_key(client):
    UserFactory(email="fixation@example.test")
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    client.cookies["sessionid"] = before

    assert _sign_in(client, "fixation@example.test", PASSWORD).status_code == 302

    assert client.session.session_key != before
    assert client.session["_auth_user_id"]


# --- password reset -------------------------------------------------------------------------


def test_reset_request_looks_the_same_for_known_and_unknown_addresses(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="known@example.test")
    # A first request fills the caches afresh (an entry left by an earlier test of the same
    # process could expire between the two requests below), from an address of its own.
    cache.clear()
    client.post(RESET, {"email": "warm-up@example.test"}, REMOTE_ADDR="10.9.9.9")
    answers = {}
    for address in ("known@example.test", "unknown@example.test"):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(RESET, {"email": address})
        answers[address] = (response.status_code, response["Location"], len(queries))
    # Same status, same page, the same work (no lookup of the address in the request).
    assert answers["known@example.test"] == answers["unknown@example.test"]
    assert answers["known@example.test"][:2] == (302, "/accounts/password/reset/sent/")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESET, {"email": "unknown@example.test"})
        client.post(RESET, {"email": "known@example.test"})
    assert list(OutboundEmail.objects.values_list("to", flat=True)) == ["known@example.test"]


def test_reset_requests_per_email_stop_sending_silently(client, django_capture_on_commit_callbacks):
    UserFactory(email="twice@example.test")
    for n in range(limits.PASSWORD_RESET_PER_EMAIL.limit + 2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                RESET, {"email": "Twice@example.test"}, REMOTE_ADDR=f"10.0.0.{n}"
            )
        assert response.status_code == 302
        assert response["Location"] == "/accounts/password/reset/sent/"

    sent = OutboundEmail.objects.filter(to="twice@example.test").count()
    assert sent == limits.PASSWORD_RESET_PER_EMAIL.limit


def test_reset_requests_per_address_are_refused_with_429(client):
    for n in range(limits.PASSWORD_RESET_PER_IP.limit):
        assert client.post(RESET, {"email": f"p{n}@example.test"}).status_code == 302

    response = client.post(
        RESET, {"email": "one-more@example.test"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= limits.PASSWORD_RESET_PER_IP.window
    assert "尝试次数过多" in response.content.decode()
    assert (
        client.post(RESET, {"email": "x@example.test"}, REMOTE_ADDR="10.7.7.7").status_code == 302
    )


# --- invitation links -----------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["/accounts/invitation/", "/portal/invitation/"])
def test_guessing_invitation_links_is_paused(client, prefix):
    for n in range(limits.INVITATION_LINK_PER_IP.limit):
        assert client.get(f"{prefix}guess-{n}/").status_code == 410

    response = client.get(f"{prefix}guess-final/")

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= limits.INVITATION_LINK_PER_IP.window
    assert client.get(f"{prefix}guess-final/", REMOTE_ADDR="10.4.4.4").status_code == 410


# --- sessions -------------------------------------------------------------------------------


def _signed_in(email: str) -> Client:
    client = Client()
    assert _sign_in(client, email, PASSWORD).status_code == 302
    return client


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(world):
    user = world.one.pm
    here, elsewhere = _signed_in(user.email), _signed_in(user.email)
    assert elsewhere.get("/app/").status_code == 200

    response = here.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "fresh-pass-2027",
            "new_password2": "fresh-pass-2027",
        },
    )

    assert response.status_code == 302
    assert here.get("/app/").status_code == 200
    ended = elsewhere.get("/app/")
    assert ended.status_code == 302 and ended["Location"].startswith(LOGIN)


def test_a_password_reset_ends_every_session(world, django_capture_on_commit_callbacks):
    user = world.one.pm
    signed_in = _signed_in(user.email)
    stranger = Client()
    with django_capture_on_commit_callbacks(execute=True):
        stranger.post(RESET, {"email": user.email})
    message = OutboundEmail.objects.get(to=user.email, kind="password_reset")
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/\S+/)", message.body_text)
    form = stranger.get(link.group(1), follow=True)
    response = stranger.post(
        form.redirect_chain[-1][0],
        {"new_password1": "brand-new-pass-77", "new_password2": "brand-new-pass-77"},
    )
    assert response.status_code == 302

    ended = signed_in.get("/app/")
    assert ended.status_code == 302 and ended["Location"].startswith(LOGIN)


# --- header injection -----------------------------------------------------------------------


def _delivered(smtp_server: SmtpServer, settings: Any, queued: OutboundEmail) -> Any:
    settings.MAILERS = smtp_mailer(smtp_server.port)
    email_deliver(email_id=queued.pk)
    (envelope,) = smtp_server.inbox.envelopes
    return envelope, email.message_from_bytes(envelope.content, policy=email.policy.default)


@pytest.mark.usefixtures("django_mail_patch_dns")
def test_names_with_line_breaks_cannot_add_headers_to_an_invitation(world, smtp_server, settings):
    side = world.one
    Organisation.objects.filter(pk=side.organisation.pk).update(
        name="Acme\r\nBcc: thief@attacker.test"
    )
    side.organisation.refresh_from_db()
    side.owner.full_name = "Eve\nX-Injected: yes\r\n\r\nbody"
    side.owner.save()

    services.invitation_create(
        actor=side.actor(side.owner), email="new@colleague.test", role="member"
    )
    queued = OutboundEmail.objects.get(to="new@colleague.test")
    envelope, message = _delivered(smtp_server, settings, queued)

    assert "\n" not in queued.subject and "\r" not in queued.subject
    assert envelope.rcpt_tos == ["new@colleague.test"]
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert "Acme" in message["Subject"] and "Eve" in message["Subject"]


@pytest.mark.usefixtures("django_mail_patch_dns")
def test_a_name_with_line_breaks_cannot_add_headers_to_a_reset_email(
    smtp_server, settings, django_capture_on_commit_callbacks, client
):
    UserFactory(email="crlf@example.test", full_name="Mallory\r\nBcc: thief@attacker.test")
    settings.MAILERS = smtp_mailer(smtp_server.port)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESET, {"email": "crlf@example.test"})

    (envelope,) = smtp_server.inbox.envelopes
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert envelope.rcpt_tos == ["crlf@example.test"]
    assert message["Bcc"] is None
