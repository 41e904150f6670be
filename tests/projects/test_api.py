"""A project through the API as on its page: shown in the client portal and taken out."""

import json

import pytest
from django.test import Client as HttpClient

from rapport.audit.models import AuditEvent
from rapport.tenancy.services import api_token_create

pytestmark = pytest.mark.django_db


def _api(side, role: str = "pm"):
    _token, secret = api_token_create(actor=side.actor(getattr(side, role)), name="test")
    http = HttpClient(headers={"Authorization": f"Bearer {secret}"})

    def call(method: str, path: str, body: dict | None = None):
        data = "" if body is None else json.dumps(body)
        return http.generic(method, f"/api/v1{path}", data, content_type="application/json")

    return call


def test_a_project_is_published_to_the_portal_and_taken_out(world):
    side = world.one
    project = side.project_a
    api = _api(side)
    path = f"/projects/{project.pk}/publish"

    hidden = api("POST", path, {"published": False})
    assert hidden.status_code == 200, hidden.content
    assert hidden.json()["published_at"] is None
    project.refresh_from_db()
    assert not project.is_published
    shown = api("POST", path, {})
    assert shown.status_code == 200 and shown.json()["published_at"] is not None
    assert list(
        AuditEvent.objects.filter(
            object_id=str(project.pk), action__in=["published", "unpublished"]
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )[-2:] == ["unpublished", "published"]

    refused = _api(side, "member")("POST", path, {"published": False})
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    not_a_flag = api("POST", path, {"published": "maybe"})
    assert not_a_flag.status_code == 422 and not_a_flag.json()["errors"][0]["field"] == "published"
    project.refresh_from_db()
    assert project.is_published
    assert _api(world.two)("POST", path, {"published": False}).status_code == 404
