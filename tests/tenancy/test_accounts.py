"""Sign-up, sign-in with lockout, colleague invitations, roles: through the pages."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.notify.models import OutboundEmail
from rapport.tenancy import services
from rapport.tenancy.models import Invitation, Membership, Organisation, Role, User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "organisation_name": "Harbour Studio",
    "full_name": "Ada Lim",
    "email": "Ada@Harbour.test",
    "password1": "a-long-and-unusual-pass",
    "password2": "a-long-and-unusual-pass",
    "language": "en",
    "time_zone": "Europe/Paris",
}


def test_signup_creates_organisation_owner_and_audit_trail(client):
    response = client.post("/accounts/signup/", SIGNUP)

    assert response.status_code == 302
    assert response["Location"] == "/app/"
    membership = Membership.objects.get(user__email="ada@harbour.test")
    assert membership.role == Role.OWNER
    assert membership.organisation.name == "Harbour Studio"
    assert membership.user.check_password("a-long-and-unusual-pass")
    actions = set(
        AuditEvent.objects.filter(organisation=membership.organisation).values_list(
            "action", "content_type__model"
        )
    )
    # The organisation and its owner, then the sample it starts with (tests/onboarding).
    sample = {"client", "contact", "project", "objective", "milestone", "deliverable"}
    sample |= {"budgetline", "stakeholder", "planitem", "risk"}
    assert {action for action in actions if action[1] not in sample} == {
        ("created", "organisation"),
        ("created", "membership"),
    }
    assert ("created", "project") in actions
    assert client.get("/app/").status_code == 200


@pytest.mark.real_password_hashing
def test_passwords_are_stored_with_argon2id_at_owasps_parameters(client):
    client.post("/accounts/signup/", SIGNUP)

    assert User.objects.get().password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


@pytest.mark.real_password_hashing
def test_a_hash_with_djangos_heavier_parameters_signs_in_and_is_made_again(client):
    user = UserFactory(email="ada@harbour.test")
    user.password = Argon2PasswordHasher().encode("correct horse battery", "saltsaltsalt")
    user.save(update_fields=["password"])
    assert ",p=8$" in user.password

    response = client.post(
        "/accounts/login/", {"username": "ada@harbour.test", "password": "correct horse battery"}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert user.check_password("correct horse battery")


def test_signup_with_taken_email_is_refused_and_changes_nothing(client):
    UserFactory(email="ada@harbour.test")

    response = client.post("/accounts/signup/", {**SIGNUP, "email": "ADA@harbour.test"})

    assert response.status_code == 200
    assert "An account with this email address already exists." in response.content.decode()
    assert not Organisation.objects.exists()


def test_signup_error_is_shown_in_chinese(client):
    UserFactory(email="ada@harbour.test")

    response = client.post(
        "/accounts/signup/", {**SIGNUP, "language": "zh-hans"}, HTTP_ACCEPT_LANGUAGE="zh-CN"
    )

    assert response.status_code == 200
    assert "已存在" in response.content.decode()


def test_signup_with_over_long_name_is_refused(client):
    response = client.post("/accounts/signup/", {**SIGNUP, "organisation_name": "x" * 151})

    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()
    assert not User.objects.exists()


def test_signup_with_mismatched_passwords_is_refused(client):
    response = client.post("/accounts/signup/", {**SIGNUP, "password2": "something-else-entirely"})

    assert response.status_code == 200
    assert "The two passwords differ." in response.content.decode()
    assert not User.objects.exists()


def test_closed_signup_allows_only_the_first_owner(client, settings):
    settings.SIGNUP_OPEN = False
    assert client.get("/accounts/signup/").status_code == 200  # first run
    client.post("/accounts/signup/", SIGNUP)
    client.logout()

    assert client.get("/accounts/signup/").status_code == 404


def test_sign_in_with_email_in_any_case(client):
    UserFactory(email="lee@example.test")

    response = client.post(
        "/accounts/login/", {"username": "LEE@example.test", "password": PASSWORD}
    )

    assert response.status_code == 302


def test_wrong_password_shows_a_clear_error(client):
    UserFactory(email="lee@example.test")

    response = client.post("/accounts/login/", {"username": "lee@example.test", "password": "nope"})

    assert response.status_code == 200
    assert "The email address or password is not correct." in response.content.decode()


def test_repeated_failures_lock_the_account_out(client, settings):
    UserFactory(email="lee@example.test")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "lee@example.test", "password": "wrong"})

    response = client.post(
        "/accounts/login/", {"username": "lee@example.test", "password": PASSWORD}
    )

    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_invitation_round_trip(world, login_as, django_capture_on_commit_callbacks):
    side = world.one
    owner = login_as(side.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(
            "/app/team/", {"email": "new.colleague@example.test", "role": Role.PM}
        )
    assert response.status_code == 302
    email = OutboundEmail.objects.get(to="new.colleague@example.test")
    assert email.status == OutboundEmail.Status.SENT
    link = re.search(r"http://\S+/accounts/invitation/(\S+)/", email.body_text)
    assert link is not None
    path = f"/accounts/invitation/{link.group(1)}/"

    invitee = login_as(UserFactory())  # someone else signed in cannot take it
    invitee.logout()
    response = invitee.post(
        path,
        {
            "full_name": "New Colleague",
            "password1": "another-long-pass-9",
            "password2": "another-long-pass-9",
            "language": "zh-hans",
            "time_zone": "Asia/Shanghai",
        },
    )

    assert response.status_code == 302
    membership = Membership.objects.get(user__email="new.colleague@example.test")
    assert (membership.organisation, membership.role) == (side.organisation, Role.PM)
    assert membership.user.language == "zh-hans"
    reused = invitee.get(path)
    assert reused.status_code == 410  # the page says so in the invitee's language (Chinese)
    invitee.logout()
    assert "expired or has already been used" in invitee.get(path).content.decode()


def test_expired_invitation_is_refused(world, client):
    invitation = services.invitation_create(
        actor=world.one.actor(world.one.owner), email="late@example.test", role=Role.MEMBER
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    token_hash = invitation.token_hash

    response = client.get("/accounts/invitation/not-the-token/")

    assert response.status_code == 410
    assert Invitation.objects.get(token_hash=token_hash).accepted_at is None


def test_invitation_for_existing_member_is_refused(world):
    side = world.one
    with pytest.raises(services.ValidationError) as error:
        services.invitation_create(
            actor=side.actor(side.owner), email=side.pm.email, role=Role.MEMBER
        )
    assert "already a member" in str(error.value)


def test_admin_cannot_make_an_owner_and_last_owner_stays(world):
    side = world.one
    admin = side.actor(side.admin)
    pm_membership = Membership.objects.get(organisation=side.organisation, user=side.pm)
    with pytest.raises(services.PermissionDenied):
        services.membership_set_role(actor=admin, membership=pm_membership, role=Role.OWNER)

    owner_membership = Membership.objects.get(organisation=side.organisation, user=side.owner)
    with pytest.raises(services.ValidationError):
        services.membership_set_role(
            actor=side.actor(side.owner), membership=owner_membership, role=Role.ADMIN
        )
    owner_membership.refresh_from_db()
    assert owner_membership.role == Role.OWNER


def test_role_change_is_audited_with_old_and_new(world, login_as):
    side = world.one
    membership = Membership.objects.get(organisation=side.organisation, user=side.member)

    response = login_as(side.admin).post(f"/app/team/{membership.pk}/role/", {"role": Role.PM})

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.PM
    event = AuditEvent.objects.filter(object_id=str(membership.pk), action="updated").get()
    assert event.changes == {"role": [Role.MEMBER, Role.PM]}
    assert event.actor_user == side.admin


def test_language_switch_is_remembered_on_the_account(world, login_as):
    client = login_as(world.one.pm)

    response = client.post("/language/", {"language": "zh-hans", "next": "/app/"})

    assert response.status_code == 302
    world.one.pm.refresh_from_db()
    assert world.one.pm.language == "zh-hans"
    assert client.get("/app/")["Content-Language"] == "zh-hans"


def test_language_switch_refuses_foreign_redirects(client):
    response = client.post("/language/", {"language": "zh-hans", "next": "https://evil.test/"})

    assert response["Location"] == "/"
    assert response.cookies["rapport_language"].value == "zh-hans"


def test_times_show_in_the_users_time_zone(world, login_as):
    side = world.one
    side.admin.time_zone = "Asia/Shanghai"
    side.admin.save()
    event = AuditEvent.objects.create(
        organisation=side.organisation,
        actor_label="x",
        action="created",
        content_type_id=1,
        object_id="1",
        object_repr="thing",
    )
    AuditEvent.objects.filter(pk=event.pk)  # stays as written
    shown = timezone.localtime(
        event.created_at, timezone=__import__("zoneinfo").ZoneInfo("Asia/Shanghai")
    )

    page = login_as(side.admin).get("/app/audit/").content.decode()

    assert shown.strftime("%Y-%m-%d %H:%M") in page


def test_preferences_update_name_language_and_time_zone(world, login_as):
    client = login_as(world.one.pm)

    response = client.post(
        "/accounts/preferences/",
        {"full_name": "Renamed PM", "language": "zh-hans", "time_zone": "Asia/Tokyo"},
    )

    assert response.status_code == 302
    world.one.pm.refresh_from_db()
    assert (world.one.pm.full_name, world.one.pm.language, world.one.pm.time_zone) == (
        "Renamed PM",
        "zh-hans",
        "Asia/Tokyo",
    )


def test_preferences_refuse_unknown_time_zone(world, login_as):
    response = login_as(world.one.pm).post(
        "/accounts/preferences/", {"full_name": "PM", "language": "en", "time_zone": "Mars/Olympus"}
    )

    assert response.status_code == 200
    world.one.pm.refresh_from_db()
    assert world.one.pm.time_zone == "UTC"


def test_admin_sets_the_change_approval_threshold(world, login_as):
    side = world.one
    response = login_as(side.admin).post(
        "/app/team/organisation/",
        {
            "name": "Renamed agency",
            "default_currency": "usd",
            "time_zone": "Europe/Paris",
            "change_approval_threshold": "15000.00",
        },
    )
    assert response.status_code == 302
    side.organisation.refresh_from_db()
    assert (side.organisation.name, side.organisation.default_currency) == ("Renamed agency", "USD")
    assert str(side.organisation.change_approval_threshold) == "15000.00"
    event = AuditEvent.objects.get(content_type__model="organisation", action="updated")
    assert event.changes["change_approval_threshold"] == [None, "15000.00"]


def test_negative_threshold_is_refused(world, login_as):
    side = world.one
    response = login_as(side.admin).post(
        "/app/team/organisation/",
        {
            "name": "Org",
            "default_currency": "EUR",
            "time_zone": "UTC",
            "change_approval_threshold": "-1",
        },
    )
    assert response.status_code == 200
    side.organisation.refresh_from_db()
    assert side.organisation.change_approval_threshold is None


def test_pm_has_no_organisation_settings(world, login_as):
    assert login_as(world.one.pm).get("/app/team/organisation/").status_code == 404
