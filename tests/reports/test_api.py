"""Status reports through the member API and the client portal API."""

import re
from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from rapport.projects.models import Milestone
from rapport.reports.models import ReportAcknowledgement, StatusReport
from rapport.tenancy import services

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _api(side, user) -> HttpClient:
    _token, secret = services.api_token_create(actor=side.actor(user), name="t")
    return HttpClient(headers={"Authorization": f"Bearer {secret}"})


def _portal(side, contact) -> HttpClient:
    _token, secret = services.contact_api_token_create(actor=side.contact_actor(contact), name="t")
    return HttpClient(headers={"Authorization": f"Bearer {secret}"})


def _period(days_ago: int = 6) -> dict[str, str]:
    today = timezone.localdate()
    return {
        "period_start": (today - timedelta(days=days_ago)).isoformat(),
        "period_end": today.isoformat(),
    }


def _errors(response) -> dict[str | None, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_draft_edit_publish_and_list(world):
    side = world.one
    project = side.project_a
    Milestone.objects.create(
        project=project,
        name="Design sign-off",
        baseline_date=timezone.localdate() - timedelta(days=12),
    )
    api = _api(side, side.pm)
    base = f"/api/v1/projects/{project.pk}/status-reports"

    created = api.post(base, _period(), content_type=JSON)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["number"], body["reference"], body["state"]) == (1, "SR-001", "draft")
    assert body["overall_health"] in ("amber", "red")
    schedule = next(d for d in body["health"] if d["name"] == "schedule")
    assert schedule["colour"] in ("amber", "red")
    assert any("Design sign-off (12 days)" in r["text"] for r in schedule["reasons"])
    assert re.fullmatch(r"-?\d+\.\d{2}", body["data"]["budget"]["bac"])  # a decimal string

    no_reason = api.patch(f"{base}/1", {"stated_health": "green"}, content_type=JSON)
    assert no_reason.status_code == 422
    assert "stated_reason" in _errors(no_reason)
    assert StatusReport.objects.get(project=project, number=1).stated_health == ""

    edited = api.patch(
        f"{base}/1",
        {"summary": "On track", "stated_health": "green", "stated_reason": "Sign-off booked."},
        content_type=JSON,
    )
    assert edited.status_code == 200, edited.content
    assert (edited.json()["summary"], edited.json()["stated_health"]) == ("On track", "green")

    published = api.post(f"{base}/1/publish", content_type=JSON)
    assert published.status_code == 200, published.content
    assert published.json()["state"] == "published"
    assert published.json()["published_at"]

    twice = api.post(f"{base}/1/publish", content_type=JSON)
    assert twice.status_code == 422
    assert "cannot change" in twice.json()["errors"][0]["message"]

    frozen = api.patch(f"{base}/1", {"summary": "Changed"}, content_type=JSON)
    assert frozen.status_code == 422
    assert "cannot change" in frozen.json()["errors"][0]["message"]
    assert StatusReport.objects.get(project=project, number=1).summary == "On track"

    # A correction of the published report; then a later draft.
    correction = api.post(base, {**_period(), "corrects": 1}, content_type=JSON)
    assert correction.status_code == 201, correction.content
    assert correction.json()["corrects"] == "SR-001"
    today = timezone.localdate()
    later = {
        "period_start": (today + timedelta(days=1)).isoformat(),
        "period_end": (today + timedelta(days=7)).isoformat(),
    }
    assert api.post(base, later, content_type=JSON).status_code == 201

    listed = api.get(base).json()
    assert [item["number"] for item in listed["items"]] == [3, 2, 1]
    assert listed["count"] == 3
    drafts = api.get(base, {"state": "draft"}).json()
    assert [item["number"] for item in drafts["items"]] == [3, 2]
    assert api.get(base, {"state": "nonsense"}).status_code == 422
    assert api.get(f"{base}/1").json()["stated_reason"] == "Sign-off booked."


def test_bad_periods_are_refused(world):
    side = world.one
    api = _api(side, side.pm)
    base = f"/api/v1/projects/{side.project_a.pk}/status-reports"
    backwards = api.post(
        base, {"period_start": "2026-03-10", "period_end": "2026-03-01"}, content_type=JSON
    )
    assert backwards.status_code == 422
    assert "period_end" in _errors(backwards)
    assert api.post(base, _period(), content_type=JSON).status_code == 201
    overlap = api.post(base, _period(3), content_type=JSON)
    assert overlap.status_code == 422
    assert "SR-001" in _errors(overlap)["period_start"]
    draft_correction = api.post(base, {**_period(), "corrects": 1}, content_type=JSON)
    assert draft_correction.status_code == 422
    assert "corrects" in _errors(draft_correction)
    missing = api.post(base, {**_period(), "corrects": 99}, content_type=JSON)
    assert missing.status_code == 422
    assert StatusReport.objects.filter(project=side.project_a).count() == 1


