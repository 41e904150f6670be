"""The baseline in the API: items, actuals, versions, comparison and progress, through the
services, scoped by the selectors, with money as exact decimal strings."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.projects.models import (
    BaselineVersion,
    BudgetLine,
    CostEntry,
    Milestone,
    Objective,
    Project,
    ProjectMember,
    TimeEntry,
)
from rapport.tenancy import services
from rapport.tenancy.models import User
from tests.conftest import Side, World

pytestmark = pytest.mark.django_db


class Api:
    """A JSON client carrying one person's API token."""

    def __init__(self, side: Side, user: User) -> None:
        _token, secret = services.api_token_create(actor=side.actor(user), name="tests")
        self.http = HttpClient(headers={"Authorization": f"Bearer {secret}"})

    def _send(self, method: str, path: str, body: Any = None, **query: Any) -> Any:
        response = self.http.generic(
            method,
            "/api/v1" + path,
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            QUERY_STRING="&".join(f"{k}={v}" for k, v in query.items()),
        )
        return response

    def get(self, path: str, **query: Any) -> Any:
        return self._send("GET", path, **query)

    def post(self, path: str, body: Any = None) -> Any:
        return self._send("POST", path, body if body is not None else {})

    def patch(self, path: str, body: Any) -> Any:
        return self._send("PATCH", path, body)

    def delete(self, path: str) -> Any:
        return self._send("DELETE", path)


@pytest.fixture
def pm(world: World) -> Api:
    return Api(world.one, world.one.pm)


@pytest.fixture
def member(world: World) -> Api:
    """A team member on project_a, without the financial grant."""
    return Api(world.one, world.one.member)


def base(project: Project) -> str:
    return f"/projects/{project.pk}"


def errors(response: Any) -> dict[str | None, str]:
    assert response["Content-Type"] == "application/problem+json", response.content
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def sign(side: Side, version_id: int) -> None:
    """The client's approver signs (the portal's part, outside the API)."""
    BaselineVersion.objects.filter(pk=version_id).update(
        status=BaselineVersion.Status.SIGNED, decided_by=side.contact_a, decided_at=timezone.now()
    )


# --- CRUD per kind ------------------------------------------------------------------------

KINDS = {
    "objectives": (
        Objective,
        lambda side: {
            "statement": "Answer every support ticket within one working day",
            "metric": "share answered within a day",
            "target_value": "95.5",
            "unit": "%",
            "due_date": "2026-06-30",
            "relevance": "Waiting customers churn",
            "owner_id": side.pm.pk,
        },
        {"metric": "tickets answered in a day", "target_value": "97"},
    ),
    "milestones": (
        Milestone,
        lambda side: {"name": "Go live", "baseline_date": "2026-09-01", "weight": "2.5"},
        {"name": "Go live (all regions)", "baseline_date": "2026-10-01"},
    ),
    "deliverables": (
        None,
        lambda side: {
            "milestone_id": side.baseline["milestone"].pk,
            "name": "Style guide",
            "acceptance_criteria": "Colours, type and components documented",
        },
        {"name": "Style guide v2"},
    ),
    "budget-lines": (
        BudgetLine,
        lambda side: {"category": "travel", "description": "Site visits", "amount": "1234.50"},
        {"amount": "99.99", "category": "other"},
    ),
    "quality-standards": (
        None,
        lambda side: {
            "title": "Performance",
            "criteria": "Pages load in under two seconds",
            "deliverable_ids": [side.baseline["deliverable"].pk],
        },
        {"title": "Performance budget", "deliverable_ids": []},
    ),
}


