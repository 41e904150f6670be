"""Status reports: drafted from the data, edited, published and acknowledged, with refusals."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.changes import services as cr
from rapport.notify.models import OutboundEmail
from rapport.projects.models import Milestone, Project
from rapport.reports import selectors
from rapport.reports import services as reports
from rapport.reports.models import ReportAcknowledgement, StatusReport
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _late_project(side):
    """Project A spans the year around today; one milestone 12 days overdue, one reached."""
    project = side.project_a
    Project.objects.filter(pk=project.pk).update(
        start_date=TODAY - timedelta(days=180), end_date=TODAY + timedelta(days=180)
    )
    project.refresh_from_db()
    project.milestones.all().delete()
    Milestone.objects.create(
        project=project, name="Design sign-off", baseline_date=TODAY - timedelta(days=12)
    )
    Milestone.objects.create(
        project=project,
        name="Kick-off",
        baseline_date=TODAY - timedelta(days=20),
        done_date=TODAY - timedelta(days=20),
    )
    Milestone.objects.create(
        project=project, name="Launch", baseline_date=TODAY + timedelta(days=150)
    )
    return project


def _draft(side, days=30, **kwargs):
    return reports.report_draft(
        actor=side.actor(side.pm),
        project=side.project_a,
        period_start=kwargs.pop("start", TODAY - timedelta(days=days)),
        period_end=kwargs.pop("end", TODAY),
        **kwargs,
    )


def test_a_draft_is_filled_from_the_data(world):
    side = world.one
    _late_project(side)
    request = cr.change_request_create(
        actor=side.contact_actor(side.contact_a),
        project=side.project_a,
        title="Export",
        description="Excel export",
    )
    report = _draft(side)
    assert report.number == 1
    assert report.state == StatusReport.State.DRAFT
    assert [m["name"] for m in report.data["milestones_reached"]] == ["Kick-off"]
    assert [m["name"] for m in report.data["milestones_missed"]] == ["Design sign-off"]
    assert [m["name"] for m in report.data["upcoming_milestones"]] == ["Launch"]
    assert report.data["changes_pending"][0]["reference"] == request.reference
    assert report.data["budget"]["bac"] == "50000.00"
    assert report.health["dimensions"]["schedule"]["colour"] == "amber"
    overdue = report.health["dimensions"]["schedule"]["reasons"][0]
    assert overdue["params"]["milestones"] == [
        {"name": "Design sign-off", "days": 12, "internal": False}
    ]
    assert report.health["dimensions"]["scope"]["colour"] == "amber"
    assert report.health["dimensions"]["risks_issues"]["colour"] == "green"
    assert report.overall_health == "amber"
    assert AuditEvent.objects.filter(action="created", object_id=str(report.pk)).exists()


def _queries_to_draft(side, start):
    with CaptureQueriesContext(connection) as captured:
        reports.report_draft(
            actor=side.actor(side.pm),
            project=side.project_a,
            period_start=start,
            period_end=start + timedelta(days=6),
        )
    return len(captured.captured_queries)


def test_drafting_reads_a_bounded_number_of_queries(world):
    side = world.one
    project = _late_project(side)
    cr.change_request_create(
        actor=side.actor(side.pm), project=project, title="C", description="x", submit=True
    )
    few = _queries_to_draft(side, TODAY - timedelta(days=60))
    for i in range(18):
        Milestone.objects.create(
            project=project, name=f"Step {i}", baseline_date=TODAY + timedelta(days=i)
        )
        cr.change_request_create(
            actor=side.actor(side.pm), project=project, title=f"C{i}", description="x", submit=True
        )
    many = _queries_to_draft(side, TODAY - timedelta(days=50))
    assert few == many
    # with the audit event's one update marking the stored health stale, and one reading the
    # project's team (whose home sections the new report moves on)
    assert many <= 22


def test_a_period_that_ends_before_it_starts_is_refused(world):
    side = world.one
    with pytest.raises(ValidationError) as error:
        _draft(side, start=TODAY, end=TODAY - timedelta(days=1))
    assert "period_end" in error.value.message_dict
    assert not StatusReport.objects.exists()


def test_a_period_overlapping_the_previous_report_is_refused(world):
    side = world.one
    first = _draft(side, start=TODAY - timedelta(days=14), end=TODAY - timedelta(days=7))
    with pytest.raises(ValidationError) as error:
        _draft(side, start=TODAY - timedelta(days=7), end=TODAY)
    assert first.reference in str(error.value)
    assert StatusReport.objects.count() == 1
    _draft(side, start=TODAY - timedelta(days=6), end=TODAY)  # the next day is fine


def test_a_correction_may_cover_the_period_it_corrects(world):
    side = world.one
    first = _draft(side)
    reports.report_publish(actor=side.actor(side.pm), report=first)
    correction = _draft(side, corrects=first)
    assert correction.corrects == first
    with pytest.raises(ValidationError):  # only a published report can be corrected
        _draft(
            side,
            start=TODAY + timedelta(days=1),
            end=TODAY + timedelta(days=2),
            corrects=correction,
        )


def test_the_stated_colour_needs_a_reason(world):
    side = world.one
    report = _draft(side)
    with pytest.raises(ValidationError) as error:
        reports.report_update(actor=side.actor(side.pm), report=report, stated_health="green")
    assert "stated_reason" in error.value.message_dict
    report.refresh_from_db()
    assert report.stated_health == ""
    reports.report_update(
        actor=side.actor(side.pm),
        report=report,
        summary="All **good**",
        stated_health="green",
        stated_reason="The overdue sign-off is a formality booked for Monday.",
    )
    report.refresh_from_db()
    assert (report.stated_health, report.summary) == ("green", "All **good**")


def test_publish_freezes_and_refuses_twice_and_edits(world):
    side = world.one
    pm = side.actor(side.pm)
    report = _draft(side)
    reports.report_publish(actor=pm, report=report)
    report.refresh_from_db()
    assert report.is_published and report.published_by == side.pm
    with pytest.raises(ValidationError, match="a correction is a new report"):
        reports.report_publish(actor=pm, report=report)
    with pytest.raises(ValidationError, match="a correction is a new report"):
        reports.report_update(actor=pm, report=report, summary="Rewritten")
    with pytest.raises(ValidationError):
        reports.report_refresh(actor=pm, report=report)
    summary = report.summary
    report.refresh_from_db()
    assert report.summary == summary != "Rewritten"
    assert AuditEvent.objects.filter(action="published", object_id=str(report.pk)).count() == 1


def test_only_the_pm_and_admins_draft_and_publish(world):
    side = world.one
    with pytest.raises(PermissionDenied):
        reports.report_draft(
            actor=side.actor(side.member),
            project=side.project_a,
            period_start=TODAY,
            period_end=TODAY,
        )
    report = _draft(side)
    with pytest.raises(PermissionDenied):
        reports.report_publish(actor=side.actor(side.member), report=report)


def test_publish_emails_each_portal_contact_in_their_language(world):
    side = world.one
    side.contact_a.language = "zh-hans"
    side.contact_a.save()
    colleague = factories.portal_contact(side.client_a)
    report = _draft(side)
    reports.report_publish(actor=side.actor(side.pm), report=report)
    emails = {e.to: e for e in OutboundEmail.objects.filter(kind="status_report_published")}
    assert set(emails) == {side.contact_a.email, colleague.email}
    chinese, english = emails[side.contact_a.email], emails[colleague.email]
    assert chinese.language == "zh-hans" and english.language == "en"
    assert "Status report" in english.subject
    assert "Status report" not in chinese.subject
    assert f"/portal/projects/{side.project_a.pk}/reports/1/" in english.body_html


def test_publishing_needs_the_project_in_the_portal(world):
    side = world.one
    report = reports.report_draft(
        actor=side.actor(side.pm),
        project=side.project_a_draft,
        period_start=TODAY,
        period_end=TODAY,
    )
    with pytest.raises(ValidationError):
        reports.report_publish(actor=side.actor(side.pm), report=report)
    report.refresh_from_db()
    assert not report.is_published


def test_acknowledging_is_idempotent_and_audited(world):
    side = world.one
    report = _draft(side)
    reports.report_publish(actor=side.actor(side.pm), report=report)
    contact = side.contact_actor(side.contact_a)
    first = reports.report_acknowledge(actor=contact, report=report)
    again = reports.report_acknowledge(actor=contact, report=report)
    assert first.pk == again.pk
    assert ReportAcknowledgement.objects.count() == 1
    assert AuditEvent.objects.filter(action="acknowledged", object_id=str(report.pk)).count() == 1


def test_drafts_and_other_clients_reports_are_not_found_for_contacts(world):
    side = world.one
    draft = _draft(side)
    contact_a = side.contact_actor(side.contact_a)
    with pytest.raises(Http404):
        selectors.report_get(actor=contact_a, project=side.project_a, number=draft.number)
    with pytest.raises(PermissionDenied):
        reports.report_acknowledge(actor=contact_a, report=draft)
    reports.report_publish(actor=side.actor(side.pm), report=draft)
    assert selectors.report_get(actor=contact_a, project=side.project_a, number=1) == draft
    contact_b = side.contact_actor(side.contact_b)
    assert not selectors.reports_visible_to(contact_b).exists()
    with pytest.raises(PermissionDenied):
        reports.report_acknowledge(actor=contact_b, report=draft)
    other_org = world.two.contact_actor(world.two.contact_a)
    assert not selectors.reports_visible_to(other_org).exists()


def test_organisation_thresholds_change_the_colour(world):
    side = world.one
    _late_project(side)
    Project.objects.filter(pk=side.project_a.pk).update(end_date=TODAY - timedelta(days=1))
    Milestone.objects.filter(name="Launch").update(forecast_date=TODAY + timedelta(days=150))
    assert _draft(side).health["dimensions"]["schedule"]["colour"] == "red"
    side.organisation.health_thresholds = {"schedule_red_percent": 500}
    side.organisation.save()
    report = _draft(side, start=TODAY + timedelta(days=1), end=TODAY + timedelta(days=2))
    assert report.health["dimensions"]["schedule"]["colour"] == "amber"
    assert Decimal(report.data["budget"]["bac"]) == Decimal("50000")


def test_a_problem_is_not_published_without_its_way_forward(world):
    side = world.one
    _late_project(side)
    pm = side.actor(side.pm)
    report = _draft(side)
    assert "Solution: to be written by the project manager" in report.problems
    with pytest.raises(ValidationError) as error:
        reports.report_publish(actor=pm, report=report)
    assert error.value.code == "solution_missing"
    report.refresh_from_db()
    assert report.state == StatusReport.State.DRAFT
    assert not OutboundEmail.objects.filter(kind="status_report_published").exists()

    # drafted in Chinese, the Chinese placeholder is caught too
    reports.report_update(
        actor=pm, report=report, problems="- 设计评审：解决方案：由项目经理在发布前填写。"
    )
    from django.utils import translation

    from rapport.reports import narrative

    with translation.override("zh-hans"):
        chinese = str(narrative.SOLUTION_PLACEHOLDER)
    reports.report_update(actor=pm, report=report, problems=f"- Design sign-off\n  - {chinese}")
    with pytest.raises(ValidationError):
        reports.report_publish(actor=pm, report=report)

    reports.report_update(actor=pm, report=report, problems="- Design sign-off: moved to Monday.")
    assert reports.report_publish(actor=pm, report=report).is_published
