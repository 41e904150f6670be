"""The reporting schedule: due projects get one draft on their day, written in their PM's
language, and the PM an email; everything else is left alone."""

import logging
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from crontask import scheduler
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.notify.models import OutboundEmail
from rapport.projects.models import Milestone, Project
from rapport.reports.models import StatusReport
from rapport.reports.tasks import draft_due_reports, draft_scheduled_reports
from rapport.tenancy.models import Organisation

pytestmark = pytest.mark.django_db

FRIDAY_MORNING = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)


def _schedule(*projects, cadence="weekly", weekday=4, **fields):
    Project.objects.filter(pk__in=[p.pk for p in projects]).update(
        report_cadence=cadence, report_weekday=weekday, **fields
    )


def _reports(project):
    return list(StatusReport.objects.filter(project=project).order_by("number"))


def test_due_projects_are_drafted_once_in_their_pms_language(world):
    one, two = world.one, world.two
    one.pm.language = "zh-hans"
    one.pm.save(update_fields=["language"])
    _schedule(one.project_a, two.project_a)

    drafted = draft_due_reports(now=FRIDAY_MORNING)

    assert {r.project_id for r in drafted} == {one.project_a.pk, two.project_a.pk}
    [chinese] = _reports(one.project_a)
    [english] = _reports(two.project_a)
    for report in (chinese, english):
        assert (report.period_start.isoformat(), report.period_end.isoformat()) == (
            "2026-02-28",
            "2026-03-06",
        )
        assert report.state == StatusReport.State.DRAFT
        assert report.created_by is None
    assert chinese.summary.startswith("计算的健康状态为")
    assert english.summary.startswith("The computed health is")

    to_chinese = OutboundEmail.objects.get(to=one.pm.email, kind="status_report_drafted")
    assert to_chinese.language == "zh-hans"
    assert to_chinese.subject == f"已根据数据起草 {one.project_a.name} 的 SR-001，请审阅并发布"
    assert f"/app/projects/{one.project_a.pk}/reports/1/edit/" in to_chinese.body_text
    to_english = OutboundEmail.objects.get(to=two.pm.email, kind="status_report_drafted")
    assert to_english.subject == (
        f"SR-001 for {two.project_a.name} is drafted from the data; review and publish"
    )
    assert "Review it, write the solutions to the problems" in to_english.body_text

    # The same day again (the next half-hourly run): nothing more.
    assert draft_due_reports(now=FRIDAY_MORNING + timedelta(minutes=30)) == []
    assert StatusReport.objects.count() == 2
    assert OutboundEmail.objects.filter(kind="status_report_drafted").count() == 2

    # A week later, the next period follows on.
    [later] = [
        r
        for r in draft_due_reports(now=FRIDAY_MORNING + timedelta(days=7))
        if r.project_id == one.project_a.pk
    ]
    assert (later.number, later.period_start.isoformat()) == (2, "2026-03-07")


def test_the_draft_is_on_record_as_the_schedules(world):
    side = world.one
    _schedule(side.project_a)

    [report] = draft_due_reports(now=FRIDAY_MORNING)

    event = AuditEvent.objects.get(action="created", object_id=str(report.pk))
    assert event.actor_user is None
    assert event.actor_label == "Rapport"
    assert event.organisation_id == side.organisation.pk
    assert event.changes["period_end"] == [None, "2026-03-06"]


def test_inactive_unscheduled_and_other_days_projects_are_left_alone(world):
    side = world.one
    _schedule(side.project_a_draft, status=Project.Status.ON_HOLD)
    _schedule(side.project_b, weekday=0)  # Mondays
    closed = Project.objects.create(
        organisation=side.organisation,
        client=side.client_a,
        pm=side.pm,
        name="Done",
        code="DONE",
        start_date=side.project_a.start_date,
        end_date=side.project_a.end_date,
        status=Project.Status.CLOSED,
        report_cadence="weekly",
    )
    # project_a keeps the default: no cadence

    assert draft_due_reports(now=FRIDAY_MORNING) == []
    assert not StatusReport.objects.filter(
        project__in=[side.project_a, side.project_a_draft, side.project_b, closed]
    ).exists()
    assert not OutboundEmail.objects.filter(kind="status_report_drafted").exists()


