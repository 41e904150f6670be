"""The lessons library through the member API, and the lessons shared with the client
through the client portal API."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from rapport.audit.models import AuditEvent
from rapport.lessons import services
from rapport.lessons.models import Lesson, LessonTerm
from rapport.tenancy import services as tenancy

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _api(side, user) -> HttpClient:
    _token, secret = tenancy.api_token_create(actor=side.actor(user), name="t")
    return HttpClient(headers={"Authorization": f"Bearer {secret}"})


def _portal(side, contact) -> HttpClient:
    _token, secret = tenancy.contact_api_token_create(actor=side.contact_actor(contact), name="t")
    return HttpClient(headers={"Authorization": f"Bearer {secret}"})


def _lesson(side, project, **values) -> Lesson:
    defaults = {
        "title": "Agree the scope in writing",
        "what_happened": "The scope grew without a change request.",
        "recommendation": "Use change requests for every addition.",
        "category": "change",
    }
    return services.lesson_create(
        actor=side.actor(side.pm), project_id=project.pk, **{**defaults, **values}
    )


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [lesson["title"] for lesson in response.json()["items"]]


def test_create_read_update_delete(world):
    side = world.one
    api = _api(side, side.member)
    created = api.post(
        "/api/v1/lessons",
        {
            "project_id": side.project_a.pk,
            "title": "需求变更要走流程",
            "what_happened": "客户口头增加了需求。",
            "recommendation": "所有变更都提交变更请求。",
            "category": "change",
            "tags": ["变更", "scope"],
            "language": "zh-hans",
        },
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    lesson = created.json()
    assert lesson["client_id"] == side.client_a.pk and lesson["project_name"] == side.project_a.name
    assert lesson["shared_with_client"] is False
    url = f"/api/v1/lessons/{lesson['id']}"
    assert api.get(url).json()["tags"] == ["变更", "scope"]
    assert _titles(api.get("/api/v1/lessons", {"q": "需求变更"})) == ["需求变更要走流程"]

    patched = api.patch(url, {"title": "Scope changes go through requests"}, JSON)
    assert patched.status_code == 200 and patched.json()["title"].startswith("Scope changes")
    assert patched.json()["recommendation"] == "所有变更都提交变更请求。"  # untouched
    assert _titles(api.get("/api/v1/lessons", {"q": "requests"})) == [patched.json()["title"]]

    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    assert not LessonTerm.objects.filter(lesson_id=lesson["id"]).exists()
    deleted = AuditEvent.objects.get(action="deleted", object_id=str(lesson["id"]))
    assert deleted.changes["title"][0] == "Scope changes go through requests"


def test_writing_is_for_the_projects_team_reading_for_the_organisation(world):
    side = world.one
    lesson = _lesson(side, side.project_a)
    outsider = _api(side, side.outsider)
    assert outsider.get(f"/api/v1/lessons/{lesson.pk}").status_code == 200
    assert outsider.patch(f"/api/v1/lessons/{lesson.pk}", {"title": "x"}, JSON).status_code == 403
    assert outsider.delete(f"/api/v1/lessons/{lesson.pk}").status_code == 403
    foreign = _api(world.two, world.two.owner)
    assert foreign.get(f"/api/v1/lessons/{lesson.pk}").status_code == 404
    body = {
        "project_id": side.project_a.pk,
        "title": "t",
        "what_happened": "w",
        "recommendation": "r",
        "category": "quality",
    }
    assert foreign.post("/api/v1/lessons", body, content_type=JSON).status_code == 404
    assert Lesson.objects.count() == 1


def test_filters_and_pagination(world):
    side = world.one
    _lesson(side, side.project_a, title="Weekly demo", category="communication")
    _lesson(side, side.project_b, title="Estimate with ranges", category="estimation")
    api = _api(side, side.pm)
    assert _titles(api.get("/api/v1/lessons", {"category": "estimation"})) == [
        "Estimate with ranges"
    ]
    assert _titles(api.get("/api/v1/lessons", {"client_id": side.client_a.pk})) == ["Weekly demo"]
    year = side.project_a.end_date.year
    assert len(_titles(api.get("/api/v1/lessons", {"year": year}))) >= 1
    assert _titles(api.get("/api/v1/lessons", {"year": 1990})) == []
    page = api.get("/api/v1/lessons", {"page_size": 1, "page": 2}).json()
    assert page["count"] == 2 and len(page["items"]) == 1
    for bad in ({"category": "gossip"}, {"year": "soon"}, {"client_id": "0"}, {"page": "0"}):
        response = api.get("/api/v1/lessons", bad)
        assert response.status_code == 422, bad
        assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "query",
    [
        "!!! ??? ...",
        "。，、！？",
        '" OR 1=1 --',
        "'; DROP TABLE lessons_lesson; --",
        "scope* NEAR(scope change) AND NOT",
        "title:scope ^2 (scope",
        "%_%",
        "\x00",
        ("scope " * 1667)[:10_000],
    ],
)
def test_pathological_searches_answer_sensibly(world, query):
    side = world.one
    _lesson(side, side.project_a)
    response = _api(side, side.pm).get("/api/v1/lessons", {"q": query})
    assert response.status_code == 200, response.content
    titles = _titles(response)
    assert titles == (["Agree the scope in writing"] if "scope" in query else [])


def test_an_over_long_search_is_a_clear_refusal(world):
    side = world.one
    response = _api(side, side.pm).get("/api/v1/lessons", {"q": "x" * 10_001})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "q"


def test_bad_lesson_bodies_write_nothing(world):
    side = world.one
    api = _api(side, side.pm)
    valid = {
        "title": "t",
        "what_happened": "w",
        "recommendation": "r",
        "category": "quality",
    }
    for bad in (
        {"title": "x" * 201},
        {"title": "   "},
        {"what_happened": "x" * 5001},
        {"category": "gossip"},
        {"tags": ["x" * 41]},
        {"tags": [str(i) for i in range(21)]},
        {"language": "fr"},
        {"project_id": 0},
    ):
        response = api.post("/api/v1/lessons", {**valid, **bad}, content_type=JSON)
        assert response.status_code == 422, (bad, response.content)
    assert api.post("/api/v1/lessons", {**valid, "project_id": 99999999}, JSON).status_code == 404
    assert not Lesson.objects.exists()
    assert api.get("/api/v1/lessons/99999999999999999999").status_code in (404, 422)


def test_suggestions_for_a_project(world):
    side = world.one
    _lesson(side, side.project_b, title="Clients add scope late")
    _lesson(side, side.project_a, title="Own lesson")
    api = _api(side, side.pm)
    suggested = api.get(f"/api/v1/projects/{side.project_a.pk}/lesson-suggestions")
    assert suggested.status_code == 200
    assert "Own lesson" not in [lesson["title"] for lesson in suggested.json()]
    assert (
        _api(side, side.outsider)
        .get(f"/api/v1/projects/{side.project_a.pk}/lesson-suggestions")
        .status_code
        == 404
    )


def test_portal_lists_only_lessons_shared_with_the_contacts_client(world):
    side = world.one
    _lesson(side, side.project_a, title="Shared with A", shared_with_client=True)
    _lesson(side, side.project_a, title="Internal to A")
    _lesson(side, side.project_b, title="Shared with B", shared_with_client=True)
    _lesson(side, side.project_a_draft, title="Shared, unpublished", shared_with_client=True)
    _lesson(world.two, world.two.project_a, title="Other organisation", shared_with_client=True)
    contact = _portal(side, side.contact_a)
    assert _titles(contact.get("/api/v1/portal/lessons")) == ["Shared with A"]
    assert _titles(contact.get("/api/v1/portal/lessons", {"project_id": side.project_a.pk})) == [
        "Shared with A"
    ]
    for project in (side.project_b, side.project_a_draft, world.two.project_a):
        response = contact.get("/api/v1/portal/lessons", {"project_id": project.pk})
        assert response.status_code == 404
    assert "shared_with_client" not in contact.get("/api/v1/portal/lessons").json()["items"][0]
    assert _api(side, side.pm).get("/api/v1/portal/lessons").status_code == 401


def test_search_results_are_paginated_in_rank_order(world):
    side = world.one
    for n in range(5):
        _lesson(side, side.project_a, title=f"Scope change {'scope ' * n}".strip())
    api = _api(side, side.pm)
    everything = _titles(api.get("/api/v1/lessons", {"q": "scope", "page_size": 200}))
    assert len(everything) == 5 and everything[0] == "Scope change scope scope scope scope"
    pages = [
        api.get("/api/v1/lessons", {"q": "scope", "page_size": 2, "page": page}).json()
        for page in (1, 2, 3)
    ]
    assert [page["count"] for page in pages] == [5, 5, 5]
    assert [item["title"] for page in pages for item in page["items"]] == everything