@pytest.mark.parametrize("resource", list(KINDS))
def test_crud_round_trip(pm: Api, world: World, resource: str) -> None:
    _model, body, patch = KINDS[resource]
    path = f"{base(world.one.project_a)}/{resource}"
    created = pm.post(path, body(world.one))
    assert created.status_code == 201, created.content
    item = created.json()
    for key, value in body(world.one).items():
        if key == "owner_id" or key.endswith("_ids"):
            assert item[key] == value
        elif key in {"target_value", "weight", "amount"}:
            assert Decimal(item[key]) == Decimal(value) and isinstance(item[key], str)
        else:
            assert item[key] == value
    one = pm.get(f"{path}/{item['id']}")
    assert one.status_code == 200 and one.json() == item

    listing = pm.get(path)
    assert listing.status_code == 200
    assert item["id"] in {row["id"] for row in listing.json()["items"]}

    updated = pm.patch(f"{path}/{item['id']}", patch)
    assert updated.status_code == 200, updated.content
    for key, value in patch.items():
        got = updated.json()[key]
        assert (
            (Decimal(got) == Decimal(value))
            if key in {"amount", "target_value"}
            else (got == value)
        )
    assert pm.get(f"{path}/{item['id']}").json() == updated.json()
    assert AuditEvent.objects.filter(object_id=str(item["id"]), action="updated").exists()

    deleted = pm.delete(f"{path}/{item['id']}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert pm.get(f"{path}/{item['id']}").status_code == 404


def test_list_is_paginated(pm: Api, world: World) -> None:
    body = pm.get(f"{base(world.one.project_a)}/milestones", page_size=1).json()
    assert body["count"] == 2 and len(body["items"]) == 1


def test_null_clears_an_optional_field_and_is_ignored_for_a_required_one(
    pm: Api, world: World
) -> None:
    milestone = world.one.baseline["milestone"]
    path = f"{base(world.one.project_a)}/milestones/{milestone.pk}"
    assert pm.patch(path, {"forecast_date": "2026-03-15"}).json()["forecast_date"] == "2026-03-15"
    cleared = pm.patch(path, {"forecast_date": None, "name": None})
    assert cleared.status_code == 200
    assert cleared.json()["forecast_date"] is None
    assert cleared.json()["name"] == milestone.name


# --- SMART --------------------------------------------------------------------------------


def test_objective_shows_its_smart_checks(pm: Api, world: World) -> None:
    path = f"{base(world.one.project_a)}/objectives"
    good = pm.get(f"{path}/{world.one.baseline['objective'].pk}").json()
    assert good["smart"] == {"S": True, "M": True, "A": True, "R": True, "T": True}
    assert good["smart_ok"] is True

    vague = pm.post(path, {"statement": "Improve things", "due_date": "2030-01-01"})
    assert vague.status_code == 201
    assert vague.json()["smart"] == {"S": False, "M": False, "A": False, "R": False, "T": False}
    assert vague.json()["smart_ok"] is False

    fixed = pm.patch(
        f"{path}/{vague.json()['id']}",
        {
            "statement": "Cut the monthly hosting bill by a third",
            "metric": "monthly invoice",
            "target_value": "2000",
            "relevance": "Budget pressure",
            "achievability": "Move to reserved instances",
            "due_date": "2026-11-30",
        },
    )
    assert fixed.json()["smart_ok"] is True
    listed = pm.get(path).json()["items"]
    assert all(isinstance(row["smart"], dict) for row in listed)


# --- the locked baseline ------------------------------------------------------------------


def test_submitted_baseline_refuses_agreed_changes_but_takes_forecasts(
    pm: Api, member: Api, world: World
) -> None:
    project = world.one.project_a
    submitted = pm.post(f"{base(project)}/baseline-versions", {"reason": ""})
    assert submitted.status_code == 201, submitted.content
    assert submitted.json()["status"] == "submitted" and submitted.json()["number"] == 1

    objective = world.one.baseline["objective"]
    refused = pm.patch(f"{base(project)}/objectives/{objective.pk}", {"statement": "Other words"})
    assert refused.status_code == 422
    assert "awaiting sign-off or signed" in errors(refused)[None]
    objective.refresh_from_db()
    assert objective.statement.startswith("Cut the time")

    line = world.one.baseline["budget_line"]
    refused = pm.patch(f"{base(project)}/budget-lines/{line.pk}", {"amount": "1.00"})
    assert refused.status_code == 422
    assert pm.delete(f"{base(project)}/objectives/{objective.pk}").status_code == 422
    assert pm.post(f"{base(project)}/milestones", {"name": "X", "baseline_date": "2026-05-01"})
    assert Milestone.objects.filter(project=project, name="X").count() == 0

    milestone = world.one.baseline["milestone"]
    path = f"{base(project)}/milestones/{milestone.pk}"
    moved = pm.patch(path, {"forecast_date": "2026-03-20"})
    assert moved.status_code == 200, moved.content
    assert moved.json()["forecast_date"] == "2026-03-20"
    # The team tracks too: a member moves the forecast, but cannot change what was agreed.
    assert member.patch(path, {"forecast_date": "2026-03-25"}).status_code == 200
    assert member.patch(path, {"name": "Renamed"}).status_code == 403
    tracked = pm.patch(f"{base(project)}/objectives/{objective.pk}", {"current_value": "5.5"})
    assert tracked.status_code == 200 and tracked.json()["current_value"] == "5.5000"


def test_submit_withdraw_and_rebaseline(pm: Api, world: World) -> None:
    project = world.one.project_a
    path = f"{base(project)}/baseline-versions"
    first = pm.post(path, {}).json()
    again = pm.post(path, {})
    assert again.status_code == 422 and "already awaiting" in errors(again)[None]

    withdrawn = pm.post(f"{path}/{first['id']}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    twice = pm.post(f"{path}/{first['id']}/withdraw")
    assert twice.status_code == 422
    assert "no longer awaiting sign-off" in errors(twice)[None]

    # Withdrawn: editable again. Re-baselining needs a signed version first.
    assert pm.patch(
        f"{base(project)}/milestones/{world.one.baseline['milestone'].pk}", {"name": "Design ok"}
    ).json()["name"] == ("Design ok")
    early = pm.post(f"{base(project)}/rebaseline", {"reason": "Scope grew"})
    assert early.status_code == 422

    second = pm.post(path, {}).json()
    assert second["number"] == 2
    sign(world.one, second["id"])
    locked = pm.patch(
        f"{base(project)}/milestones/{world.one.baseline['milestone'].pk}", {"name": "Nope"}
    )
    assert locked.status_code == 422

    no_reason = pm.post(f"{base(project)}/rebaseline", {"reason": "  "})
    assert no_reason.status_code == 422 and "reason" in errors(no_reason)
    opened = pm.post(f"{base(project)}/rebaseline", {"reason": "The client adds a region"})
    assert opened.status_code == 200, opened.content
    assert opened.json()["locked"] is False
    assert opened.json()["rebaseline_reason"] == "The client adds a region"
    assert opened.json()["latest_version"]["id"] == second["id"]
    assert pm.post(f"{base(project)}/rebaseline", {"reason": "again"}).status_code == 422

    assert (
        pm.patch(
            f"{base(project)}/milestones/{world.one.baseline['milestone'].pk}",
            {"baseline_date": "2026-03-10"},
        ).status_code
        == 200
    )
    third = pm.post(path, {})
    assert third.status_code == 201
    assert third.json()["reason"] == "The client adds a region"
    assert third.json()["snapshot"]["milestones"][0]["date"] == "2026-03-10"

    listing = pm.get(path).json()
    assert [row["number"] for row in listing["items"]] == [3, 2, 1]
    assert all("snapshot" not in row for row in listing["items"])
    detail = pm.get(f"{path}/{third.json()['id']}").json()
    assert detail["snapshot"]["budget_total"] == "50000.00"
    # What the client was shown leaves the internal milestone out.
    assert [m["name"] for m in detail["client_snapshot"]["milestones"]] == ["Design ok"]


def test_reason_with_a_nul_character_is_refused(pm: Api, world: World) -> None:
    response = pm.post(f"{base(world.one.project_a)}/baseline-versions", {"reason": "a\x00b"})
    assert response.status_code == 422 and "reason" in errors(response)
    assert not BaselineVersion.objects.exists()


def test_compare_two_versions(pm: Api, world: World) -> None:
    side, project = world.one, world.one.project_a
    path = f"{base(project)}/baseline-versions"
    first = pm.post(path, {}).json()
    sign(side, first["id"])
    pm.post(f"{base(project)}/rebaseline", {"reason": "New phase"})
    milestone = side.baseline["milestone"]
    pm.patch(f"{base(project)}/milestones/{milestone.pk}", {"baseline_date": "2026-04-01"})
    added = pm.post(
        f"{base(project)}/objectives",
        {"statement": "Publish the new help centre in two languages", "due_date": "2026-09-01"},
    ).json()
    pm.delete(f"{base(project)}/quality-standards/{side.baseline['quality_standard'].pk}")
    pm.post(f"{base(project)}/budget-lines", {"category": "travel", "amount": "0.10"})
    second = pm.post(path, {}).json()

    response = pm.get(f"{path}/compare", a=first["id"], b=second["id"])
    assert response.status_code == 200, response.content
    result = response.json()
    assert result["a"]["number"] == 1 and result["b"]["number"] == 2
    assert result["changed"] is True
    sections = result["sections"]
    assert [(r["status"], r["id"]) for r in sections["objectives"]] == [("added", added["id"])]
    assert sections["milestones"] == [
        {
            "status": "changed",
            "id": milestone.pk,
            "label": "Design approved",
            "changes": {"date": ["2026-03-02", "2026-04-01"]},
            "old": sections["milestones"][0]["old"],
            "new": sections["milestones"][0]["new"],
        }
    ]
    assert [r["status"] for r in sections["quality_standards"]] == ["removed"]
    assert [(r["status"], r["new"]["amount"]) for r in sections["budget"]] == [("added", "0.10")]
    assert result["budget_total"] == ["50000.00", "50000.10"]
    assert result["schedule"] == {}

    same = pm.get(f"{path}/compare", a=second["id"], b=second["id"]).json()
    assert same["changed"] is False and same["sections"]["objectives"] == []


def test_compare_needs_both_versions_of_this_project(pm: Api, world: World) -> None:
    path = f"{base(world.one.project_a)}/baseline-versions"
    mine = pm.post(path, {}).json()
    theirs = Api(world.two, world.two.pm).post(f"{base(world.two.project_a)}/baseline-versions", {})
    assert theirs.status_code == 201
    assert pm.get(f"{path}/compare", a=mine["id"], b=theirs.json()["id"]).status_code == 404
    assert pm.get(f"{path}/compare", a=mine["id"]).status_code == 422
    assert pm.get(f"{path}/compare", a="x", b=mine["id"]).status_code == 422
    assert pm.get(f"{path}/{theirs.json()['id']}").status_code == 404


# --- money --------------------------------------------------------------------------------


def test_money_is_exact(pm: Api, world: World) -> None:
    """0.10 + 0.20 is 0.30, in the progress and in the comparison: never a float."""
    side, project = world.one, world.one.project_b  # no baseline yet
    path = base(project)
    pm.post(f"{path}/milestones", {"name": "Kick-off", "baseline_date": "2026-02-01"})
    one = pm.post(f"{path}/budget-lines", {"category": "licences", "amount": "0.10"})
    assert one.status_code == 201 and one.json()["amount"] == "0.10"
    first = pm.post(f"{path}/baseline-versions", {}).json()
    assert first["snapshot"]["budget_total"] == "0.10"
    pm.post(f"{path}/baseline-versions/{first['id']}/withdraw")
    two = pm.post(f"{path}/budget-lines", {"category": "licences", "amount": 0.2})
    assert two.json()["amount"] == "0.20"
    second = pm.post(f"{path}/baseline-versions", {}).json()
    assert second["snapshot"]["budget_total"] == "0.30"

    compared = pm.get(f"{path}/baseline-versions/compare", a=first["id"], b=second["id"]).json()
    assert compared["budget_total"] == ["0.10", "0.30"]

    body = pm.get(f"{path}/progress").json()
    assert body["bac"] == "0.30"
    assert body["budget"] == [
        {
            "category": "licences",
            "label": "Licences",
            "budget": "0.30",
            "actual": "0.00",
            "burn_percent": 0,
        }
    ]
    assert sum(Decimal(line.amount) for line in BudgetLine.objects.filter(project=project)) == (
        Decimal("0.30")
    )
    raw = pm.get(f"{path}/budget-lines").content.decode()
    assert '"amount": "0.10"' in raw and '"amount": "0.20"' in raw
    del side


def test_progress_for_a_financial_viewer(pm: Api, world: World) -> None:
    response = pm.get(f"{base(world.one.project_a)}/progress")
    assert response.status_code == 200
    body = response.json()
    assert body["milestones_total"] == 2 and body["milestones_done"] == 0
    assert body["baseline_end"] == "2026-12-31"
    assert body["currency"] == "EUR"
    assert body["bac"] == "50000.00"
    assert body["ac"] in {"1912.50", "0.00"}  # the actuals are dated 2026: today or later
    for key in ("bac", "ac", "pv", "ev", "eac"):
        assert isinstance(body[key], str), key
    labour = next(row for row in body["budget"] if row["category"] == "labour")
    assert labour == {
        "category": "labour",
        "label": "Labour",
        "budget": "50000.00",
        "actual": "712.50",
        "burn_percent": 1,
    }
    assert [m["name"] for m in body["milestones"]] == ["Design approved", "Internal code freeze"]


@pytest.mark.parametrize(
    ("amount", "field"),
    [("-1.00", "amount"), ("abc", "amount"), ("1.005", "amount"), ("1e400", "amount")],
)
def test_bad_amounts_are_422(pm: Api, world: World, amount: str, field: str) -> None:
    path = f"{base(world.one.project_a)}/budget-lines"
    before = BudgetLine.objects.count()
    response = pm.post(path, {"category": "other", "amount": amount})
    assert response.status_code == 422
    assert field in errors(response)
    response = pm.post(
        f"{base(world.one.project_a)}/cost-entries",
        {"category": "other", "date": "2026-02-01", "amount": amount},
    )
    assert response.status_code == 422 and field in errors(response)
    assert BudgetLine.objects.count() == before


def test_non_numeric_amount_says_so(pm: Api, world: World) -> None:
    response = pm.post(
        f"{base(world.one.project_a)}/budget-lines", {"category": "other", "amount": "ten"}
    )
    assert errors(response) == {"amount": "Enter a number."}
    negative = pm.post(
        f"{base(world.one.project_a)}/budget-lines", {"category": "other", "amount": "-5"}
    )
    assert "greater than or equal to 0" in errors(negative)["amount"]


def test_currency_must_be_the_projects(pm: Api, world: World) -> None:
    project = world.one.project_a
    cases = [
        ("budget-lines", {"category": "travel", "amount": "10.00"}),
        ("cost-entries", {"category": "travel", "date": "2026-02-01", "amount": "10.00"}),
        (
            "time-entries",
            {"person_id": world.one.pm.pk, "date": "2026-02-01", "hours": "2", "rate": "80"},
        ),
    ]
    for resource, body in cases:
        refused = pm.post(f"{base(project)}/{resource}", {**body, "currency": "USD"})
        assert refused.status_code == 422, resource
        assert errors(refused)["currency"] == "This project is kept in EUR."
        assert pm.post(f"{base(project)}/{resource}", {**body, "currency": "eur"}).status_code == (
            201
        )
        assert pm.post(f"{base(project)}/{resource}", body).status_code == 201
    line = world.one.baseline["budget_line"]
    patched = pm.patch(f"{base(project)}/budget-lines/{line.pk}", {"currency": "GBP"})
    assert patched.status_code == 422 and "currency" in errors(patched)
    assert pm.post(
        f"{base(project)}/budget-lines", {"category": "travel", "amount": "1", "currency": "EURO"}
    ).status_code == (422)


def test_milestone_dates_must_fall_within_the_project(pm: Api, world: World) -> None:
    path = f"{base(world.one.project_a)}/milestones"
    response = pm.post(path, {"name": "Too late", "baseline_date": "2027-01-05"})
    assert response.status_code == 422
    assert "within the project" in errors(response)["baseline_date"]
    assert not Milestone.objects.filter(name="Too late").exists()
    milestone = world.one.baseline["milestone"]
    moved = pm.patch(f"{path}/{milestone.pk}", {"baseline_date": "2025-12-31"})
    assert moved.status_code == 422 and "baseline_date" in errors(moved)
    bad_date = pm.post(path, {"name": "Nope", "baseline_date": "2026-02-30"})
    assert bad_date.status_code == 422 and "baseline_date" in errors(bad_date)


def test_actuals_round_trip(pm: Api, world: World) -> None:
    project = world.one.project_a
    cost = pm.post(
        f"{base(project)}/cost-entries",
        {"category": "travel", "date": "2026-02-03", "amount": "320.40", "description": "Train"},
    )
    assert cost.status_code == 201 and cost.json()["amount"] == "320.40"
    time = pm.post(
        f"{base(project)}/time-entries",
        {"person_id": world.one.member.pk, "date": "2026-02-03", "hours": "1.5", "rate": "90.10"},
    )
    assert time.status_code == 201, time.content
    assert time.json()["cost"] == "135.15" and time.json()["hours"] == "1.50"
    assert time.json()["person_name"] == world.one.member.full_name
    costs = pm.get(f"{base(project)}/cost-entries").json()
    assert costs["count"] == 2 and costs["items"][0]["id"] == cost.json()["id"]
    assert pm.get(f"{base(project)}/time-entries").json()["count"] == 2

    assert pm.delete(f"{base(project)}/cost-entries/{cost.json()['id']}").status_code == 204
    assert pm.delete(f"{base(project)}/time-entries/{time.json()['id']}").status_code == 204
    assert not CostEntry.objects.filter(pk=cost.json()["id"]).exists()
    assert not TimeEntry.objects.filter(pk=time.json()["id"]).exists()
    foreign = pm.post(
        f"{base(project)}/time-entries",
        {"person_id": world.two.pm.pk, "date": "2026-02-03", "hours": "1", "rate": "1"},
    )
    assert foreign.status_code == 422 and "person" in errors(foreign)


def test_hours_out_of_range_are_422(pm: Api, world: World) -> None:
    path = f"{base(world.one.project_a)}/time-entries"
    for hours in ("0", "25", "-3"):
        response = pm.post(
            path, {"person_id": world.one.pm.pk, "date": "2026-02-03", "hours": hours, "rate": "1"}
        )
        assert response.status_code == 422 and "hours" in errors(response), hours


# --- who sees the money -------------------------------------------------------------------


def test_team_member_without_the_grant_sees_no_money(pm: Api, member: Api, world: World) -> None:
    side, project = world.one, world.one.project_a
    line, cost, time = (side.baseline[k] for k in ("budget_line", "cost_entry", "time_entry"))
    forbidden = [
        member.get(f"{base(project)}/budget-lines"),
        member.get(f"{base(project)}/budget-lines/{line.pk}"),
        member.post(f"{base(project)}/budget-lines", {"category": "other", "amount": "1"}),
        member.patch(f"{base(project)}/budget-lines/{line.pk}", {"amount": "1"}),
        member.delete(f"{base(project)}/budget-lines/{line.pk}"),
        member.get(f"{base(project)}/cost-entries"),
        member.post(
            f"{base(project)}/cost-entries",
            {"category": "other", "date": "2026-02-01", "amount": "1"},
        ),
        member.delete(f"{base(project)}/cost-entries/{cost.pk}"),
        member.get(f"{base(project)}/time-entries"),
        member.delete(f"{base(project)}/time-entries/{time.pk}"),
    ]
    assert [r.status_code for r in forbidden] == [403] * len(forbidden)
    assert BudgetLine.objects.filter(pk=line.pk).exists()

    # The rest of the baseline is theirs to read.
    assert member.get(f"{base(project)}/objectives").status_code == 200
    assert member.get(f"{base(project)}/milestones").json()["count"] == 2

    body = member.get(f"{base(project)}/progress").json()
    assert body["milestones_total"] == 2
    for key in ("budget", "bac", "ac", "pv", "ev", "spi", "cpi", "eac", "burn_percent"):
        assert body[key] is None, key

    first = pm.post(f"{base(project)}/baseline-versions", {}).json()
    detail = member.get(f"{base(project)}/baseline-versions/{first['id']}").json()
    assert detail["snapshot"]["budget"] is None and detail["snapshot"]["budget_total"] is None
    assert detail["client_snapshot"]["budget"] is None
    assert detail["snapshot"]["milestones"]
    compared = member.get(
        f"{base(project)}/baseline-versions/compare", a=first["id"], b=first["id"]
    ).json()
    assert compared["sections"]["budget"] is None and compared["budget_total"] is None
    assert "50000" not in json.dumps([body, detail, compared])

    # Granted, they see it all.
    ProjectMember.objects.filter(project=project, user=side.member).update(can_see_financials=True)
    assert member.get(f"{base(project)}/budget-lines").json()["count"] == 1
    assert member.get(f"{base(project)}/progress").json()["bac"] == "50000.00"


def test_outsider_and_other_organisation_get_404(world: World) -> None:
    outsider = Api(world.one, world.one.outsider)
    assert outsider.get(f"{base(world.one.project_a)}/objectives").status_code == 404
    assert outsider.get(f"{base(world.one.project_a)}/budget-lines").status_code == 404
    assert outsider.get(f"{base(world.one.project_a)}/progress").status_code == 404


# --- scope: foreign ids are 404 -----------------------------------------------------------


def test_foreign_projects_and_items_are_404(pm: Api, world: World) -> None:
    mine, theirs = world.one, world.two
    for resource in ("objectives", "milestones", "budget-lines", "cost-entries", "progress"):
        response = pm.get(f"{base(theirs.project_a)}/{resource}")
        assert response.status_code == 404, resource
        assert response["Content-Type"] == "application/problem+json"
    assert (
        pm.post(
            f"{base(theirs.project_a)}/milestones", {"name": "X", "baseline_date": "2026-02-01"}
        ).status_code
        == 404
    )
    objective = theirs.baseline["objective"]
    assert pm.get(f"{base(mine.project_a)}/objectives/{objective.pk}").status_code == 404
    assert (
        pm.patch(f"{base(mine.project_a)}/objectives/{objective.pk}", {"unit": "x"}).status_code
        == 404
    )
    assert pm.delete(f"{base(mine.project_a)}/objectives/{objective.pk}").status_code == 404
    assert Objective.objects.filter(pk=objective.pk).exists()
    # An item of another project of the same organisation, through the wrong project: 404.
    assert pm.get(
        f"{base(mine.project_b)}/milestones/{mine.baseline['milestone'].pk}"
    ).status_code == (404)
    # Ids in bodies resolve in the caller's scope too.
    deliverable = pm.post(
        f"{base(mine.project_a)}/deliverables",
        {
            "milestone_id": theirs.baseline["milestone"].pk,
            "name": "Nope",
            "acceptance_criteria": "None",
        },
    )
    assert deliverable.status_code == 404
    standard = pm.post(
        f"{base(mine.project_a)}/quality-standards",
        {"title": "T", "criteria": "C", "deliverable_ids": [theirs.baseline["deliverable"].pk]},
    )
    assert standard.status_code == 404
    foreign_owner = pm.post(
        f"{base(mine.project_a)}/objectives", {"statement": "S", "owner_id": theirs.pm.pk}
    )
    assert foreign_owner.status_code == 422 and "owner" in errors(foreign_owner)
    assert (
        pm.post(
            f"{base(mine.project_a)}/deliverables/{theirs.baseline['deliverable'].pk}/submit"
        ).status_code
        == 404
    )


def test_deliverable_submit(pm: Api, member: Api, world: World) -> None:
    project = world.one.project_a
    deliverable = world.one.baseline["deliverable"]
    path = f"{base(project)}/deliverables/{deliverable.pk}/submit"
    assert member.post(path).status_code == 403
    response = pm.post(path)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted" and response.json()["submitted_at"]
    again = pm.post(path)
    assert again.status_code == 422 and "not open" in errors(again)[None]
    internal = world.one.baseline["internal_deliverable"]
    refused = pm.post(f"{base(project)}/deliverables/{internal.pk}/submit")
    assert refused.status_code == 422 and "internal milestone" in errors(refused)[None]


def test_team_member_cannot_draft(member: Api, world: World) -> None:
    project = world.one.project_a
    created = member.post(f"{base(project)}/objectives", {"statement": "Something measurable"})
    assert created.status_code == 403
    assert member.post(f"{base(project)}/baseline-versions", {}).status_code == 403
    assert member.post(f"{base(project)}/rebaseline", {"reason": "x"}).status_code == 403


def test_openapi_documents_money_as_strings() -> None:
    from rapport.api import api

    schema = api.get_openapi_schema()
    operations = {
        operation["operationId"]
        for path in schema["paths"].values()
        for operation in path.values()
        if "baseline" in operation.get("tags", [])
    }
    assert {"objectives_list", "baseline_versions_compare", "baseline_progress"} <= operations
    line = schema["components"]["schemas"]["BudgetLineOut"]["properties"]["amount"]
    assert line.get("type") == "string", line


def test_out_of_range_ids_in_bodies_are_422_not_500(pm: Api, world: World) -> None:
    path = base(world.one.project_a)
    huge = 10**30
    for resource, body in [
        ("quality-standards", {"title": "T", "criteria": "C", "deliverable_ids": [huge]}),
        ("quality-standards", {"title": "T", "criteria": "C", "deliverable_ids": [0]}),
        ("deliverables", {"milestone_id": huge, "name": "N", "acceptance_criteria": "C"}),
        ("objectives", {"statement": "S", "owner_id": -1}),
    ]:
        response = pm.post(f"{path}/{resource}", body)
        assert response.status_code == 422, (resource, body, response.content)
    assert pm.get(f"{path}/objectives/{huge}").status_code == 404
    assert pm.get(f"{path}/baseline-versions/compare", a=huge, b=huge).status_code == 404
