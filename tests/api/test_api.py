"""The REST API: tokens, scoping, pagination, writes through services, errors as problem+json."""

import pytest

from rapport.audit.models import AuditEvent
from rapport.clients.models import Client
from rapport.projects.models import Project
from rapport.tenancy import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world, client):
    """A test client carrying a personal token of world.one's PM."""
    _token, secret = services.api_token_create(actor=world.one.actor(world.one.pm), name="tests")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def test_token_is_shown_once_and_stored_hashed(world):
    token, secret = services.api_token_create(actor=world.one.actor(world.one.pm), name="sync")
    assert secret.startswith("rpt_") and len(secret) > 40
    assert secret not in token.token_hash and token.prefix == secret[:12]


def test_lists_are_scoped_and_paginated(api, world):
    response = api.get("/api/v1/projects")
    assert response.status_code == 200
    body = response.json()
    codes = {item["code"] for item in body["items"]}
    assert codes == {
        world.one.project_a.code,
        world.one.project_a_draft.code,
        world.one.project_b.code,
    }
    assert body["count"] == 3
    clients = api.get("/api/v1/clients").json()
    assert {item["name"] for item in clients["items"]} == {
        world.one.client_a.name,
        world.one.client_b.name,
    }


def test_foreign_object_is_404(api, world):
    response = api.get(f"/api/v1/projects/{world.two.project_a.pk}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_create_goes_through_the_service_and_is_audited(api, world):
    response = api.post(
        "/api/v1/clients",
        {"name": "Via API", "language": "zh-hans"},
        content_type="application/json",
    )
    assert response.status_code == 201
    created = Client.objects.get(name="Via API")
    assert created.organisation == world.one.organisation
    assert AuditEvent.objects.filter(
        object_id=str(created.pk),
        content_type__model="client",
        action="created",
        actor_user=world.one.pm,
    ).exists()


def test_create_project_with_foreign_client_id_is_404_and_writes_nothing(api, world):
    before = Project.objects.count()
    response = api.post(
        "/api/v1/projects",
        {
            "client_id": world.two.client_a.pk,
            "name": "X",
            "code": "X1",
            "start_date": "2026-01-01",
            "end_date": "2026-02-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 404
    assert Project.objects.count() == before


def test_patch_with_end_before_start_is_422(api, world):
    project = world.one.project_a
    response = api.patch(
        f"/api/v1/projects/{project.pk}",
        {"end_date": "2020-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == 422
    assert any(error["field"] == "end_date" for error in body["errors"])
    project.refresh_from_db()
    assert str(project.end_date) != "2020-01-01"


def test_wrong_body_shape_is_422_with_field_errors(api):
    response = api.post(
        "/api/v1/clients", {"name": 42, "website": ["x"]}, content_type="application/json"
    )
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"name", "website"} <= fields


def test_invalid_json_is_a_clear_error(api):
    response = api.post("/api/v1/clients", "{not json", content_type="application/json")
    assert response.status_code in {400, 422}
    assert Client.objects.filter(name="{not json").count() == 0


def test_over_long_name_is_refused_in_chinese(api, world):
    response = api.post(
        "/api/v1/clients",
        {"name": "x" * 151},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 422
    assert not Client.objects.filter(name="x" * 151).exists()


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Bearer nonsense",
        "Bearer rpt_" + "x" * 43,
        "Basic dXNlcjpwYXNz",
        "Bearer " + "a" * 5000,
    ],
)
def test_bad_tokens_are_401(client, world, header):
    if header:
        client.defaults["HTTP_AUTHORIZATION"] = header
    response = client.get("/api/v1/clients")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["status"] == 401


def test_revoked_token_stops_working(client, world):
    token, secret = services.api_token_create(
        actor=world.one.actor(world.one.pm), name="short-lived"
    )
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    assert client.get("/api/v1/clients").status_code == 200
    services.api_token_revoke(actor=world.one.actor(world.one.pm), token=token)
    assert client.get("/api/v1/clients").status_code == 401


def test_token_of_a_removed_member_stops_working(client, world):
    _token, secret = services.api_token_create(actor=world.one.actor(world.one.pm), name="t")
    world.one.organisation.memberships.filter(user=world.one.pm).delete()
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    assert client.get("/api/v1/clients").status_code == 401


def test_team_member_token_cannot_create_clients(client, world):
    _token, secret = services.api_token_create(actor=world.one.actor(world.one.member), name="t")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    response = client.post("/api/v1/clients", {"name": "Nope"}, content_type="application/json")
    assert response.status_code == 403
    assert not Client.objects.filter(name="Nope").exists()


def test_openapi_document_lists_the_operations(client):
    spec = client.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    operations = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {
        "clients_list",
        "clients_create",
        "clients_get",
        "clients_update",
        "contacts_list",
        "projects_list",
        "projects_create",
        "projects_get",
        "projects_update",
    } <= operations
    assert client.get("/api/docs").status_code == 200
