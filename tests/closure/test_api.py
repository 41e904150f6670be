"""Closure, check-ins and the check-in schedule through the member API; the closure report
and its acceptance through the client portal API."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.changes import services as cr_services
from rapport.closure.models import CheckIn, Closure
from rapport.communication.models import Interaction
from rapport.projects.models import Project
from rapport.tenancy import services as tenancy

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _api(side, user) -> HttpClient:
    _token, secret = tenancy.api_token_create(actor=side.actor(user), name="t")
    return HttpClient(headers={"Authorization": f"Bearer {secret}"})


def _portal(side, contact) -> HttpClient:
    _token, secret = tenancy.contact_api_token_create(actor=side.contact_actor(contact), name="t")
    return HttpClient(headers={"Authorization": f"Bearer {secret}"})


def _prepare(api, project, **values):
    body = {"narrative": "Delivered on time.", "lessons": "", "budget_closed": True, **values}
    return api.put(f"/api/v1/projects/{project.pk}/closure", body, content_type=JSON)


def test_prepare_then_close_then_the_client_accepts(world):
    side = world.one
    project = side.project_b  # nothing blocks it
    pm = _api(side, side.pm)
    response = _prepare(pm, project)
    assert response.status_code == 200, response.content
    closure = response.json()
    assert closure["state"] == "preparing" and closure["blockers"] == []
    assert {item["code"] for item in closure["checklist"]} >= {"deliverables", "budget"}
    assert closure["budget_closed_on"] == timezone.localdate().isoformat()

    response = pm.post(f"/api/v1/projects/{project.pk}/closure/close", {}, content_type=JSON)
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "closed" and response.json()["checklist"] is None
    project.refresh_from_db()
    assert project.status == Project.Status.CLOSED

    report = pm.get(f"/api/v1/projects/{project.pk}/closure/report").json()
    assert report["actual"]["budget"] is not None and "budget_now" in report

    client = _portal(side, side.contact_b)
    read = client.get(f"/api/v1/portal/projects/{project.pk}/closure").json()
    assert read["state"] == "closed" and read["can_accept"] is True
    assert read["narrative"] == "Delivered on time." and "change_requests" in read["report"]
    response = client.post(
        f"/api/v1/portal/projects/{project.pk}/closure/accept",
        {"comment": "Thank you"},
        content_type=JSON,
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "accepted"
    assert response.json()["accepted_by"] == side.contact_b.full_name
    closure = Closure.objects.get(project=project)
    assert closure.accepted_by == side.contact_b and closure.acceptance_comment == "Thank you"
    assert AuditEvent.objects.filter(action="accepted", object_id=str(closure.pk)).exists()
    again = client.post(f"/api/v1/portal/projects/{project.pk}/closure/accept", {}, JSON)
    assert again.status_code == 422


def test_blockers_are_listed_and_only_an_admin_overrides_with_a_reason(world):
    side = world.one
    project = side.project_b
    cr_services.change_request_create(
        actor=side.actor(side.pm), project=project, title="Dark mode", description="x"
    )
    pm = _api(side, side.pm)
    _prepare(pm, project)
    url = f"/api/v1/projects/{project.pk}/closure/close"

    refused = pm.post(url, {}, content_type=JSON)
    assert refused.status_code == 409
    assert refused["Content-Type"] == "application/problem+json"
    problem = refused.json()
    assert problem["title"] == "The project can't be closed yet."
    assert len(problem["blockers"]) == 1 and "Dark mode" in problem["blockers"][0]
    assert problem["can_override"] is False

    by_pm = pm.post(url, {"override_reason": "The client left"}, content_type=JSON)
    assert by_pm.status_code == 422
    assert "administrator" in by_pm.json()["errors"][0]["message"]
    assert Closure.objects.get(project=project).state == Closure.State.PREPARING

    admin = _api(side, side.admin)
    assert admin.post(url, {}, content_type=JSON).json()["can_override"] is True
    too_long = admin.post(url, {"override_reason": "x" * 2001}, content_type=JSON)
    assert too_long.status_code == 422
    closed = admin.post(url, {"override_reason": "The client cancelled"}, content_type=JSON)
    assert closed.status_code == 200
    assert closed.json()["override_reason"] == "The client cancelled"


def test_the_closure_is_refused_in_the_users_language(world):
    side = world.one
    project = side.project_b
    cr_services.change_request_create(
        actor=side.actor(side.pm), project=project, title="Dark mode", description="x"
    )
    pm = _api(side, side.pm)
    _prepare(pm, project)
    refused = pm.post(
        f"/api/v1/projects/{project.pk}/closure/close",
        {},
        content_type=JSON,
        headers={"Accept-Language": "zh-hans"},
    )
    assert refused.status_code == 409
    assert refused.json()["blockers"][0].startswith("变更请求 ")  # "Change request …"


def test_the_report_hides_amounts_from_who_may_not_see_them(world):
    side = world.one
    report = _api(side, side.member).get(f"/api/v1/projects/{side.project_a.pk}/closure/report")
    assert report.status_code == 200
    data = report.json()
    assert "budget" not in data["actual"] and "budget_now" not in data
    assert all("cost" not in cr for cr in data["change_requests"])
    full = _api(side, side.pm).get(f"/api/v1/projects/{side.project_a.pk}/closure/report").json()
    assert "budget" in full["actual"] and "budget_now" in full


def test_the_portal_sees_no_closure_before_closing_nor_another_clients(world):
    side = world.one
    client = _portal(side, side.contact_a)
    assert client.get(f"/api/v1/portal/projects/{side.project_a.pk}/closure").status_code == 404
    assert client.get(f"/api/v1/portal/projects/{side.project_b.pk}/closure").status_code == 404
    assert client.get("/api/v1/portal/projects/99999999/closure").status_code == 404


def _closed_with_checkins(side) -> Project:
    project = side.project_b
    pm = _api(side, side.pm)
    _prepare(pm, project)
    pm.post(f"/api/v1/projects/{project.pk}/closure/close", {}, content_type=JSON)
    return project


def test_checkins_listed_by_status_and_recorded_as_a_touchpoint(world):
    side = world.one
    project = _closed_with_checkins(side)
    planned = list(CheckIn.objects.filter(project=project).order_by("due_on"))
    assert [c.months for c in planned] == [1, 3, 6, 12]
    CheckIn.objects.filter(pk=planned[0].pk).update(due_on=timezone.localdate())
    pm = _api(side, side.pm)

    due = pm.get("/api/v1/checkins", {"status": "due"}).json()
    assert [c["id"] for c in due["items"]] == [planned[0].pk]
    assert due["items"][0]["contact_name"] == side.contact_b.full_name
    upcoming = pm.get("/api/v1/checkins", {"status": "upcoming", "project_id": project.pk})
    assert upcoming.json()["count"] == 3
    other = pm.get("/api/v1/checkins", {"project_id": side.project_a.pk}).json()
    assert other["count"] == 0

    url = f"/api/v1/checkins/{planned[0].pk}/record"
    empty = pm.post(url, {"channel": "phone", "summary": "   "}, content_type=JSON)
    assert empty.status_code == 422
    bad_channel = pm.post(url, {"channel": "pigeon", "summary": "Hi"}, content_type=JSON)
    assert bad_channel.status_code == 422
    assert not Interaction.objects.filter(project=project).exists()
    response = pm.post(url, {"channel": "phone", "summary": "All well"}, content_type=JSON)
    assert response.status_code == 201, response.content
    recorded = response.json()
    assert recorded["done_at"] and recorded["interaction_id"]
    interaction = Interaction.objects.get(pk=recorded["interaction_id"])
    assert interaction.summary == "All well" and list(interaction.contacts.all()) == [
        side.contact_b
    ]
    assert pm.post(url, {"channel": "phone", "summary": "Again"}, JSON).status_code == 422
    done = pm.get("/api/v1/checkins", {"status": "done"}).json()
    assert [c["id"] for c in done["items"]] == [planned[0].pk]
    assert pm.get("/api/v1/checkins", {"status": "late"}).status_code == 422
    body = {"channel": "phone", "summary": "x"}
    for bad_id in ("99999999", "99999999999999999999", "0", "-1", "abc"):
        response = pm.post(f"/api/v1/checkins/{bad_id}/record", body, content_type=JSON)
        assert response.status_code in (404, 422), (bad_id, response.status_code)
        project_url = f"/api/v1/projects/{bad_id}/closure"
        assert pm.get(project_url).status_code in (404, 422), bad_id


def test_checkin_schedule_for_admins(world):
    side = world.one
    admin = _api(side, side.admin)
    assert admin.get("/api/v1/settings/closure").json() == {"checkin_months": [1, 3, 6, 12]}
    saved = admin.put("/api/v1/settings/closure", {"checkin_months": [12, 2, 2]}, content_type=JSON)
    assert saved.status_code == 200 and saved.json() == {"checkin_months": [2, 12]}
    for bad in ([], [0], [121], list(range(1, 14)), ["x"], "1,2"):
        response = admin.put("/api/v1/settings/closure", {"checkin_months": bad}, JSON)
        assert response.status_code == 422, bad
    assert admin.get("/api/v1/settings/closure").json() == {"checkin_months": [2, 12]}
    assert _api(side, side.pm).get("/api/v1/settings/closure").status_code == 403


def test_oversized_narrative_is_refused_and_nothing_written(world):
    side = world.one
    pm = _api(side, side.pm)
    response = _prepare(pm, side.project_a, narrative="x" * 20001)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "narrative"
    assert not Closure.objects.filter(project=side.project_a).exists()
    nul = _prepare(pm, side.project_a, narrative="nul\x00byte")
    assert nul.status_code < 500
