"""Conventions every API operation follows: ETag / If-Match, Idempotency-Key, rate limits per
token, token scopes, problem+json for every error, ordering of lists."""

import re
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from rapport.api import api
from rapport.audit.models import AuditEvent
from rapport.clients.models import Client
from rapport.core import api_conventions
from rapport.tenancy import services
from rapport.tenancy.models import ApiIdempotencyKey, ApiRateWindow, ApiToken, TokenScope
from rapport.webhooks import services as webhook_services
from tests import factories
from tests.conftest import login

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def zh(message: str) -> str:
    """The message as a caller asking for Chinese gets it."""
    with translation.override("zh-hans"):
        return gettext(message)


def bearer(secret: str, **headers: str) -> HttpClient:
    return HttpClient(HTTP_AUTHORIZATION=f"Bearer {secret}", **headers)


def member_token(side, user=None, scope=TokenScope.READ_WRITE) -> str:
    _token, secret = services.api_token_create(
        actor=side.actor(user or side.pm), name="tests", scope=scope
    )
    return secret


def contact_token(side, scope=TokenScope.READ_WRITE) -> str:
    _token, secret = services.contact_api_token_create(
        actor=side.contact_actor(side.contact_a), name="tests", scope=scope
    )
    return secret


# --- ETag / If-Match ---------------------------------------------------------------------


def test_get_carries_an_etag_and_if_none_match_is_a_304(world):
    api_client = bearer(member_token(world.one))
    url = f"/api/v1/clients/{world.one.client_a.pk}"
    response = api_client.get(url)
    etag = response["ETag"]
    assert response.status_code == 200 and re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert api_client.get(url)["ETag"] == etag  # the same representation, the same tag
    again = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag


def test_stale_if_match_is_a_412_and_writes_nothing(world):
    api_client = bearer(member_token(world.one), HTTP_ACCEPT_LANGUAGE="zh-hans")
    client = world.one.client_a
    url = f"/api/v1/clients/{client.pk}"
    etag = api_client.get(url)["ETag"]
    # Someone else changes the client after we read it.
    other = bearer(member_token(world.one, world.one.admin))
    assert (
        other.patch(url, {"notes": "changed"}, content_type="application/json").status_code == 200
    )
    events = AuditEvent.objects.count()

    response = api_client.patch(
        url, {"name": "Stale write"}, content_type="application/json", HTTP_IF_MATCH=etag
    )

    assert response.status_code == 412
    assert response["Content-Type"] == PROBLEM
    assert response.json()["title"] == zh(
        "This resource has changed since you read it. Read it again and retry with its ETag."
    )
    client.refresh_from_db()
    assert client.name != "Stale write" and client.notes == "changed"
    assert AuditEvent.objects.count() == events


