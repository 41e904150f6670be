"""The stored health of each project (``reports.health_store``) is the status report's health
for the day: after each kind of change made through the services, after its transaction
commits or at the next read, and when a day passes."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from rapport.changes import services as cr
from rapport.feedback import services as feedback
from rapport.projects import baseline_services, progress
from rapport.projects.models import Project
from rapport.reports import health, health_store
from rapport.reports.data import gather
from rapport.reports.models import ProjectHealth
from rapport.reports.tasks import refresh_project_health
from rapport.risks import services as risks
from rapport.tenancy import services as tenancy
from rapport.tenancy.models import User
from tests.conftest import Side, World, login

pytestmark = pytest.mark.django_db


def _expected(project: Project, day: date) -> dict[str, Any]:
    """What a status report drafted on ``day`` says: its health and its schedule figures."""
    project = Project.objects.select_related("organisation").get(pk=project.pk)
    _snapshot, facts = gather(project, period_start=day, period_end=day, as_of=day)
    computed = progress.compute(project, as_of=day)
    assessment = health.assess(facts, project.organisation.health_thresholds)
    return {
        "assessment": assessment,
        "overall": assessment["overall"],
        **{name: v["colour"] for name, v in assessment["dimensions"].items()},
        "baseline_end": computed.baseline_end,
        "forecast_end": computed.forecast_end,
        "slip_days": computed.end_slip_days,
        "burn_percent": computed.burn_percent,
    }


def _stored(project: Project, day: date) -> dict[str, Any]:
    row = ProjectHealth.objects.get(project=project, as_of=day)
    assert not row.stale
    return {name: getattr(row, name) for name in _expected(project, day)}


def _read(project: Project, day: date) -> dict[str, Any]:
    """What a reader of ``day`` gets: the stale or missing row computed first."""
    health_store.ensure_fresh(Project.objects.filter(pk=project.pk), as_of=day)
    return _stored(project, day)


def _fill(side: Side, day: date) -> None:
    health_store.ensure_fresh(Project.objects.filter(organisation=side.organisation), as_of=day)


def _dimension(row: dict[str, Any], name: str) -> Any:
    """A dimension's colour and reasons."""
    return row["assessment"]["dimensions"][name]


def _stale(project: Project) -> bool:
    return ProjectHealth.objects.get(project=project, as_of=timezone.localdate()).stale


def _slip_milestone(side: Side) -> None:
    milestone = side.baseline["milestone"]
    baseline_services.item_update(
        actor=side.actor(side.pm),
        item=milestone,
        forecast_date=side.project_a.end_date + timedelta(days=120),
    )


def _raise_risk(side: Side) -> None:
    risks.risk_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        title="Key supplier may fold",
        probability=5,
        impact=4,
        owner_id=side.pm.pk,
    )


def _low_feedback(side: Side) -> None:
    feedback.feedback_record(
        actor=side.actor(side.pm),
        project=side.project_a,
        source="call",
        received_on=timezone.localdate(),
        quality=1,
        communication=2,
    )


def _approve_change(side: Side) -> None:
    request = cr.change_request_create(
        actor=side.contact_actor(side.contact_a),
        project=side.project_a,
        title="Export to Excel",
        description="Every report exportable",
        reason="Board asks for it",
    )
    cr.change_request_evaluate(
        actor=side.actor(side.pm),
        change_request=request,
        schedule_days=60,
        recommendation="approve",
        scope_added="Excel export",
        costs={"labour": "20000"},
    )
    cr.change_request_send_for_approval(actor=side.actor(side.pm), change_request=request)
    cr.change_request_decide(
        actor=side.contact_actor(side.contact_a), change_request=request, decision="approve"
    )


