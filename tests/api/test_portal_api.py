"""The client portal through the API: a contact's own token, created and revoked in the
portal, reaches only the portal operations; a member's token reaches none of them."""

import json

import pytest
from django.urls import reverse

from rapport.audit.models import AuditEvent
from rapport.changes import services as cr_services
from rapport.changes.models import ChangeRequest, Decision, State
from rapport.tenancy import services
from rapport.tenancy.models import ApiToken
from tests import factories

pytestmark = pytest.mark.django_db


def _contact_token(side, contact=None) -> str:
    contact = contact or side.contact_a
    _token, secret = services.contact_api_token_create(
        actor=side.contact_actor(contact), name="script"
    )
    return secret


def _headers(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _base(side) -> str:
    return f"/api/v1/portal/projects/{side.project_a.pk}/change-requests"


def _awaiting(side) -> ChangeRequest:
    """A change request on project_a, evaluated with an internal note, sent to the client."""
    pm = side.actor(side.pm)
    cr = cr_services.change_request_create(
        actor=pm, project=side.project_a, title="Exports", description="CSV", submit=True
    )
    cr = cr_services.change_request_evaluate(
        actor=pm,
        change_request=cr,
        schedule_days=10,
        recommendation="approve",
        costs={"labour": "5000.00"},
        evaluation_notes="SECRET internal margin note",
    )
    return cr_services.change_request_send_for_approval(actor=pm, change_request=cr)


def _decide(client, side, number: int, secret: str, **body):
    return client.post(
        f"{_base(side)}/{number}/decision",
        json.dumps(body),
        content_type="application/json",
        headers=_headers(secret),
    )


def test_token_life_cycle_in_the_portal(world, client):
    side = world.one
    contact = side.contact_a
    client.force_login(contact.user)
    page = reverse("portal:api_tokens")
    response = client.post(page, {"name": "spreadsheet", "scope": "read-write"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("rpt_")
    token = ApiToken.objects.get(contact=contact)
    assert token.scope == "read-write"
    assert token.user == contact.user and token.organisation == side.organisation
    assert token.token_hash != secret and secret not in token.token_hash  # stored hashed
    assert AuditEvent.objects.filter(action="created", object_id=str(token.pk)).exists()
    # shown once: the list shows its prefix, never the secret again
    listing = client.get(page).content.decode()
    assert token.prefix in listing and secret not in listing

    api = "/api/v1/portal/projects"
    assert client.get(api, headers=_headers(secret)).status_code == 200

    revoked = client.post(reverse("portal:api_token_revoke", args=[token.pk]))
    assert revoked.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="revoked", object_id=str(token.pk)).exists()
    assert client.get(api, headers=_headers(secret)).status_code == 401


def test_a_contact_cannot_revoke_someone_elses_token(world, client):
    side = world.one
    _contact_token(side, side.contact_b)
    other = ApiToken.objects.get(contact=side.contact_b)
    client.force_login(side.contact_a.user)
    assert client.post(reverse("portal:api_token_revoke", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_a_contact_token_never_acts_as_a_member(world):
    """Even when the contact's person is also a member of the organisation."""
    from rapport.tenancy.models import Membership, Role
    from rapport.tenancy.selectors import api_tokens_of

    side = world.one
    user = side.contact_a.user
    Membership.objects.create(organisation=side.organisation, user=user, role=Role.OWNER)
    secret = _contact_token(side)
    assert services.actor_for_api_token(secret) is None
    assert not api_tokens_of(side.actor(user)).exists()  # nor shows on the member page
    actor = services.contact_actor_for_api_token(secret)
    assert actor is not None and actor.is_contact
    assert actor.contact_ids == frozenset({side.contact_a.pk})


def test_contact_token_is_refused_on_member_routes(world, client):
    side = world.one
    secret = _contact_token(side)
    for path in [
        "/api/v1/projects",
        "/api/v1/clients",
        f"/api/v1/projects/{side.project_a.pk}/change-requests",
    ]:
        response = client.get(path, headers=_headers(secret))
        assert response.status_code == 401, path
        assert response["Content-Type"] == "application/problem+json"
    cr = _awaiting(side)
    response = client.post(
        f"/api/v1/projects/{side.project_a.pk}/change-requests/{cr.number}/withdraw",
        "{}",
        content_type="application/json",
        headers=_headers(secret),
    )
    assert response.status_code == 401


def test_member_token_is_refused_on_portal_routes(world, client):
    side = world.one
    _token, secret = services.api_token_create(actor=side.actor(side.owner), name="owner")
    assert client.get("/api/v1/portal/projects", headers=_headers(secret)).status_code == 401
    assert client.get(_base(side), headers=_headers(secret)).status_code == 401


def test_projects_are_the_published_ones_of_my_client(world, client):
    side = world.one
    secret = _contact_token(side)
    body = client.get("/api/v1/portal/projects", headers=_headers(secret)).json()
    assert [item["id"] for item in body["items"]] == [side.project_a.pk]
    assert set(body["items"][0]) == {"id", "name", "status", "start_date", "end_date"}


def test_raise_list_and_filter(world, client):
    side = world.one
    secret = _contact_token(side)
    cr_services.change_request_create(  # the PM's draft stays out of sight
        actor=side.actor(side.pm), project=side.project_a, title="Draft", description="x"
    )
    created = client.post(
        _base(side),
        json.dumps({"title": "A new report", "description": "Monthly", "priority": "high"}),
        content_type="application/json",
        headers=_headers(secret),
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["reference"] == "CR-002" and body["state"] == State.SUBMITTED
    assert body["impact"] is None
    cr = ChangeRequest.objects.get(project=side.project_a, number=2)
    assert cr.requested_by_contact == side.contact_a

    listed = client.get(_base(side), headers=_headers(secret)).json()
    assert [item["number"] for item in listed["items"]] == [2]
    filtered = client.get(_base(side), {"state": "approved"}, headers=_headers(secret)).json()
    assert filtered["count"] == 0
    assert client.get(f"{_base(side)}/1", headers=_headers(secret)).status_code == 404  # draft


def test_decision_flow(world, client):
    side = world.one
    cr = _awaiting(side)
    secret = _contact_token(side)

    detail = client.get(f"{_base(side)}/{cr.number}", headers=_headers(secret))
    assert detail.status_code == 200
    impact = detail.json()["impact"]
    assert impact["schedule_days"] == 10 and impact["cost"] == "5000.00"

    missing_comment = _decide(client, side, cr.number, secret, decision="reject")
    assert missing_comment.status_code == 422

    approved = _decide(client, side, cr.number, secret, decision="approve", comment="Go")
    assert approved.status_code == 200, approved.content
    assert approved.json()["state"] == State.APPROVED
    decision = Decision.objects.get(change_request=cr)
    assert decision.contact == side.contact_a and decision.kind == "approve"

    again = _decide(client, side, cr.number, secret, decision="approve")
    assert again.status_code == 422
    assert "cannot become" in again.json()["errors"][0]["message"]
    assert Decision.objects.filter(change_request=cr).count() == 1


def test_another_clients_change_request_is_not_found(world, client):
    side = world.one
    cr = _awaiting(side)
    secret = _contact_token(side, side.contact_b)  # client B's approver
    response = _decide(client, side, cr.number, secret, decision="approve")
    assert response.status_code == 404
    other_org = _contact_token(world.two, world.two.contact_a)
    assert _decide(client, side, cr.number, other_org, decision="approve").status_code == 404
    cr.refresh_from_db()
    assert cr.state == State.AWAITING_APPROVAL


def test_a_non_approver_of_the_client_is_forbidden(world, client):
    side = world.one
    cr = _awaiting(side)
    colleague = factories.portal_contact(side.client_a, is_approver=False)
    secret = _contact_token(side, colleague)
    assert client.get(f"{_base(side)}/{cr.number}", headers=_headers(secret)).status_code == 200
    response = _decide(client, side, cr.number, secret, decision="approve")
    assert response.status_code == 403
    cr.refresh_from_db()
    assert cr.state == State.AWAITING_APPROVAL


def test_no_evaluation_notes_in_any_response(world, client):
    side = world.one
    cr = _awaiting(side)
    secret = _contact_token(side)
    responses = [
        client.get("/api/v1/portal/projects", headers=_headers(secret)),
        client.get(_base(side), headers=_headers(secret)),
        client.get(f"{_base(side)}/{cr.number}", headers=_headers(secret)),
        _decide(client, side, cr.number, secret, decision="needs_information", comment="Why?"),
    ]
    for response in responses:
        assert response.status_code == 200
        text = response.content.decode()
        assert "evaluation_notes" not in text and "SECRET" not in text
        assert "labour" not in text and "requested_by" not in text


def test_removed_portal_access_and_inactive_users_stop_the_token(world, client):
    side = world.one
    secret = _contact_token(side)
    api = "/api/v1/portal/projects"
    assert client.get(api, headers=_headers(secret)).status_code == 200
    contact = side.contact_a
    contact.portal_access = False
    contact.save(update_fields=["portal_access"])
    assert client.get(api, headers=_headers(secret)).status_code == 401
    contact.portal_access = True
    contact.save(update_fields=["portal_access"])
    assert client.get(api, headers=_headers(secret)).status_code == 200
    contact.user.is_active = False
    contact.user.save(update_fields=["is_active"])
    assert client.get(api, headers=_headers(secret)).status_code == 401


def test_members_cannot_create_contact_tokens(world):
    from django.core.exceptions import PermissionDenied

    side = world.one
    with pytest.raises(PermissionDenied):
        services.contact_api_token_create(actor=side.actor(side.owner), name="x")
