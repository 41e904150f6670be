"""Optional TOTP two-factor sign-in for members: turning it on with a QR code and a code,
recovery codes shown once and kept hashed, the code step of the sign-in (rate-limited, a code
works once), turning it off, and an owner requiring it of every member."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from rapport.audit.models import AuditEvent
from rapport.core import field_crypto
from rapport.core.tokens import digest
from rapport.tenancy import limits, two_factor
from rapport.tenancy.models import RecoveryCode, TwoFactor, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SETTINGS = "/accounts/two-factor/"
CODE = "/accounts/login/code/"


def _sign_in(client: Client, user: User, next_url: str = "") -> Any:
    path = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(path, {"username": user.email, "password": PASSWORD})


def _previous_code(secret: str) -> str:
    """A code of the step before this one: still accepted (clock drift). Two-factor is
    turned on with it in these tests, so that the current code is still unused: a code of a
    step at or before the last one accepted is refused."""
    return pyotp.TOTP(secret).at(time.time() - 30)


def _now(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def _enable(user: User) -> tuple[str, list[str]]:
    client = Client()
    client.force_login(user, backend=two_factor.BACKEND)
    page = client.get(SETTINGS)
    secret = client.session[two_factor.SESSION_SETUP_SECRET]
    assert secret in page.content.decode()
    response = client.post(SETTINGS, {"code": _previous_code(secret)})
    assert response.status_code == 200
    return secret, response.context["codes"]


def test_a_member_turns_it_on_with_a_qr_code_and_a_code(world):
    user = world.one.pm
    client = Client()
    client.force_login(user, backend=two_factor.BACKEND)

    page = client.get(SETTINGS)
    body = page.content.decode()
    secret = client.session[two_factor.SESSION_SETUP_SECRET]
    assert 'src="data:image/svg+xml' in body  # an image the strict CSP allows (img-src data:)
    assert "otpauth://totp/Rapport:" in body and secret in body
    assert "unsafe-inline" not in page["Content-Security-Policy"]

    wrong = client.post(SETTINGS, {"code": "000000"})
    assert wrong.status_code == 200
    assert "This code is not correct" in wrong.content.decode()
    assert not TwoFactor.objects.exists()

    done = client.post(SETTINGS, {"code": pyotp.TOTP(secret).now()})
    codes = done.context["codes"]
    assert len(codes) == two_factor.RECOVERY_CODES == len(set(codes))
    assert all(code in done.content.decode() for code in codes)
    assert field_crypto.decrypt(TwoFactor.objects.get(user=user).secret) == secret
    stored = set(RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True))
    assert codes[0] not in stored and digest(codes[0].replace("-", "")) in stored
    assert AuditEvent.objects.filter(action="two_factor_enabled", actor_user=user).count() == 1
    # Shown once: the page now says it is on, without codes or the key.
    again = client.get(SETTINGS).content.decode()
    assert "Two-factor sign-in is on." in again
    assert codes[0] not in again and secret not in again


def test_the_sign_in_asks_for_the_code_before_signing_in(world):
    user = world.one.pm
    secret, _codes = _enable(user)
    client = Client()

    response = _sign_in(client, user, next_url="/app/clients/")

    assert response.status_code == 302 and response["Location"] == CODE
    assert "_auth_user_id" not in client.session  # not signed in yet
    assert client.get("/app/")["Location"].startswith("/accounts/login/")
    assert "Enter your code" in client.get(CODE).content.decode()

    wrong = client.post(CODE, {"code": "123456"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session

    right = client.post(CODE, {"code": _now(secret)})
    assert right.status_code == 302 and right["Location"] == "/app/clients/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/app/").status_code == 200

    # The same code does not sign anyone in a second time.
    other = Client()
    _sign_in(other, user)
    replay = other.post(CODE, {"code": _now(secret)})
    assert replay.status_code == 200 and "_auth_user_id" not in other.session


def test_a_recovery_code_works_once_and_is_audited(world):
    user = world.one.member
    _secret, codes = _enable(user)
    client = Client()
    _sign_in(client, user)

    assert client.post(CODE, {"code": codes[3].upper()}).status_code == 302
    assert RecoveryCode.objects.filter(user=user, used_at__isnull=False).count() == 1
    event = AuditEvent.objects.get(action="recovery_code_used", actor_user=user)
    assert event.changes == {"left": [None, two_factor.RECOVERY_CODES - 1]}

    other = Client()
    _sign_in(other, user)
    assert other.post(CODE, {"code": codes[3]}).status_code == 200
    assert "_auth_user_id" not in other.session


def test_the_code_step_is_rate_limited(world):
    user = world.one.pm
    secret, _codes = _enable(user)
    client = Client()
    _sign_in(client, user)
    for _ in range(limits.TWO_FACTOR_PER_USER.limit):
        assert client.post(CODE, {"code": "000000"}).status_code == 200

    response = client.post(CODE, {"code": _now(secret)})

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= limits.TWO_FACTOR_PER_USER.window
    assert "_auth_user_id" not in client.session
    # Signing in again with the password does not reset the count.
    fresh = Client()
    _sign_in(fresh, user)
    assert fresh.post(CODE, {"code": _now(secret)}).status_code == 429


def test_the_code_step_needs_a_recent_password_step(world, monkeypatch):
    user = world.one.pm
    secret, _codes = _enable(user)
    client = Client()
    assert client.get(CODE)["Location"] == "/accounts/login/"
    _sign_in(client, user)
    later = time.time() + two_factor.PENDING_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.post(CODE, {"code": pyotp.TOTP(secret).at(later)})
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_turning_it_off_needs_a_code(world):
    user = world.one.pm
    secret, _codes = _enable(user)
    client = Client()
    client.force_login(user, backend=two_factor.BACKEND)

    refused = client.post("/accounts/two-factor/disable/", {"code": "000000"})
    assert refused.status_code == 400 and TwoFactor.objects.filter(user=user).exists()

    done = client.post("/accounts/two-factor/disable/", {"code": _now(secret)})
    assert done.status_code == 302
    assert not TwoFactor.objects.filter(user=user).exists()
    assert not RecoveryCode.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="two_factor_disabled", actor_user=user).count() == 1
    assert _sign_in(Client(), user)["Location"] == "/"  # signed in with the password alone


def test_an_owner_requires_it_of_every_member(world):
    side = world.one
    owner = Client()
    owner.force_login(side.owner, backend=two_factor.BACKEND)
    require = "/app/team/organisation/two-factor/"

    owner.post(require, {"required": "on"})
    side.organisation.refresh_from_db()
    assert not side.organisation.require_two_factor  # the owner turns it on for themselves first

    _enable(side.owner)
    admin = Client()
    admin.force_login(side.admin, backend=two_factor.BACKEND)
    admin.post(require, {"required": "on"})
    side.organisation.refresh_from_db()
    assert not side.organisation.require_two_factor  # only an owner

    assert owner.post(require, {"required": "on"}).status_code == 302
    side.organisation.refresh_from_db()
    assert side.organisation.require_two_factor
    event = AuditEvent.objects.get(action="two_factor_required")
    assert event.organisation_id == side.organisation.pk and event.actor_user == side.owner

    # A member without it signs in and is held on the setup page until it is on.
    member = Client()
    assert _sign_in(member, side.member).status_code == 302
    for path in ("/app/", "/app/clients/", "/accounts/preferences/", "/portal/"):
        assert member.get(path)["Location"] == SETTINGS, path
    page = member.get(SETTINGS)
    assert "Your organisation requires two-factor sign-in" in page.content.decode()
    member_secret = member.session[two_factor.SESSION_SETUP_SECRET]
    member.post(SETTINGS, {"code": _previous_code(member_secret)})
    assert member.get("/app/").status_code == 200

    # It cannot be turned off while required.
    refused = member.post("/accounts/two-factor/disable/", {"code": _now(member_secret)})
    assert refused.status_code == 400 and TwoFactor.objects.filter(user=side.member).exists()

    owner.post(require, {})
    side.organisation.refresh_from_db()
    assert not side.organisation.require_two_factor
    assert AuditEvent.objects.filter(action="two_factor_not_required").count() == 1


def test_client_contacts_are_not_asked(world):
    side = world.one
    side.organisation.require_two_factor = True
    side.organisation.save()
    contact = Client()
    response = _sign_in(contact, side.contact_a.user)
    assert response.status_code == 302
    assert contact.get("/portal/").status_code == 200
    assert contact.get(SETTINGS).status_code == 404  # the setting is the members'


def test_the_seed_is_encrypted_in_the_database_and_the_sign_in_still_works(world):
    user = world.one.pm
    secret, _codes = _enable(user)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM tenancy_twofactor WHERE user_id = %s", [user.pk])
        (stored,) = cursor.fetchone()
    assert secret not in stored and field_crypto.is_encrypted(stored)

    client = Client()
    _sign_in(client, user)
    assert client.post(CODE, {"code": _now(secret)}).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_seed_encrypted_with_a_lost_key_matches_no_code(world, settings):
    user = world.one.pm
    secret, codes = _enable(user)
    settings.RAPPORT_FIELD_KEY = "a new key, the old one not kept as a fallback"
    client = Client()
    _sign_in(client, user)
    assert "_auth_user_id" not in client.session
    assert client.post(CODE, {"code": _now(secret)}).status_code == 200  # refused, no error
    assert client.post(CODE, {"code": codes[0]}).status_code == 302  # recovery codes still work


def test_a_rotated_key_still_opens_the_seeds_it_encrypted(settings):
    settings.RAPPORT_FIELD_KEY = "old key"
    token = field_crypto.encrypt("JBSWY3DPEHPK3PXP")
    settings.RAPPORT_FIELD_KEY = "new key"
    settings.RAPPORT_FIELD_KEY_FALLBACKS = ["old key"]
    assert field_crypto.decrypt(token) == "JBSWY3DPEHPK3PXP"


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_seeds_stored_in_the_clear():
    executor = MigrationExecutor(connection)
    before = [("tenancy", "0007_api_conventions")]
    after = [("tenancy", "0008_two_factor_secret_encrypted")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    user = old_apps.get_model("tenancy", "User").objects.create(email="clear@example.test")
    old_apps.get_model("tenancy", "TwoFactor").objects.create(
        user_id=user.pk, secret="JBSWY3DPEHPK3PXP"
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    stored = TwoFactor.objects.get(user_id=user.pk).secret
    assert "JBSWY3DPEHPK3PXP" not in stored
    assert field_crypto.decrypt(stored) == "JBSWY3DPEHPK3PXP"