def test_foreign_project_and_unknown_report_are_404(world):
    side, other = world.one, world.two
    api = _api(side, side.pm)
    foreign = f"/api/v1/projects/{other.project_a.pk}/status-reports"
    assert api.get(foreign).status_code == 404
    assert api.post(foreign, _period(), content_type=JSON).status_code == 404
    assert not StatusReport.objects.filter(project=other.project_a).exists()
    assert api.get(f"/api/v1/projects/{side.project_a.pk}/status-reports/7").status_code == 404


def test_team_member_reads_but_does_not_write_nor_see_money(world):
    side = world.one
    base = f"/api/v1/projects/{side.project_a.pk}/status-reports"
    assert _api(side, side.pm).post(base, _period(), content_type=JSON).status_code == 201
    member = _api(side, side.member)
    read = member.get(f"{base}/1")
    assert read.status_code == 200
    assert "budget" not in read.json()["data"]
    assert member.get(base).json()["count"] == 1
    assert member.post(base, _period(30), content_type=JSON).status_code == 403
    assert member.patch(f"{base}/1", {"summary": "x"}, content_type=JSON).status_code == 403
    assert member.post(f"{base}/1/publish", content_type=JSON).status_code == 403
    report = StatusReport.objects.get(project=side.project_a, number=1)
    assert report.summary.startswith("The computed health is")  # the prefill, not "x"
    assert report.state == "draft"
    # the outsider is on no project: it does not exist for them
    assert _api(side, side.outsider).get(base).status_code == 404


def test_contact_reads_published_reports_and_acknowledges(world):
    side = world.one
    project = side.project_a
    Milestone.objects.create(
        project=project,
        name="Secret freeze",
        baseline_date=timezone.localdate() - timedelta(days=5),
        client_visible=False,
    )
    pm = _api(side, side.pm)
    base = f"/api/v1/projects/{project.pk}/status-reports"
    pm.post(base, _period(), content_type=JSON)
    pm.patch(
        f"{base}/1",
        {"stated_health": "green", "stated_reason": "Freeze is internal."},
        content_type=JSON,
    )
    today = timezone.localdate()
    pm.post(
        base,
        {
            "period_start": (today + timedelta(days=1)).isoformat(),
            "period_end": (today + timedelta(days=2)).isoformat(),
        },
        content_type=JSON,
    )
    portal = _portal(side, side.contact_a)
    portal_base = f"/api/v1/portal/projects/{project.pk}/status-reports"
    assert portal.get(portal_base).json()["count"] == 0  # drafts never reach the portal
    assert portal.get(f"{portal_base}/1").status_code == 404
    assert portal.post(f"{portal_base}/1/acknowledge", content_type=JSON).status_code == 404

    pm.post(f"{base}/1/publish", content_type=JSON)
    listed = portal.get(portal_base).json()
    assert [item["number"] for item in listed["items"]] == [1]
    body = portal.get(f"{portal_base}/1").json()
    assert (body["overall_health"], body["stated_health"]) == ("amber", "green")
    assert body["stated_reason"] == "Freeze is internal."
    assert "Secret freeze" not in str(body)
    assert "an internal milestone" in str(body["health"])
    assert body["acknowledged_at"] is None

    acknowledged = portal.post(f"{portal_base}/1/acknowledge", content_type=JSON)
    assert acknowledged.status_code == 200
    assert acknowledged.json()["acknowledged_at"]
    assert portal.post(f"{portal_base}/1/acknowledge", content_type=JSON).status_code == 200
    assert ReportAcknowledgement.objects.filter(report__project=project).count() == 1
    seen = pm.get(f"{base}/1").json()["acknowledgements"]
    assert [a["contact_id"] for a in seen] == [side.contact_a.pk]

    # another client's contact sees nothing of it; a member token is refused there
    other = _portal(side, side.contact_b)
    assert other.get(portal_base).status_code == 404
    assert other.post(f"{portal_base}/1/acknowledge", content_type=JSON).status_code == 404
    assert pm.get(portal_base).status_code == 401