CHANGES = {
    "milestone slips": (_slip_milestone, "schedule"),
    "risk raised": (_raise_risk, "risks_issues"),
    "low feedback": (_low_feedback, "satisfaction"),
    "change request approved": (_approve_change, "scope"),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_a_change_makes_the_row_stale_and_the_next_read_recomputes_it(
    world: World, name: str
) -> None:
    side, today = world.one, timezone.localdate()
    change, dimension = CHANGES[name]
    _fill(side, today)
    before = _stored(side.project_a, today)
    other = _stored(side.project_b, today)

    change(side)

    assert _stale(side.project_a)
    assert not _stale(side.project_b)  # another project is left as it is
    after = _read(side.project_a, today)
    assert after == _expected(side.project_a, today)
    assert _dimension(after, dimension) != _dimension(before, dimension)
    assert _stored(side.project_b, today) == other


@pytest.mark.parametrize("name", list(CHANGES))
def test_a_change_is_recomputed_when_it_commits(
    world: World, name: str, django_capture_on_commit_callbacks: Any
) -> None:
    side, today = world.one, timezone.localdate()
    change, dimension = CHANGES[name]
    _fill(side, today)
    before = _stored(side.project_a, today)

    with django_capture_on_commit_callbacks(execute=True):
        change(side)

    assert not _stale(side.project_a)  # fresh without a read
    after = _stored(side.project_a, today)
    assert after == _expected(side.project_a, today)
    assert _dimension(after, dimension) != _dimension(before, dimension)


@pytest.mark.django_db(transaction=True)  # the worker closes its connection, as in production
@pytest.mark.usefixtures("keep_signal_handlers")
def test_the_request_leaves_the_computation_to_the_job_worker(world: World, settings: Any) -> None:
    """With the job queue of production: the change commits with its project's row stale and
    one job queued for it; the worker computes it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    side, today = world.one, timezone.localdate()
    _fill(side, today)

    with transaction.atomic():
        _raise_risk(side)
        _low_feedback(side)  # the same project in the same transaction: still one job

    assert _stale(side.project_a) and not _stale(side.project_b)
    jobs = DBTaskResult.objects.filter(task_path="rapport.reports.tasks.recompute_project_health")
    assert [job.args_kwargs["args"] for job in jobs] == [[[side.project_a.pk]]]

    call_command("worker", batch=True, verbosity=0)

    assert jobs.get().status == TaskResultStatus.SUCCESSFUL
    assert not _stale(side.project_a)
    assert _stored(side.project_a, today) == _expected(side.project_a, today)


def test_the_portfolio_shows_the_change_at_once(world: World) -> None:
    side, today = world.one, timezone.localdate()
    http = login(side.owner)
    http.get("/app/portfolio/")  # stores today's rows
    assert ProjectHealth.objects.filter(project=side.project_a, as_of=today).exists()

    _raise_risk(side)

    response = http.get("/app/portfolio/", {"health": "amber"})
    rows = {row.project.code: row for row in response.context["page"]}
    assert rows[side.project_a.code].health == _expected(side.project_a, today)["assessment"]
    assert rows[side.project_a.code].colour("risks_issues") == health.AMBER


def test_a_day_passing_is_a_new_row(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Milestones fall overdue between today and 250 days later: the row of the later day
    says so, as a report drafted that day would; the rows of past days are pruned."""
    side, today = world.one, timezone.localdate()
    later = today + timedelta(days=250)
    http = login(side.owner)
    http.get("/app/portfolio/")
    before = _stored(side.project_a, today)

    localdate = timezone.localdate

    def moved(value: Any = None, timezone: Any = None) -> date:
        return localdate(value, timezone) if value is not None else later

    monkeypatch.setattr("django.utils.timezone.localdate", moved)
    rows = {row.project.code: row for row in http.get("/app/portfolio/").context["page"]}

    expected = _expected(side.project_a, later)
    assert _dimension(expected, "schedule") != _dimension(before, "schedule")
    assert _stored(side.project_a, later) == expected
    assert rows[side.project_a.code].health == expected["assessment"]
    assert ProjectHealth.objects.filter(as_of=today).exists()  # kept for other time zones

    monkeypatch.undo()
    refresh_project_health.call()
    assert not ProjectHealth.objects.filter(as_of__lt=today - timedelta(days=2)).exists()


def test_the_hourly_job_fills_every_organisations_today(world: World) -> None:
    side = world.one
    ProjectHealth.objects.all().delete()
    side.organisation.time_zone = "Asia/Shanghai"
    side.organisation.save()
    old = ProjectHealth.objects.create(
        project=side.project_b,
        as_of=timezone.localdate() - timedelta(days=10),
        overall="red",
        schedule="red",
        budget="red",
        scope="red",
        risks_issues="red",
        satisfaction="red",
        assessment={},
        baseline_end=timezone.localdate(),
        forecast_end=timezone.localdate(),
        slip_days=0,
        computed_at=timezone.now(),
    )

    refresh_project_health.call()

    side.pm.time_zone = "America/Los_Angeles"
    side.pm.save()
    shanghai = health_store.organisation_today(side.organisation)
    los_angeles = timezone.localdate(timezone=zoneinfo.ZoneInfo("America/Los_Angeles"))
    assert health_store.readers_days(side.organisation) == {
        shanghai,
        los_angeles,
        timezone.localdate(),  # the other members' (UTC)
    }
    refresh_project_health.call()
    for project in Project.objects.all():
        days = health_store.readers_days(project.organisation, ahead=health_store.AHEAD)
        for day in days:
            assert _stored(project, day) == _expected(project, day), (project.code, day)
        assert ProjectHealth.objects.filter(project=project).count() == len(days)
    assert not ProjectHealth.objects.filter(pk=old.pk).exists()
    assert refresh_project_health.call() == 0  # nothing left to compute


def test_before_midnight_the_job_computes_the_day_about_to_start(world: World) -> None:
    side = world.one
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    side.organisation.time_zone = "Asia/Shanghai"
    side.organisation.save()
    User.objects.filter(memberships__organisation=side.organisation).update(
        time_zone="Asia/Shanghai"
    )
    ProjectHealth.objects.all().delete()
    evening = datetime(2026, 6, 9, 23, 10, tzinfo=shanghai)
    tomorrow = date(2026, 6, 10)
    at_noon = datetime(2026, 6, 9, 12, 10, tzinfo=shanghai)

    health_store.refresh_due(now=at_noon)
    assert not ProjectHealth.objects.filter(
        project__organisation=side.organisation, as_of=tomorrow
    ).exists()

    health_store.refresh_due(now=evening)
    projects = Project.objects.filter(organisation=side.organisation)
    for project in projects:
        assert _stored(project, tomorrow) == _expected(project, tomorrow), project.code
    # Just after midnight the first reader finds every row of the new day stored.
    assert health_store.ensure_fresh(projects, as_of=tomorrow) == 0


def test_new_thresholds_make_every_project_of_the_organisation_stale(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    side, today = world.one, timezone.localdate()
    _slip_milestone(side)  # 120 days past the end: red above 10% of the planned duration
    _fill(side, today)
    _fill(world.two, today)
    assert _stored(side.project_a, today)["schedule"] == health.RED

    tenancy.organisation_update(
        actor=side.actor(side.owner), health_thresholds={"schedule_red_percent": Decimal("90")}
    )

    assert all(
        row.stale for row in ProjectHealth.objects.filter(project__organisation=side.organisation)
    )
    assert not ProjectHealth.objects.filter(
        project__organisation=world.two.organisation, stale=True
    ).exists()
    assert _read(side.project_a, today)["schedule"] == health.AMBER
    assert _read(side.project_a, today) == _expected(side.project_a, today)


def test_other_organisation_changes_leave_the_rows_fresh(world: World) -> None:
    side, today = world.one, timezone.localdate()
    _fill(side, today)
    tenancy.organisation_update(actor=side.actor(side.owner), name="Renamed agency")
    assert not ProjectHealth.objects.filter(stale=True).exists()


def test_the_command_fills_what_is_missing(world: World) -> None:
    from io import StringIO

    from django.core.management import call_command

    ProjectHealth.objects.all().delete()
    out = StringIO()
    call_command("refresh_project_health", stdout=out)
    # a row per project for today; in the last hour before midnight, for tomorrow too
    today = timezone.localdate()
    assert set(ProjectHealth.objects.filter(as_of=today).values_list("project", flat=True)) == set(
        Project.objects.values_list("pk", flat=True)
    )
    assert f"{ProjectHealth.objects.count()} project health row(s) computed." in out.getvalue()
    assert _stored(world.one.project_a, timezone.localdate()) == _expected(
        world.one.project_a, timezone.localdate()
    )
    call_command("refresh_project_health", stdout=out)
    assert "0 project health row(s) computed." in out.getvalue()
