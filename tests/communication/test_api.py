"""The register, the plan and the log through the member API: the cadence it reports, the
channel check it records, and ids in bodies that are not the caller's (a field error, never a
write)."""

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.communication import services as comm
from rapport.communication.models import Interaction, PlanItem, Stakeholder
from rapport.tenancy import services as tenancy

pytestmark = pytest.mark.django_db

JSON = "application/json"
TODAY = timezone.localdate()


def _api(side, user) -> HttpClient:
    _token, secret = tenancy.api_token_create(actor=side.actor(user), name="t")
    return HttpClient(headers={"Authorization": f"Bearer {secret}"})


def _errors(response) -> dict[str | None, str]:
    assert response["Content-Type"] == "application/problem+json", response.content
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def _ago(**delta) -> str:
    return (timezone.now() - timedelta(**delta)).isoformat()


def _plan(side, **values) -> PlanItem:
    defaults = {
        "title": "Weekly call with the sponsor",
        "channel": "video",
        "cadence_days": 7,
        "starts_on": TODAY - timedelta(days=10),
    }
    return comm.plan_item_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        audience=[side.contact_a],
        owner_id=side.pm.pk,
        **(defaults | values),
    )


# --- the register -------------------------------------------------------------------------


def test_the_register_through_the_api(world):
    side = world.one
    api = _api(side, side.pm)
    base = f"/api/v1/projects/{side.project_a.pk}/stakeholders"

    created = api.post(
        base,
        {"contact_id": side.contact_a.pk, "role": "sponsor", "influence": "high"},
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["contact_name"], body["role"], body["quadrant"]) == (
        side.contact_a.full_name,
        "sponsor",
        "satisfy",
    )
    assert body["cadence_colour"] is None  # in no plan item's audience yet

    again = api.post(base, {"contact_id": side.contact_a.pk}, content_type=JSON)
    assert again.status_code == 422
    assert "already in this project's register" in _errors(again)["contact_id"]
    assert Stakeholder.objects.filter(project=side.project_a).count() == 1

    url = f"{base}/{body['id']}"
    patched = api.patch(url, {"interest": "high", "notes": "Prefers calls"}, content_type=JSON)
    assert patched.status_code == 200, patched.content
    assert (patched.json()["quadrant"], patched.json()["notes"]) == ("manage", "Prefers calls")
    cleared = api.patch(url, {"notes": None, "role": None}, content_type=JSON)
    assert (cleared.json()["notes"], cleared.json()["role"]) == ("", "sponsor")
    assert api.patch(url, {"influence": "medium"}, content_type=JSON).status_code == 422

    _plan(side, starts_on=TODAY - timedelta(days=10))  # contact A's call is 10 days late
    listed = api.get(base).json()
    assert listed["count"] == 1
    assert listed["items"][0]["cadence_colour"] == "red"

    assert api.delete(url).status_code == 204
    assert not Stakeholder.objects.filter(project=side.project_a).exists()
    assert api.get(url).status_code == 404
    actions = set(
        AuditEvent.objects.filter(content_type__model="stakeholder").values_list(
            "action", flat=True
        )
    )
    assert actions == {"created", "updated", "deleted"}


def test_the_register_takes_no_contact_the_caller_cannot_name(world):
    side, other = world.one, world.two
    api = _api(side, side.pm)
    base = f"/api/v1/projects/{side.project_a.pk}/stakeholders"
    for contact_id, why in [
        (other.contact_a.pk, "another organisation's contact"),
        (side.contact_b.pk, "a contact of another client"),
        (10**9, "no such contact"),
    ]:
        response = api.post(base, {"contact_id": contact_id}, content_type=JSON)
        assert response.status_code == 422, why
        assert side.client_a.name in _errors(response)["contact_id"], why
    too_big = api.post(base, {"contact_id": int("9" * 25)}, content_type=JSON)
    assert too_big.status_code == 422
    assert "contact_id" in _errors(too_big)
    assert not Stakeholder.objects.exists()


def test_a_team_member_reads_the_register_but_does_not_keep_it(world):
    side = world.one
    member = _api(side, side.member)
    base = f"/api/v1/projects/{side.project_a.pk}/stakeholders"
    assert member.get(base).status_code == 200
    refused = member.post(base, {"contact_id": side.contact_a.pk}, content_type=JSON)
    assert refused.status_code == 403
    assert not Stakeholder.objects.exists()


