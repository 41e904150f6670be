import re

import pytest

from rapport.audit.models import AuditEvent
from rapport.notify.models import OutboundEmail
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _reset_link(client, email, capture):
    with capture(execute=True):
        response = client.post("/accounts/password/reset/", {"email": email})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    message = OutboundEmail.objects.filter(to=email.lower(), kind="password_reset").last()
    return message, re.search(
        r"https?://[^/]+(/accounts/password/reset/\S+/\S+/)", message.body_text
    )


def test_reset_by_email_link(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="forgetful@example.test", language="zh-hans")

    message, link = _reset_link(
        client, "Forgetful@example.test", django_capture_on_commit_callbacks
    )

    assert message.organisation is None  # never in an organisation's outbox
    assert message.status == OutboundEmail.Status.SENT
    assert "密码" in message.subject  # in the person's language
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    set_url = form.redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": "brand-new-pass-77", "new_password2": "brand-new-pass-77"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-new-pass-77")
    assert AuditEvent.objects.filter(action="password_changed", actor_user=user).exists()
    again = client.get(link.group(1), follow=True)
    assert "This link no longer works" in again.content.decode() or "链接" in again.content.decode()


def test_unknown_address_looks_the_same_and_sends_nothing(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.test"})

    assert response["Location"] == "/accounts/password/reset/sent/"
    assert not OutboundEmail.objects.exists()


def test_reset_emails_are_throttled(client, django_capture_on_commit_callbacks):
    from rapport.tenancy.limits import PASSWORD_RESET_PER_EMAIL

    UserFactory(email="twice@example.test")
    for _ in range(PASSWORD_RESET_PER_EMAIL.limit + 1):
        _reset_link(client, "twice@example.test", django_capture_on_commit_callbacks)

    sent = OutboundEmail.objects.filter(to="twice@example.test").count()
    assert sent == PASSWORD_RESET_PER_EMAIL.limit


def test_forged_reset_link_is_refused(client):
    user = UserFactory()
    response = client.get("/accounts/password/reset/MQ/forged-token/", follow=True)

    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_signed_in_person_changes_their_password(world, login_as):
    client = login_as(world.one.pm)
    wrong = client.post(
        "/accounts/password/change/",
        {
            "old_password": "not-it",
            "new_password1": "fresh-pass-2027",
            "new_password2": "fresh-pass-2027",
        },
    )
    assert wrong.status_code == 200
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "fresh-pass-2027",
            "new_password2": "fresh-pass-2027",
        },
    )
    assert response.status_code == 302
    world.one.pm.refresh_from_db()
    assert world.one.pm.check_password("fresh-pass-2027")
    assert client.get("/app/").status_code == 200  # still signed in


def test_closed_signup_login_page_offers_first_run_only_before_the_first_owner(
    client, settings, world
):
    settings.SIGNUP_OPEN = False
    assert "/accounts/signup/" not in client.get("/accounts/login/").content.decode()
