"""The organisation's people in the API: every member reads who is in it; owners and admins
change roles, remove members and invite colleagues by email, as on the team page, on record;
the invitation link goes by email only."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client as HttpClient

from rapport.audit.models import AuditEvent
from rapport.notify.models import OutboundEmail
from rapport.tenancy import services
from rapport.tenancy.models import Invitation, Membership, Role
from tests.api.test_baseline_api import Api, errors
from tests.conftest import Side, World

pytestmark = pytest.mark.django_db


def _chinese(side: Side, user) -> HttpClient:
    _token, secret = services.api_token_create(actor=side.actor(user), name="zh")
    return HttpClient(headers={"Authorization": f"Bearer {secret}"}, HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_every_member_reads_who_is_in_the_organisation(world: World) -> None:
    side = world.one
    member = Api(side, side.member)
    everyone = member.get("/memberships", page_size=100).json()
    assert everyone["count"] == Membership.objects.filter(organisation=side.organisation).count()
    emails = {item["email"] for item in everyone["items"]}
    assert side.pm.email in emails and world.two.pm.email not in emails
    pms = member.get("/memberships", role="pm").json()["items"]
    assert pms and {item["role"] for item in pms} == {"pm"}
    one = member.get(f"/memberships/{pms[0]['id']}").json()
    assert one["user_id"] == pms[0]["user_id"] and one["full_name"]

    foreign = Membership.objects.filter(organisation=world.two.organisation).first()
    assert member.get(f"/memberships/{foreign.pk}").status_code == 404


def test_an_admin_changes_a_role_and_removes_a_member_on_record(world: World) -> None:
    side = world.one
    admin, pm = Api(side, side.admin), Api(side, side.pm)
    target = Membership.objects.get(organisation=side.organisation, user=side.outsider)

    assert pm.patch(f"/memberships/{target.pk}", {"role": "admin"}).status_code == 403
    promoted = admin.patch(f"/memberships/{target.pk}", {"role": "pm"})
    assert promoted.status_code == 200 and promoted.json()["role"] == "pm"
    assert admin.patch(f"/memberships/{target.pk}", {"role": "owner"}).status_code == 403

    assert pm.delete(f"/memberships/{target.pk}").status_code == 403
    assert admin.delete(f"/memberships/{target.pk}").status_code == 204
    assert not Membership.objects.filter(pk=target.pk).exists()
    actions = list(
        AuditEvent.objects.filter(content_type__model="membership", object_id=target.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["updated", "deleted"]


def test_the_last_owner_stays_an_owner_and_is_told_why_in_chinese(world: World) -> None:
    side = world.one
    owner = Membership.objects.get(organisation=side.organisation, user=side.owner)
    assert Membership.objects.filter(organisation=side.organisation, role="owner").count() == 1
    api = _chinese(side, side.owner)
    response = api.patch(
        f"/api/v1/memberships/{owner.pk}", {"role": "member"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "所有者" in response.json()["errors"][0]["message"]
    owner.refresh_from_db()
    assert owner.role == Role.OWNER
    bad_role = api.patch(
        f"/api/v1/memberships/{owner.pk}", {"role": "king"}, content_type="application/json"
    )
    assert bad_role.status_code == 422 and "role" in errors(bad_role)


def test_an_admin_invites_by_email_in_the_requests_language_and_withdraws_it(
    world: World, django_capture_on_commit_callbacks
) -> None:
    side = world.one
    api = _chinese(side, side.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/invitations",
            {"email": "New.Colleague@Example.test", "role": "pm"},
            content_type="application/json",
        )
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "pending" and body["role"] == "pm"
    assert body["invited_by_id"] == side.admin.pk
    assert "token" not in json.dumps(body)
    email = OutboundEmail.objects.get(to=body["email"])
    assert email.language == "zh-hans"
    assert re.search(r"/accounts/invitation/\S+/", email.body_text)

    pending = api.get("/api/v1/invitations", {"pending": "true"}).json()
    assert [item["id"] for item in pending["items"]] == [body["id"]]
    revoked = api.post(f"/api/v1/invitations/{body['id']}/revoke", content_type="application/json")
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    assert not Invitation.objects.pending().filter(pk=body["id"]).exists()
    assert api.get("/api/v1/invitations", {"pending": "true"}).json()["count"] == 0
    assert AuditEvent.objects.filter(
        content_type__model="invitation", object_id=body["id"], action="revoked"
    ).exists()


def test_invitations_are_for_owners_and_admins_and_bad_addresses_are_refused(
    world: World,
) -> None:
    side = world.one
    invitation = services.invitation_create(
        actor=side.actor(side.owner), email="later@example.test", role=Role.MEMBER
    )
    pm = Api(side, side.pm)
    assert pm.get("/invitations").status_code == 403
    assert pm.get(f"/invitations/{invitation.pk}").status_code == 404
    assert pm.post("/invitations", {"email": "x@example.test"}).status_code == 403
    assert pm.post(f"/invitations/{invitation.pk}/revoke").status_code == 404
    assert Api(world.two, world.two.owner).get(f"/invitations/{invitation.pk}").status_code == 404

    admin = _chinese(side, side.admin)
    before = Invitation.objects.count()
    for email in ("not an address", side.pm.email):
        refused = admin.post(
            "/api/v1/invitations", {"email": email}, content_type="application/json"
        )
        assert refused.status_code == 422 and "email" in errors(refused)
        assert not errors(refused)["email"].isascii()
    assert Invitation.objects.count() == before