# --- the plan and its cadence -----------------------------------------------------------------


def test_a_plan_item_reports_its_cadence_from_the_log(world):
    side = world.one
    pm = _api(side, side.pm)
    base = f"/api/v1/projects/{side.project_a.pk}/communication-plan"
    starts_on = TODAY - timedelta(days=10)

    created = pm.post(
        base,
        {
            "title": "Weekly call with the sponsor",
            "audience_ids": [side.contact_a.pk],
            "channel": "video",
            "kind": "decision",
            "cadence_days": 7,
            "starts_on": starts_on.isoformat(),
        },
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["owner_id"] == side.project_a.pm_id  # the project's PM by default
    assert item["audience"] == [{"id": side.contact_a.pk, "full_name": side.contact_a.full_name}]
    # Never done: due on the day it starts, now 10 days late (more than half of 7: red).
    assert (item["last_done"], item["next_due"], item["overdue_days"], item["cadence_colour"]) == (
        None,
        starts_on.isoformat(),
        10,
        "red",
    )
    attention = pm.get("/api/v1/communication/attention").json()
    assert [(t["id"], t["project_code"]) for t in attention["items"]] == [
        (item["id"], side.project_a.code)
    ]

    logged = pm.post(
        f"/api/v1/projects/{side.project_a.pk}/touchpoints",
        {
            "occurred_at": _ago(days=1),
            "channel": "video",
            "contact_ids": [side.contact_a.pk],
            "summary": "Weekly call",
            "plan_item_id": item["id"],
        },
        content_type=JSON,
    )
    assert logged.status_code == 201, logged.content
    assert logged.json()["plan_item_id"] == item["id"]

    done = pm.get(f"{base}/{item['id']}").json()
    yesterday = TODAY - timedelta(days=1)
    assert (done["last_done"], done["next_due"], done["overdue_days"], done["cadence_colour"]) == (
        yesterday.isoformat(),
        (yesterday + timedelta(days=7)).isoformat(),
        -6,
        "green",
    )
    assert pm.get("/api/v1/communication/attention").json()["items"] == []
    assert [row["cadence_colour"] for row in pm.get(base).json()["items"]] == ["green"]


def test_the_plan_is_changed_and_removed_through_the_services(world):
    side = world.one
    pm = _api(side, side.pm)
    item = _plan(side)
    url = f"/api/v1/projects/{side.project_a.pk}/communication-plan/{item.pk}"

    patched = pm.patch(
        url,
        {"cadence_days": 30, "audience_ids": [], "owner_id": side.admin.pk, "kind": None},
        content_type=JSON,
    )
    assert patched.status_code == 200, patched.content
    body = patched.json()
    assert (body["cadence_days"], body["audience"], body["owner_id"], body["kind"]) == (
        30,
        [],
        side.admin.pk,
        "",
    )
    # Still never done, 10 days after its start: late by less than half of 30 days.
    assert (body["overdue_days"], body["cadence_colour"]) == (10, "amber")

    out_of_range = pm.patch(url, {"cadence_days": 0}, content_type=JSON)
    assert out_of_range.status_code == 422
    assert "cadence_days" in _errors(out_of_range)

    logged = comm.interaction_log(
        actor=side.actor(side.pm),
        client=side.client_a,
        project=side.project_a,
        plan_item=item,
        occurred_at=timezone.now(),
        channel="video",
        summary="Call",
    )
    assert pm.delete(url).status_code == 204
    assert not PlanItem.objects.filter(pk=item.pk).exists()
    assert Interaction.objects.filter(pk=logged.pk).exists()  # the log keeps it
    assert pm.get(url).status_code == 404


def test_the_plan_takes_no_id_the_caller_cannot_name(world):
    side, other = world.one, world.two
    pm = _api(side, side.pm)
    base = f"/api/v1/projects/{side.project_a.pk}/communication-plan"
    valid = {"title": "Monthly steering", "channel": "meeting", "cadence_days": 30}
    for field, value in [
        ("audience_ids", [other.contact_a.pk]),  # another organisation's contact
        ("audience_ids", [side.contact_b.pk]),  # a contact of another client
        ("owner_id", other.pm.pk),  # a member of another organisation
        ("owner_id", side.contact_a.user_id),  # a client's contact
    ]:
        response = pm.post(base, {**valid, field: value}, content_type=JSON)
        assert response.status_code == 422, (field, value, response.content)
        assert field in _errors(response), (field, value)
    assert not PlanItem.objects.exists()

    item = _plan(side)
    url = f"{base}/{item.pk}"
    foreign = pm.patch(url, {"audience_ids": [other.contact_a.pk]}, content_type=JSON)
    assert foreign.status_code == 422
    assert list(item.audience.all()) == [side.contact_a]
    assert _api(other, other.pm).get(url).status_code == 404
    project_b = f"/api/v1/projects/{side.project_b.pk}/communication-plan/{item.pk}"
    assert pm.get(project_b).status_code == 404  # an item of another project


# --- the log --------------------------------------------------------------------------------


def test_the_channel_check_is_recorded_not_refused(world):
    side = world.one
    member = _api(side, side.member)
    base = f"/api/v1/projects/{side.project_a.pk}/touchpoints"
    touchpoint = {
        "occurred_at": _ago(hours=1),
        "channel": "email",
        "kind": "sensitive",
        "contact_ids": [side.contact_a.pk],
        "summary": "Told the sponsor about the delay",
    }

    by_email = member.post(base, touchpoint, content_type=JSON, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert by_email.status_code == 201, by_email.content
    body = by_email.json()
    assert body["channel_suited"] is False
    assert body["suited_channels"] == ["phone", "video", "meeting"]
    assert "坏消息" in body["channel_advice"]  # why, in the caller's language
    assert Interaction.objects.get(pk=body["id"]).channel_suited is False

    by_phone = member.post(base, {**touchpoint, "channel": "phone"}, content_type=JSON)
    assert by_phone.json()["channel_suited"] is True
    unclassified = member.post(base, {**touchpoint, "kind": ""}, content_type=JSON)
    assert unclassified.json()["channel_suited"] is None
    assert unclassified.json()["suited_channels"] == []

    phone_calls = member.get(base, {"channel": "phone"}).json()
    assert [row["id"] for row in phone_calls["items"]] == [by_phone.json()["id"]]
    assert member.get(base).json()["count"] == 3
    assert member.get(base, {"channel": "pigeon"}).status_code == 422


def test_hostile_touchpoints_write_nothing(world):
    side, other = world.one, world.two
    pm = _api(side, side.pm)
    base = f"/api/v1/projects/{side.project_a.pk}/touchpoints"
    valid = {"occurred_at": _ago(hours=1), "channel": "phone", "summary": "Call"}
    plan_of_project_b = _plan(side)
    PlanItem.objects.filter(pk=plan_of_project_b.pk).update(project=side.project_b)
    other_item = comm.plan_item_create(
        actor=other.actor(other.pm),
        project=other.project_a,
        audience=[],
        owner_id=other.pm.pk,
        title="Theirs",
        channel="email",
        cadence_days=7,
    )
    for field, value in [
        ("contact_ids", [other.contact_a.pk]),
        ("contact_ids", [side.contact_b.pk]),
        ("contact_ids", [int("9" * 25)]),
        ("contact_ids", list(range(1, 300))),
        ("plan_item_id", plan_of_project_b.pk),
        ("plan_item_id", other_item.pk),
        ("occurred_at", _ago(days=-1)),  # not yet happened
        ("occurred_at", "0001-01-01T00:00:00+05:00"),
        ("occurred_at", "yesterday"),
        ("summary", ""),
        ("summary", "x" * 4001),
        ("summary", "nul\x00byte"),
        ("channel", "pigeon"),
        ("kind", "gossip"),
    ]:
        response = pm.post(base, {**valid, field: value}, content_type=JSON)
        assert response.status_code == 422, (field, value, response.content)
        assert any(name.startswith(field) for name in _errors(response)), (field, value)
    dated = pm.post(base, {**valid, "occurred_at": "yesterday"}, content_type=JSON)
    assert _errors(dated)["occurred_at"] == "Enter a valid date and time (YYYY-MM-DDTHH:MM)."
    assert not Interaction.objects.exists()


def test_a_clients_log_through_the_api(world):
    side, other = world.one, world.two
    pm, member = _api(side, side.pm), _api(side, side.member)
    base = f"/api/v1/clients/{side.client_a.pk}/touchpoints"
    call = {"occurred_at": _ago(hours=2), "channel": "phone", "summary": "Quarterly check-in"}

    at_large = pm.post(base, {**call, "contact_ids": [side.contact_a.pk]}, content_type=JSON)
    assert at_large.status_code == 201, at_large.content
    assert at_large.json()["project_id"] is None
    assert member.post(base, call, content_type=JSON).status_code == 403  # managers only
    on_project = member.post(base, {**call, "project_id": side.project_a.pk}, content_type=JSON)
    assert on_project.status_code == 201, on_project.content
    assert on_project.json()["project_id"] == side.project_a.pk
    for project in (side.project_b, other.project_a):  # another client's, another organisation's
        response = pm.post(base, {**call, "project_id": project.pk}, content_type=JSON)
        assert response.status_code == 422
        assert "project_id" in _errors(response)
    assert Interaction.objects.count() == 2

    listed = pm.get(base).json()
    assert [row["id"] for row in listed["items"]] == [
        on_project.json()["id"],
        at_large.json()["id"],
    ]
    with_a = pm.get(base, {"contact_id": side.contact_a.pk}).json()
    assert [row["id"] for row in with_a["items"]] == [at_large.json()["id"]]
    assert pm.get(base, {"contact_id": side.contact_b.pk}).status_code == 404
    assert pm.get(base, {"contact_id": other.contact_a.pk}).status_code == 404
    # A team member sees the client of their project, and so its touchpoints at large.
    assert member.get(base).json()["count"] == 2
    # The outsider (on no project) does not see the client at all.
    assert _api(side, side.outsider).get(base).status_code == 404


def test_a_touchpoint_is_read_and_deleted_by_those_allowed(world):
    side = world.one
    pm, member = _api(side, side.pm), _api(side, side.member)
    logged_by_pm = comm.interaction_log(
        actor=side.actor(side.pm),
        client=side.client_a,
        project=side.project_a,
        occurred_at=timezone.now(),
        channel="email",
        summary="Sent the minutes",
    )
    logged_by_member = comm.interaction_log(
        actor=side.actor(side.member),
        client=side.client_a,
        project=side.project_a,
        occurred_at=timezone.now(),
        channel="chat",
        summary="Asked for the test data",
    )
    url = "/api/v1/touchpoints/{}"
    assert member.get(url.format(logged_by_pm.pk)).json()["summary"] == "Sent the minutes"
    assert member.delete(url.format(logged_by_pm.pk)).status_code == 403
    assert member.delete(url.format(logged_by_member.pk)).status_code == 204
    assert _api(world.two, world.two.owner).delete(url.format(logged_by_pm.pk)).status_code == 404
    assert pm.delete(url.format(logged_by_pm.pk)).status_code == 204
    assert not Interaction.objects.exists()


def test_contacts_have_no_way_in(world):
    side = world.one
    _token, secret = tenancy.contact_api_token_create(
        actor=side.contact_actor(side.contact_a), name="t"
    )
    portal = HttpClient(headers={"Authorization": f"Bearer {secret}"})
    for path in (
        f"/api/v1/projects/{side.project_a.pk}/stakeholders",
        f"/api/v1/projects/{side.project_a.pk}/communication-plan",
        f"/api/v1/clients/{side.client_a.pk}/touchpoints",
        "/api/v1/communication/attention",
    ):
        assert portal.get(path).status_code == 401, path


def test_a_time_without_an_offset_is_taken_as_utc(world):
    side = world.one
    an_hour_ago = (timezone.now() - timedelta(hours=1)).replace(second=0, microsecond=0)
    response = _api(side, side.pm).post(
        f"/api/v1/projects/{side.project_a.pk}/touchpoints",
        {
            "occurred_at": an_hour_ago.strftime("%Y-%m-%dT%H:%M"),
            "channel": "phone",
            "summary": "Call",
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    assert Interaction.objects.get().occurred_at == an_hour_ago


def test_a_moment_with_an_offset_no_database_can_hold_is_stored_in_utc(world):
    """Schemathesis on PostgreSQL sent +19:56, which PostgreSQL refuses (it stops at ±15:59):
    moments are stored in UTC, whatever offset they came with."""
    side = world.one
    pm = _api(side, side.pm)
    logged = pm.post(
        f"/api/v1/projects/{side.project_a.pk}/touchpoints",
        {"occurred_at": "2026-01-01T23:30:00+19:56", "channel": "phone", "summary": "Call"},
        content_type=JSON,
    )
    assert logged.status_code == 201, logged.content
    stored = Interaction.objects.get(pk=logged.json()["id"]).occurred_at
    assert stored.isoformat() == "2026-01-01T03:34:00+00:00"