def test_matching_if_match_writes(world):
    api_client = bearer(member_token(world.one))
    url = f"/api/v1/clients/{world.one.client_a.pk}"
    etag = api_client.get(url)["ETag"]
    response = api_client.patch(
        url, {"name": "Fresh write"}, content_type="application/json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200 and response.json()["name"] == "Fresh write"
    # The old tag is stale now; the new one matches the representation just returned.
    assert api_client.get(url)["ETag"] != etag
    stale = api_client.patch(
        url, {"name": "Again"}, content_type="application/json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412
    assert (
        api_client.patch(
            url, {"name": "Any"}, content_type="application/json", HTTP_IF_MATCH="*"
        ).status_code
        == 200
    )


def test_if_match_on_an_action_compares_with_the_resource(world):
    subscription = webhook_services.subscription_create(
        actor=world.one.actor(world.one.admin),
        url="https://hooks.example.com/in",
        events=["issue.shared"],
    )
    api_client = bearer(member_token(world.one, world.one.admin))
    url = f"/api/v1/webhooks/{subscription.pk}"
    etag = api_client.get(url)["ETag"]
    api_client.patch(url, {"description": "moved on"}, content_type="application/json")
    stale = api_client.post(f"{url}/pause", content_type="application/json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    subscription.refresh_from_db()
    assert subscription.paused_at is None
    fresh = api_client.get(url)["ETag"]
    paused = api_client.post(f"{url}/pause", content_type="application/json", HTTP_IF_MATCH=fresh)
    assert paused.status_code == 200


def test_if_match_can_be_required(world, settings):
    settings.RAPPORT_API_REQUIRE_IF_MATCH = True
    api_client = bearer(member_token(world.one))
    url = f"/api/v1/clients/{world.one.client_a.pk}"
    response = api_client.patch(url, {"name": "No tag"}, content_type="application/json")
    assert response.status_code == 428 and response["Content-Type"] == PROBLEM


# --- Idempotency-Key ---------------------------------------------------------------------


def test_idempotent_post_replays_the_first_response(world):
    api_client = bearer(member_token(world.one))
    body = {"name": "Once only", "language": "en"}
    first = api_client.post(
        "/api/v1/clients", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    second = api_client.post(
        "/api/v1/clients", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == second.status_code == 201
    assert second.content == first.content
    assert second["Idempotent-Replayed"] == "true"
    assert Client.objects.filter(name="Once only").count() == 1
    # Another key is another request.
    third = api_client.post(
        "/api/v1/clients",
        {"name": "Twice"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )
    assert third.status_code == 201 and Client.objects.filter(name="Twice").count() == 1


def test_same_key_with_another_body_is_a_422(world):
    api_client = bearer(member_token(world.one), HTTP_ACCEPT_LANGUAGE="zh-hans")
    api_client.post(
        "/api/v1/clients",
        {"name": "First"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    response = api_client.post(
        "/api/v1/clients",
        {"name": "Second"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM
    assert response.json()["title"] == zh(
        "This Idempotency-Key was already used for a different request."
    )
    assert not Client.objects.filter(name="Second").exists()


def test_idempotency_keys_are_per_token_and_free_again_after_an_error(world):
    one = bearer(member_token(world.one))
    two = bearer(member_token(world.two))
    invalid = one.post(
        "/api/v1/clients", {"name": ""}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert invalid.status_code == 422 and not ApiIdempotencyKey.objects.exists()
    assert (
        one.post(
            "/api/v1/clients",
            {"name": "A"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="k",
        ).status_code
        == 201
    )
    assert (
        two.post(
            "/api/v1/clients",
            {"name": "B"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="k",
        ).status_code
        == 201
    )
    assert Client.objects.get(name="B").organisation == world.two.organisation


def test_expired_keys_are_pruned(world):
    api_client = bearer(member_token(world.one))
    api_client.post(
        "/api/v1/clients",
        {"name": "Old"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="old",
    )
    ApiIdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    ApiRateWindow.objects.update(minute=0)
    assert api_conventions.prune() >= 2
    assert not ApiIdempotencyKey.objects.exists() and not ApiRateWindow.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_write_once(world):
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and ("mode=memory" in name or name == ":memory:"):
        pytest.skip("SQLite in memory: set RAPPORT_TEST_SQLITE to a file to run this")
    secret = member_token(world.one)
    barrier = threading.Barrier(4)
    responses = []

    def post() -> None:
        try:
            barrier.wait()
            responses.append(
                bearer(secret).post(
                    "/api/v1/clients",
                    {"name": "Racing"},
                    content_type="application/json",
                    HTTP_IDEMPOTENCY_KEY="race",
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status_code for r in responses] == [201] * 4
    assert len({r.content for r in responses}) == 1
    assert Client.objects.filter(name="Racing").count() == 1


# --- rate limits -------------------------------------------------------------------------


def test_rate_limit_is_per_token_with_retry_after(world, settings):
    settings.RAPPORT_API_RATE_LIMITS = {"read": 2, "write": 1}
    api_client = bearer(member_token(world.one), HTTP_ACCEPT_LANGUAGE="zh-hans")
    first = api_client.get("/api/v1/clients")
    assert first["RateLimit-Limit"] == "2" and first["RateLimit-Remaining"] == "1"
    assert api_client.get("/api/v1/clients").status_code == 200
    refused = api_client.get("/api/v1/clients")
    assert refused.status_code == 429 and refused["Content-Type"] == PROBLEM
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["title"] == zh("Too many requests. Try again in %(seconds)s seconds.") % {
        "seconds": refused["Retry-After"]
    }
    # Writes are counted apart; another organisation's token is untouched.
    assert (
        api_client.post(
            "/api/v1/clients", {"name": "W"}, content_type="application/json"
        ).status_code
        == 201
    )
    assert (
        api_client.post(
            "/api/v1/clients", {"name": "W2"}, content_type="application/json"
        ).status_code
        == 429
    )
    assert not Client.objects.filter(name="W2").exists()
    other = bearer(member_token(world.two))
    assert other.get("/api/v1/clients").status_code == 200
    portal = bearer(contact_token(world.two))
    assert portal.get("/api/v1/portal/projects").status_code == 200


# --- scopes ------------------------------------------------------------------------------


def _sample_path(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_read_token_reads_but_every_unsafe_operation_is_a_403(world):
    member = bearer(member_token(world.one, world.one.owner, scope=TokenScope.READ))
    contact = bearer(contact_token(world.one, scope=TokenScope.READ))
    assert member.get("/api/v1/clients").status_code == 200
    assert contact.get("/api/v1/portal/projects").status_code == 200
    audit_events = AuditEvent.objects.count()
    unsafe = [
        (method.upper(), path)
        for path, operations in api.get_openapi_schema()["paths"].items()
        for method in operations
        if method.upper() in {"POST", "PUT", "PATCH", "DELETE"}
    ]
    assert len(unsafe) > 50
    for method, path in unsafe:
        caller = contact if path.startswith("/api/v1/portal/") else member
        response = caller.generic(
            method, _sample_path(path), b'{"name": "x"}', content_type="application/json"
        )
        assert (response.status_code, response["Content-Type"]) == (403, PROBLEM), (method, path)
    assert AuditEvent.objects.count() == audit_events


def test_token_scope_is_audited_and_validated(world):
    token, _secret = services.api_token_create(
        actor=world.one.actor(world.one.pm), name="reader", scope=TokenScope.READ
    )
    event = AuditEvent.objects.filter(object_id=token.pk, action="created").latest("pk")
    assert event.changes["scope"] == [None, "read"]
    with pytest.raises(Exception, match="scope"):
        services.api_token_create(actor=world.one.actor(world.one.pm), name="x", scope="admin")
    assert ApiToken.objects.filter(name="x").count() == 0


def test_members_and_contacts_choose_the_scope_when_creating_a_token(world):
    member = login(world.one.pm)
    response = member.post(reverse("accounts:api_tokens"), {"name": "reader", "scope": "read"})
    assert response.status_code == 200 and response.context["secret"]
    token = ApiToken.objects.get(name="reader")
    assert token.scope == TokenScope.READ and token.user == world.one.pm
    assert "Read only" in member.get(reverse("accounts:api_tokens")).content.decode()
    refused = member.post(reverse("accounts:api_tokens"), {"name": "odd", "scope": "admin"})
    assert refused.context["form"].errors["scope"] and not ApiToken.objects.filter(name="odd")

    contact = login(world.one.contact_a.user)
    response = contact.post(reverse("portal:api_tokens"), {"name": "mine", "scope": "read"})
    secret = response.context["secret"]
    assert ApiToken.objects.get(name="mine").scope == TokenScope.READ
    reader = bearer(secret)
    assert reader.get("/api/v1/portal/projects").status_code == 200
    project = world.one.project_a.pk
    raised = reader.post(
        f"/api/v1/portal/projects/{project}/change-requests",
        {"title": "More", "description": "x", "reason": "y"},
        content_type="application/json",
    )
    assert raised.status_code == 403


# --- problem+json for every error --------------------------------------------------------


def test_unknown_paths_and_methods_are_problems(world):
    api_client = bearer(member_token(world.one), HTTP_ACCEPT_LANGUAGE="zh-hans")
    for path in ("/api/v1/nowhere", "/api/v1/clients/1/nowhere", "/api/v1/clients/"):
        response = api_client.get(path)
        assert (response.status_code, response["Content-Type"]) == (404, PROBLEM), path
    response = api_client.delete("/api/v1/clients")
    assert (response.status_code, response["Content-Type"]) == (405, PROBLEM)
    assert "GET" in response["Allow"] and "POST" in response["Allow"]
    unauthenticated = HttpClient().get("/api/v1/clients")
    assert unauthenticated.status_code == 401
    assert unauthenticated["Content-Type"] == PROBLEM


# --- ordering ----------------------------------------------------------------------------


def test_ordering_sorts_and_breaks_ties_by_id(world):
    api_client = bearer(member_token(world.one))
    twins = [
        factories.ContactFactory(client=world.one.client_a, full_name="Twin") for _ in range(3)
    ]
    names = [c["name"] for c in api_client.get("/api/v1/clients?ordering=-name").json()["items"]]
    assert names == sorted(names, reverse=True)
    contacts = "/api/v1/contacts?ordering={}&page_size={}&page={}"
    ascending = api_client.get(contacts.format("full_name", 200, 1)).json()["items"]
    assert [c["id"] for c in ascending if c["full_name"] == "Twin"] == [t.pk for t in twins]
    descending = api_client.get(contacts.format("-full_name", 200, 1)).json()["items"]
    assert [c["id"] for c in descending if c["full_name"] == "Twin"] == [
        t.pk for t in reversed(twins)
    ]
    by_id = [c["id"] for c in api_client.get("/api/v1/clients?ordering=-id").json()["items"]]
    assert by_id == sorted(by_id, reverse=True)
    created = api_client.get("/api/v1/contacts?ordering=created_at").json()["items"]
    assert [c["created_at"] for c in created] == sorted(c["created_at"] for c in created)
    # Pages of a list with equal sort keys neither repeat nor skip a row.
    paged = [
        c["id"]
        for page in (1, 2, 3)
        for c in api_client.get(contacts.format("full_name", 2, page)).json()["items"]
    ]
    assert sorted(paged) == sorted(c["id"] for c in ascending)


def test_unknown_ordering_field_is_a_422_in_the_callers_language(world):
    api_client = bearer(member_token(world.one), HTTP_ACCEPT_LANGUAGE="zh-hans")
    response = api_client.get("/api/v1/clients?ordering=secret")
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM
    (error,) = response.json()["errors"]
    assert error["field"] == "ordering" and "secret" in error["message"]
    assert error["message"] == zh(
        "Unknown field to sort on: “%(field)s”. Choose one of: %(choices)s."
    ) % {"field": "secret", "choices": "name, id, created_at, updated_at"}


def test_every_list_operation_takes_ordering(world):
    schema = api.get_openapi_schema()
    lists = [
        (path, operation["operationId"])
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method == "get" and any(p["name"] == "page" for p in operation.get("parameters", []))
    ]
    assert lists
    for path, operation_id in lists:
        parameters = schema["paths"][path]["get"]["parameters"]
        assert any(p["name"] == "ordering" for p in parameters), operation_id
