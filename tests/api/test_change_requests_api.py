import pytest

from rapport.changes.models import ChangeRequest, State
from rapport.tenancy import services

pytestmark = pytest.mark.django_db


def _api(client, side, user):
    _token, secret = services.api_token_create(actor=side.actor(user), name="t")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def test_raise_evaluate_send_and_filter(world, client):
    side = world.one
    api = _api(client, side, side.pm)
    base = f"/api/v1/projects/{side.project_a.pk}/change-requests"
    created = api.post(
        base,
        {
            "title": "Dashboards",
            "description": "Two more",
            "submit": True,
            "milestones": [side.baseline["milestone"].pk],
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["reference"] == "CR-001"
    evaluated = api.post(
        f"{base}/1/evaluate",
        {"schedule_days": 7, "recommendation": "approve", "costs": {"labour": "1200.10"}},
        content_type="application/json",
    )
    assert evaluated.status_code == 200
    body = evaluated.json()
    assert body["costs"] == [{"category": "labour", "amount": "1200.10"}]
    assert body["state"] == State.UNDER_EVALUATION
    assert api.post(f"{base}/1/send", {}, content_type="application/json").json()["state"] == (
        State.AWAITING_APPROVAL
    )
    listed = api.get(base, {"state": "awaiting_approval"}).json()
    assert [item["reference"] for item in listed["items"]] == ["CR-001"]
    assert api.get(base, {"state": "approved"}).json()["count"] == 0


def test_team_member_sees_no_costs(world, client):
    side = world.one
    pm = _api(client, side, side.pm)
    base = f"/api/v1/projects/{side.project_a.pk}/change-requests"
    pm.post(
        base, {"title": "x", "description": "y", "submit": True}, content_type="application/json"
    )
    pm.post(
        f"{base}/1/evaluate",
        {"recommendation": "approve", "costs": {"travel": "90"}},
        content_type="application/json",
    )
    member = _api(client, side, side.member)
    assert member.get(f"{base}/1").json()["costs"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"schedule_days": -1},
        {"schedule_days": "ten"},
        {"costs": {"labour": "abc"}},
        {"costs": {"nope": "1"}},
        {"recommendation": "maybe"},
    ],
)
def test_bad_impact_values_are_422_and_change_nothing(world, client, body):
    side = world.one
    api = _api(client, side, side.pm)
    base = f"/api/v1/projects/{side.project_a.pk}/change-requests"
    api.post(
        base, {"title": "x", "description": "y", "submit": True}, content_type="application/json"
    )
    response = api.post(f"{base}/1/evaluate", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"]
    assert ChangeRequest.objects.get().state == State.SUBMITTED


def test_implementing_twice_is_refused(world, client):
    from rapport.changes import services as cr

    side = world.one
    request = cr.change_request_create(
        actor=side.actor(side.pm), project=side.project_a, title="x", description="y", submit=True
    )
    cr.change_request_evaluate(
        actor=side.actor(side.pm), change_request=request, recommendation="approve", schedule_days=1
    )
    cr.change_request_send_for_approval(actor=side.actor(side.pm), change_request=request)
    cr.change_request_decide(
        actor=side.contact_actor(side.contact_a), change_request=request, decision="approve"
    )
    api = _api(client, side, side.pm)
    url = f"/api/v1/projects/{side.project_a.pk}/change-requests/1/implement"
    assert api.post(url, {}, content_type="application/json").status_code == 200
    again = api.post(url, {}, content_type="application/json")
    assert again.status_code == 422
    assert "Nothing was changed" in again.json()["errors"][0]["message"]


@pytest.mark.parametrize("ids", [[2**70], [-41704990534681036324864, 7362], [0]])
def test_ids_no_database_holds_are_422_and_create_nothing(world, client, ids):
    """Found by schemathesis: an id past 2**63 in a list made SQLite overflow (a 500)."""
    side = world.one
    api = _api(client, side, side.pm)
    response = api.post(
        f"/api/v1/projects/{side.project_a.pk}/change-requests",
        {"title": "x", "description": "y", "deliverables": ids},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].startswith("deliverables")
    assert not ChangeRequest.objects.exists()
