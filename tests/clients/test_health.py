"""The client health score: each part on fixed data, the renormalised weights, the weights
settings, the daily snapshot and the recomputation on events, and who may read it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.changes.models import ChangeRequest, State
from rapport.clients import health, health_selectors, health_services
from rapport.clients.models import Client, ClientHealthSettings, ClientHealthSnapshot
from rapport.clients.tasks import recompute_all_client_health
from rapport.communication.models import PlanItem
from rapport.feedback import services as feedback_services
from rapport.feedback.models import Feedback
from rapport.messaging.models import Message, Thread
from rapport.projects.models import Project
from rapport.reports.models import StatusReport
from rapport.risks import conflicts as conflict_services
from rapport.risks import services as risk_services
from tests import factories
from tests.conftest import Side

pytestmark = pytest.mark.django_db


def _feedback(project: Project, days_ago: int, **scores: int) -> Feedback:
    return Feedback.objects.create(
        organisation=project.organisation,
        project=project,
        source=Feedback.Source.CALL,
        received_on=timezone.localdate() - timedelta(days=days_ago),
        **scores,
    )


def _report(project: Project, number: int, colour: str) -> StatusReport:
    today = timezone.localdate()
    return StatusReport.objects.create(
        project=project,
        number=number,
        period_start=today - timedelta(days=14 * number),
        period_end=today - timedelta(days=14 * number - 13),
        overall_health=colour,
    )


def _answer(project: Project, user: Any, hours: float) -> None:
    thread = Thread.objects.create(project=project, subject="Question", created_by_user=user)
    Message.objects.create(
        thread=thread, author_user=user, body="Answer", via="app", response_seconds=hours * 3600
    )


def _change(project: Project, number: int, state: str) -> None:
    ChangeRequest.objects.create(
        project=project, number=number, title=f"Change {number}", description="x", state=state
    )


@pytest.fixture
def scored(world: Any) -> tuple[Side, Client, Project]:
    """A client with data for every part (the numbers of the tests below)."""
    side = world.one
    client = factories.ClientFactory(organisation=side.organisation, name="Scored")
    project = factories.ProjectFactory(client=client, pm=side.pm)
    other = factories.ProjectFactory(client=client, pm=side.pm)
    closed = factories.ProjectFactory(client=client, pm=side.pm, status=Project.Status.CLOSED)
    # satisfaction: recent 4, 5, 3 (mean 4.00), the 90 days before 2, 3 (mean 2.50)
    _feedback(project, 10, progress=4, quality=5, nps=10)
    _feedback(other, 50, communication=3, nps=9)
    _feedback(project, 75, nps=5)
    _feedback(project, 120, progress=2, quality=3, nps=0)
    # responsiveness: median wait 10 hours, one red planned touchpoint
    for hours in (2, 10, 20):
        _answer(project, side.pm, hours)
    PlanItem.objects.create(
        project=project,
        title="Weekly call",
        channel="phone",
        cadence_days=14,
        owner=side.pm,
        starts_on=timezone.localdate() - timedelta(days=30),
    )
    # conflicts and issues: one open conflict, two open issues of which one overdue
    pm = side.actor(side.pm)
    conflict_services.conflict_create(
        actor=pm, client=client, title="Who pays", root_causes=["scope"], project_id=project.pk
    )
    for due in (timezone.localdate() - timedelta(days=1), None):
        risk_services.issue_create(
            actor=pm, project=project, title="Broken export", owner_id=side.pm.pk, due_date=due
        )
    # changes: five in the window, one rejected
    for number, state in enumerate(
        [State.REJECTED, State.APPROVED, State.DRAFT, State.IMPLEMENTED, State.WITHDRAWN], 1
    ):
        _change(project, number, state)
    # project health: green and amber running, red closed (not counted)
    _report(project, 1, "green")
    _report(other, 1, "amber")
    _report(closed, 1, "red")
    return side, client, project


def test_each_part_on_fixed_data(scored):
    _side, client, _project = scored
    found = health.gather(client, timezone.localdate())

    assert found["satisfaction"].value == 90  # (4 − 1) / 4 → 75, +15 for the 1.5 rise
    assert found["satisfaction"].facts == {"average": "4.00", "previous": "2.50"}
    assert found["nps"].value == 67  # two promoters, one detractor of three: NPS 33
    assert found["nps"].facts == {"nps": 33, "answers": 3}
    assert found["responsiveness"].value == 71  # (72 − 10) / 68 → 91.2, −20 for the red one
    assert found["responsiveness"].facts == {"answers": 3, "median_hours": "10.0", "overdue": 1}
    assert found["conflicts_issues"].value == 45  # 100 − 25 − 10 × 2 − 10
    assert found["changes"].value == 75  # 100 − 5 × (5 − 3) − 15
    assert found["changes"].records[0]["label"] == "CR-001 · Change 1"  # the rejected first
    assert found["project_health"].value == 75
    assert found["project_health"].facts == {"green": 1, "amber": 1, "red": 0}


def test_score_is_the_weighted_mean(scored):
    _side, client, _project = scored
    score, parts = health.compute(client, timezone.localdate(), health.DEFAULT_WEIGHTS)

    # (90×25 + 67×15 + 71×15 + 45×15 + 75×10 + 75×20) / 100 = 72.45
    assert score == 72
    assert health.band(score) == health.GOOD
    assert [p["share"] for p in parts] == [25.0, 15.0, 15.0, 15.0, 10.0, 20.0]
    conflicts = next(p for p in parts if p["key"] == "conflicts_issues")
    assert [r["kind"] for r in conflicts["records"]] == ["conflict", "issue", "issue"]


def test_parts_without_data_are_left_out_and_the_weights_renormalised(world):
    side = world.one
    client = factories.ClientFactory(organisation=side.organisation)
    project = factories.ProjectFactory(client=client, pm=side.pm)
    risk_services.issue_create(
        actor=side.actor(side.pm), project=project, title="Late data", owner_id=side.pm.pk
    )

    score, parts = health.compute(client, timezone.localdate(), health.DEFAULT_WEIGHTS)

    shares = {p["key"]: p["share"] for p in parts}
    assert shares == {
        "satisfaction": 0.0,
        "nps": 0.0,
        "responsiveness": 0.0,
        "conflicts_issues": 60.0,
        "changes": 40.0,
        "project_health": 0.0,
    }
    assert score == 94  # (90 × 15 + 100 × 10) / 25
    assert health.explain(parts[0]) == "No data: left out of the score."


def test_a_weight_of_zero_leaves_the_part_out(world):
    side = world.one
    client = factories.ClientFactory(organisation=side.organisation)
    project = factories.ProjectFactory(client=client, pm=side.pm)
    _change(project, 1, State.REJECTED)
    weights = {**health.DEFAULT_WEIGHTS, "changes": 0}

    score, parts = health.compute(client, timezone.localdate(), weights)

    assert score == 100  # only conflicts and issues count
    assert next(p for p in parts if p["key"] == "changes")["value"] == 85


def test_a_client_without_projects_has_no_score(world):
    client = factories.ClientFactory(organisation=world.one.organisation)
    score, parts = health.compute(client, timezone.localdate(), health.DEFAULT_WEIGHTS)
    assert score is None
    assert all(p["value"] is None for p in parts)


@pytest.mark.parametrize(
    ("score", "band"),
    [(100, "good"), (70, "good"), (69, "watch"), (40, "watch"), (39, "critical"), (0, "critical")],
)
def test_bands(score, band):
    assert health.band(score) == band


def test_moved_by_names_the_part_that_changed_most():
    before = [
        {"key": "satisfaction", "value": 80, "share": 50.0},
        {"key": "changes", "value": 100, "share": 50.0},
    ]
    after = [
        {"key": "satisfaction", "value": 70, "share": 50.0},
        {"key": "changes", "value": 60, "share": 50.0},
    ]
    assert health.moved_by(before, after) == ("changes", -20.0)
    assert health.moved_by(before, before) == ("", 0.0)


# --- weights ------------------------------------------------------------------------------------


def test_admin_sets_the_weights_audited(world):
    side = world.one
    weights = {**health.DEFAULT_WEIGHTS, "nps": "0", "changes": " 30 "}

    health_services.health_weights_update(actor=side.actor(side.admin), weights=weights)

    assert health_services.health_weights(side.organisation.pk)["changes"] == 30
    event = AuditEvent.objects.get(content_type__model="clienthealthsettings")
    assert event.changes["weights"][0]["nps"] == 15
    assert event.changes["weights"][1]["nps"] == 0


@pytest.mark.parametrize(
    "bad",
    [{"nps": -1}, {"nps": 101}, {"nps": "ten"}, {"nps": 2.5}, {"nps": None}, {"nps": "1e3"}],
)
def test_bad_weights_are_refused_and_nothing_is_saved(world, bad):
    side = world.one
    with pytest.raises(ValidationError) as error:
        health_services.health_weights_update(
            actor=side.actor(side.admin), weights={**health.DEFAULT_WEIGHTS, **bad}
        )
    assert error.value.message_dict == {"nps": ["Give a whole number from 0 to 100."]}
    assert not ClientHealthSettings.objects.exists()


def test_weights_may_not_all_be_zero(world):
    side = world.one
    with pytest.raises(ValidationError) as error:
        health_services.health_weights_update(
            actor=side.actor(side.admin), weights=dict.fromkeys(health.PARTS, 0)
        )
    assert error.value.messages == ["Give at least one part a weight above zero."]


def test_only_admins_set_the_weights(world):
    side = world.one
    with pytest.raises(PermissionDenied):
        health_services.health_weights_update(
            actor=side.actor(side.pm), weights=health.DEFAULT_WEIGHTS
        )


def test_settings_page_refuses_bad_input_in_chinese(world, client):
    side = world.one
    side.admin.language = "zh-hans"
    side.admin.save()
    client.force_login(side.admin)
    data = {**health.DEFAULT_WEIGHTS, "nps": "-3"}

    response = client.post("/app/settings/client-health/", data)

    assert response.status_code == 400
    assert "确保该值大于或等于0" in response.content.decode()
    assert not ClientHealthSettings.objects.exists()
    response = client.post("/app/settings/client-health/", dict.fromkeys(health.PARTS, "0"))
    assert response.status_code == 400
    assert not ClientHealthSettings.objects.exists()


# --- snapshots ----------------------------------------------------------------------------------


def test_the_daily_job_keeps_one_snapshot_per_client_per_day(scored):
    _side, client, project = scored

    recompute_all_client_health.call()
    first = ClientHealthSnapshot.objects.get(client=client)
    _feedback(project, 1, progress=1, quality=1)
    recompute_all_client_health.call()

    snapshot = ClientHealthSnapshot.objects.get(client=client)
    assert snapshot.pk == first.pk
    assert snapshot.day == timezone.localdate()
    assert snapshot.score < first.score
    assert snapshot.computed_at >= first.computed_at
    assert not AuditEvent.objects.filter(content_type__model="clienthealthsnapshot").exists()


def test_events_recompute_the_clients_score(world, django_capture_on_commit_callbacks):
    side = world.one
    pm = side.actor(side.pm)

    with django_capture_on_commit_callbacks(execute=True):
        feedback_services.feedback_record(
            actor=pm,
            project=side.project_a,
            source="call",
            received_on=timezone.localdate(),
            quality=5,
        )
    assert ClientHealthSnapshot.objects.get(client=side.client_a).score is not None
    before = ClientHealthSnapshot.objects.get(client=side.client_a).score

    with django_capture_on_commit_callbacks(execute=True):
        conflict_services.conflict_create(
            actor=pm, client=side.client_a, title="Scope", root_causes=["scope"]
        )
    after = ClientHealthSnapshot.objects.get(client=side.client_a)
    assert after.score < before
    assert ClientHealthSnapshot.objects.filter(client=side.client_a).count() == 1


def test_history_says_what_moved_the_score(scored):
    side, client, _project = scored
    day = timezone.localdate() - timedelta(days=1)
    yesterday = health_services.snapshot_record(client=client, today=day)
    yesterday.parts = [
        {**part, "value": 100} if part["key"] == "changes" else part for part in yesterday.parts
    ]
    yesterday.save()
    health_services.snapshot_record(client=client, today=timezone.localdate())

    current = health_selectors.client_health(actor=side.actor(side.pm), client=client)

    assert [m.day for m in current.history] == [day, timezone.localdate()]
    assert current.history[1].moved_by == "changes"
    assert current.history[1].moved_points == -2.5  # (75 − 100) × 10%


# --- who reads it -------------------------------------------------------------------------------


def test_team_members_and_contacts_do_not_see_health(world, client):
    side = world.one
    with pytest.raises(PermissionDenied):
        health_selectors.client_health(actor=side.actor(side.member), client=side.client_a)
    client.force_login(side.member)
    page = client.get(f"/app/clients/{side.client_a.pk}/").content.decode()
    assert "Client health" not in page
    client.force_login(side.contact_a.user)
    assert client.get(f"/app/clients/{side.client_a.pk}/").status_code in (302, 403, 404)


def test_pm_sees_the_panel_with_the_records_behind(scored, client):
    side, scored_client, _project = scored
    health_services.snapshot_record(client=scored_client, today=timezone.localdate())
    client.force_login(side.pm)

    page = client.get(f"/app/clients/{scored_client.pk}/").content.decode()

    assert "72 / 100" in page
    assert "CR-001 · Change 1" in page
    assert "CF-" in page


def test_records_of_projects_a_pm_cannot_open_are_hidden(scored):
    """Another PM sees the score, not the titles of the projects and conflicts not theirs."""
    side, scored_client, _project = scored
    health_services.snapshot_record(client=scored_client, today=timezone.localdate())
    other_pm = factories.UserFactory()
    factories.MembershipFactory(organisation=side.organisation, user=other_pm, role="pm")

    current = health_selectors.client_health(actor=side.actor(other_pm), client=scored_client)

    assert current.score == 72
    assert all(part["records"] == [] for part in current.parts)
    hidden = {part["key"]: part["hidden"] for part in current.parts}
    assert hidden["changes"] == 5
    assert hidden["conflicts_issues"] == 3


def test_api_health_of_a_client(scored, client):
    side, scored_client, _project = scored
    health_services.snapshot_record(client=scored_client, today=timezone.localdate())
    from rapport.tenancy.services import api_token_create

    token = api_token_create(actor=side.actor(side.pm), name="health")[1]
    headers = {"Authorization": f"Bearer {token}"}

    body = client.get(f"/api/v1/clients/{scored_client.pk}/health", headers=headers).json()

    assert body["score"] == 72
    assert body["band"] == "good"
    assert [p["key"] for p in body["parts"]] == list(health.PARTS)
    assert body["parts"][4]["records"][0]["label"] == "CR-001 · Change 1"
    assert body["history"][0]["score"] == 72
    foreign = factories.ClientFactory()
    assert client.get(f"/api/v1/clients/{foreign.pk}/health", headers=headers).status_code == 404


def test_the_history_chart_is_drawn_on_a_scale_of_100_from_the_first_score() -> None:
    from datetime import date

    from rapport.clients.charts import health_history
    from rapport.clients.health_selectors import Moment

    svg = str(
        health_history(
            [
                Moment(day=date(2026, 1, 1), score=50, moved_by="", moved_points=0),
                Moment(day=date(2026, 2, 1), score=40, moved_by="nps", moved_points=-10),
            ]
        )
    )

    assert ">100 <" in svg  # the top of the axis is 100, not the highest score
    # the line starts at the first score (half way up the plot), not at 0
    assert 'd="M56.0,106.0 ' in svg
