"""The project's team in the API: who is on it, added and taken off by the project's
managers, with their sight of the money granted or withdrawn on record; and the SMART
letters of an objective as drafted, in the caller's language."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from rapport.audit.models import AuditEvent
from rapport.projects.models import Objective, ProjectMember
from rapport.tenancy import services
from rapport.tenancy.models import Membership, Role, User
from tests.api.test_baseline_api import Api, errors
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _colleague(world: World) -> User:
    side = world.one
    user = User.objects.create_user(email="new.colleague@one.example", password="x" * 16)
    Membership.objects.create(organisation=side.organisation, user=user, role=Role.MEMBER)
    return user


def test_the_pm_builds_the_team_and_everyone_on_the_project_reads_it(world: World) -> None:
    side = world.one
    pm, member = Api(side, side.pm), Api(side, side.member)
    path = f"/projects/{side.project_a.pk}/members"
    colleague = _colleague(world)

    added = pm.post(path, {"user_id": colleague.pk})
    assert added.status_code == 201
    body = added.json()
    assert body["user_id"] == colleague.pk and body["can_see_financials"] is False
    again = pm.post(path, {"user_id": colleague.pk})
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert ProjectMember.objects.filter(project=side.project_a, user=colleague).count() == 1

    listed = member.get(path).json()
    assert colleague.pk in {item["user_id"] for item in listed["items"]}
    assert listed["count"] == side.project_a.memberships.count()
    assert member.get(f"{path}/{body['id']}").json()["full_name"] == colleague.full_name

    granted = pm.patch(f"{path}/{body['id']}", {"can_see_financials": True})
    assert granted.status_code == 200 and granted.json()["can_see_financials"] is True
    budget = Api(side, colleague).get(f"/projects/{side.project_a.pk}/budget-lines")
    assert budget.status_code == 200

    assert pm.delete(f"{path}/{body['id']}").status_code == 204
    assert not ProjectMember.objects.filter(pk=body["id"]).exists()
    assert pm.get(f"{path}/{body['id']}").status_code == 404

    actions = list(
        AuditEvent.objects.filter(content_type__model="projectmember", object_id=body["id"])
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["created", "updated", "deleted"]


def test_a_team_member_reads_the_team_but_may_not_change_it(world: World) -> None:
    side = world.one
    member = Api(side, side.member)
    path = f"/projects/{side.project_a.pk}/members"
    own = ProjectMember.objects.get(project=side.project_a, user=side.member)

    assert member.post(path, {"user_id": _colleague(world).pk}).status_code == 403
    assert member.patch(f"{path}/{own.pk}", {"can_see_financials": True}).status_code == 403
    assert member.delete(f"{path}/{own.pk}").status_code == 403
    own.refresh_from_db()
    assert own.can_see_financials is False
    assert side.project_a.memberships.count() == 1


def test_someone_outside_the_organisation_cannot_join_and_the_error_names_the_field(
    world: World,
) -> None:
    side = world.one
    _token, secret = services.api_token_create(actor=side.actor(side.pm), name="zh")
    api = HttpClient(headers={"Authorization": f"Bearer {secret}"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    response = api.post(
        f"/api/v1/projects/{side.project_a.pk}/members",
        {"user_id": world.two.pm.pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert "user_id" in errors(response) and "组织" in errors(response)["user_id"]
    assert not ProjectMember.objects.filter(user=world.two.pm).exists()
    unknown = api.patch(
        f"/api/v1/projects/{side.project_a.pk}/members/1",
        {"can_see_financials": "yes"},
        content_type="application/json",
    )
    assert unknown.status_code == 422


def test_the_other_organisations_team_is_not_there(world: World) -> None:
    theirs = world.two
    foreign = ProjectMember.objects.filter(project=theirs.project_a).first()
    assert foreign is not None
    pm = Api(world.one, world.one.pm)
    assert pm.get(f"/projects/{theirs.project_a.pk}/members").status_code == 404
    path = f"/projects/{world.one.project_a.pk}/members/{foreign.pk}"
    assert pm.get(path).status_code == 404
    assert pm.delete(path).status_code == 404
    assert ProjectMember.objects.filter(pk=foreign.pk).exists()


def test_smart_check_of_a_draft_keeps_nothing_and_speaks_the_callers_language(
    world: World,
) -> None:
    side = world.one
    before = Objective.objects.count()
    path = f"/projects/{side.project_a.pk}/objectives/smart-check"
    draft = {
        "statement": "Cut the time to answer a support ticket by half",
        "metric": "",
        "target_value": "4",
        "relevance": "Customers wait too long",
        "owner_id": side.member.pk,
        "due_date": str(side.project_a.end_date),
    }
    checks = Api(side, side.member).post(path, draft)
    assert checks.status_code == 200
    assert {c["letter"]: c["passed"] for c in checks.json()} == {
        "S": True,
        "M": False,
        "A": True,
        "R": True,
        "T": True,
    }
    _token, secret = services.api_token_create(actor=side.actor(side.pm), name="zh")
    zh = HttpClient(headers={"Authorization": f"Bearer {secret}"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    vague = zh.post(
        f"/api/v1{path}", {"statement": "提升", "due_date": "2099-01-01"}, "application/json"
    ).json()
    assert all(not c["passed"] for c in vague)
    assert vague[0]["name"] != "Specific" and not vague[0]["name"].isascii()
    assert Objective.objects.count() == before

    outsider = zh.post(
        f"/api/v1{path}", {"owner_id": world.two.pm.pk}, content_type="application/json"
    )
    assert outsider.status_code == 422 and "owner" in errors(outsider)
