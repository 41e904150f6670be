"""Risks, issues and conflicts through the API: the same rules as the pages, refusals with the
reason on the field, and the portal API showing only what was shared."""

import pytest
from django.test import Client as HttpClient

from rapport.changes import services as cr
from rapport.notify.models import OutboundEmail
from rapport.risks.models import Conflict, Issue, Risk
from rapport.tenancy import services as tenancy

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _api(side, user) -> HttpClient:
    _token, secret = tenancy.api_token_create(actor=side.actor(user), name="t")
    return HttpClient(headers={"Authorization": f"Bearer {secret}"})


def _portal(side, contact) -> HttpClient:
    _token, secret = tenancy.contact_api_token_create(actor=side.contact_actor(contact), name="t")
    return HttpClient(headers={"Authorization": f"Bearer {secret}"})


def _errors(response) -> dict[str | None, str]:
    assert response["Content-Type"] == "application/problem+json", response.content
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def test_a_risk_occurs_its_issue_is_shared_and_the_portal_api_shows_it(world):
    side = world.one
    api = _api(side, side.pm)
    base = f"/api/v1/projects/{side.project_a.pk}"
    response = api.post(
        f"{base}/risks",
        {"title": "Supplier late", "probability": 4, "impact": 4, "contingency": "Second source"},
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    risk = response.json()
    assert (risk["reference"], risk["score"], risk["owner_id"]) == ("R-001", 16, side.pm.pk)

    response = api.post(f"{base}/risks/1/occurred", {}, content_type=JSON)
    assert response.status_code == 201
    issue = response.json()
    assert issue["from_risk"] == "R-001" and issue["proposed_solution"] == "Second source"
    assert api.get(f"{base}/risks/1").json()["status"] == "occurred"

    portal = _portal(side, side.contact_a)
    assert portal.get(f"/api/v1/portal/projects/{side.project_a.pk}/issues").json()["count"] == 0
    response = api.post(f"{base}/issues/1/share", {}, content_type=JSON)
    assert response.status_code == 200 and response.json()["client_visible"] is True
    assert OutboundEmail.objects.filter(kind="issue_shared").exists()
    items = portal.get(f"/api/v1/portal/projects/{side.project_a.pk}/issues").json()["items"]
    assert [(i["reference"], i["proposed_solution"]) for i in items] == [("I-001", "Second source")]
    assert "owner_id" not in items[0]
    assert portal.get(f"/api/v1/portal/projects/{side.project_a.pk}/risks").json()["count"] == 0

    response = api.patch(f"{base}/issues/1", {"client_visible": False}, content_type=JSON)
    assert response.status_code == 422
    assert "never silently withdrawn" in _errors(response)["client_visible"]
    assert Issue.objects.get().client_visible


def test_out_of_range_levels_and_foreign_owners_are_field_errors(world):
    side = world.one
    api = _api(side, side.pm)
    base = f"/api/v1/projects/{side.project_a.pk}"
    response = api.post(
        f"{base}/risks", {"title": "x", "probability": 6, "impact": 0}, content_type=JSON
    )
    assert response.status_code == 422
    errors = _errors(response)
    assert "1 (rare) to 5 (almost certain)" in errors["probability"]
    assert "1 (minimal) to 5 (severe)" in errors["impact"]
    response = api.post(
        f"{base}/risks",
        {"title": "x", "probability": 2, "impact": 2, "owner_id": world.two.pm.pk},
        content_type=JSON,
    )
    assert response.status_code == 422 and "owner_id" in _errors(response)
    assert not Risk.objects.exists()


def test_sharing_without_a_solution_is_refused_with_the_reason(world):
    side = world.one
    api = _api(side, side.pm)
    base = f"/api/v1/projects/{side.project_a.pk}"
    assert api.post(f"{base}/issues", {"title": "Late data"}, content_type=JSON).status_code == 201
    response = api.post(f"{base}/issues/1/share", {}, content_type=JSON)
    assert response.status_code == 422
    assert "without a way forward" in _errors(response)["proposed_solution"]
    assert not Issue.objects.get().is_shared
    member = _api(side, side.member)
    assert member.post(f"{base}/issues/1/share", {}, content_type=JSON).status_code == 403


def test_conflicts_through_the_api(world):
    side = world.one
    api = _api(side, side.pm)
    response = api.post(
        f"/api/v1/clients/{side.client_a.pk}/conflicts",
        {
            "title": "Invoice dispute",
            "root_causes": ["scope", "communication"],
            "contact_party_ids": [side.contact_b.pk],
        },
        content_type=JSON,
    )
    assert response.status_code == 422 and "contact_party_ids" in _errors(response)
    assert not Conflict.objects.exists()
    response = api.post(
        f"/api/v1/clients/{side.client_a.pk}/conflicts",
        {
            "title": "Invoice dispute",
            "root_causes": ["scope", "communication"],
            "project_id": side.project_a.pk,
            "team_party_ids": [side.member.pk],
            "contact_party_ids": [side.contact_a.pk],
            "strategy": "negotiation",
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    conflict = response.json()
    assert conflict["reference"] == "CF-001"
    assert conflict["contact_parties"] == [
        {"id": side.contact_a.pk, "full_name": side.contact_a.full_name}
    ]
    url = f"/api/v1/conflicts/{conflict['id']}"
    response = api.post(f"{url}/steps", {"description": "Called the sponsor"}, content_type=JSON)
    assert response.status_code == 201 and len(response.json()["steps"]) == 1
    change = cr.change_request_create(
        actor=side.actor(side.pm), project=side.project_a, title="Fewer screens", description="x"
    )
    response = api.post(
        f"{url}/evidence",
        {"kind": "change_request", "project_id": side.project_a.pk, "number": change.number},
        content_type=JSON,
    )
    assert response.status_code == 201 and response.json()["record"] == str(change)
    response = api.post(
        f"{url}/evidence",
        {"kind": "change_request", "project_id": world.two.project_a.pk, "number": 1},
        content_type=JSON,
    )
    assert response.status_code == 422
    response = api.post(f"{url}/close", {"resolution": "  "}, content_type=JSON)
    assert response.status_code == 422 and "resolution" in _errors(response)
    assert Conflict.objects.get().is_open
    response = api.post(
        f"{url}/close", {"resolution": "Credit note", "client_agreed": True}, content_type=JSON
    )
    assert response.status_code == 200 and response.json()["status"] == "closed"
    causes = {
        row["root_cause"]: row["conflicts"]
        for row in api.get("/api/v1/conflicts/root-causes").json()
    }
    assert causes["scope"] == 1 and causes["personal"] == 0
    member = _api(side, side.member)
    assert member.get(url).status_code == 404
    assert member.get("/api/v1/conflicts").status_code == 403


def test_ids_no_database_can_hold_are_not_found(world):
    side = world.one
    api = _api(side, side.pm)
    huge = "99999999999999999999999"
    assert api.get(f"/api/v1/conflicts/{huge}").status_code == 404
    assert api.get(f"/api/v1/projects/{side.project_a.pk}/risks/{huge}").status_code == 404
    assert login_page_is_not_found(side, f"/app/conflicts/{huge}/")


def login_page_is_not_found(side, path) -> bool:
    from tests.conftest import login

    return login(side.pm).get(path).status_code == 404