def test_the_day_is_the_organisations_local_day(world):
    one, two = world.one, world.two
    Organisation.objects.filter(pk=one.organisation.pk).update(time_zone="Asia/Shanghai")
    _schedule(one.project_a, two.project_a)
    thursday_evening_utc = datetime(2026, 3, 5, 17, 0, tzinfo=UTC)  # Friday 01:00 in Shanghai

    drafted = draft_due_reports(now=thursday_evening_utc)

    assert [r.project_id for r in drafted] == [one.project_a.pk]
    assert drafted[0].period_end.isoformat() == "2026-03-06"
    # the data is read as of the organisation's today too (the real one: gather reads the clock)
    shanghai_today = timezone.now().astimezone(zoneinfo.ZoneInfo("Asia/Shanghai")).date()
    assert drafted[0].data["as_of"] == shanghai_today.isoformat()


def _refuse_reports_of(project):
    """A real database failure for one project's reports (a trigger), no mock."""
    table = StatusReport._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_report() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER refuse_report BEFORE INSERT ON {table} FOR EACH ROW "
                f"WHEN (NEW.project_id = {int(project.pk)}) EXECUTE FUNCTION refuse_report()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER refuse_report BEFORE INSERT ON {table} "
                f"WHEN NEW.project_id = {int(project.pk)} "
                "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
            )


def test_a_failing_project_does_not_stop_the_others(world, caplog):
    one, two = world.one, world.two
    _schedule(one.project_a, one.project_b, two.project_a)
    _refuse_reports_of(one.project_a)  # the first one tried

    with caplog.at_level(logging.ERROR, logger="rapport.reports.tasks"):
        drafted = draft_due_reports(now=FRIDAY_MORNING)

    assert {r.project_id for r in drafted} == {one.project_b.pk, two.project_a.pk}
    assert not StatusReport.objects.filter(project=one.project_a).exists()
    assert f"project {one.project_a.pk} ({one.project_a.code})" in caplog.text
    assert "refused by the test" in caplog.text
    # nothing half-written for the failed one: no email, no audit event
    assert OutboundEmail.objects.filter(kind="status_report_drafted").count() == 2


def _queries(now):
    with CaptureQueriesContext(connection) as captured:
        draft_due_reports(now=now)
    return len(captured.captured_queries)


def test_queries_grow_by_a_fixed_number_per_drafted_project(world):
    one = world.one
    ContentType.objects.get_for_model(StatusReport)  # cached, as in a long-running worker
    for i in range(15):  # a bigger project costs no more queries
        Milestone.objects.create(
            project=one.project_b, name=f"Step {i}", baseline_date=one.project_b.start_date
        )
    nothing = _queries(FRIDAY_MORNING)
    _schedule(one.project_a)
    one_project = _queries(FRIDAY_MORNING)
    _schedule(one.project_b, one.project_a_draft)
    three_projects = _queries(FRIDAY_MORNING + timedelta(days=7))

    per_project = one_project - nothing
    assert three_projects - nothing == 3 * per_project
    # milestones, money, changes, actions, risks, issues, feedback; the project's team
    assert per_project <= 27


def test_the_task_runs_through_the_tasks_framework_every_half_hour(world):
    side = world.one
    today = timezone.now().date()
    _schedule(side.project_a, weekday=today.weekday(), start_date=today - timedelta(days=30))

    result = draft_scheduled_reports.enqueue()

    assert result.return_value == 1
    [job] = [job for job in scheduler.get_jobs() if job.name == draft_scheduled_reports.name]
    assert str(job.trigger) == "cron[month='*', day='*', day_of_week='*', hour='*', minute='*/30']"
