"""A new draft's narrative is pre-written from its data in the drafter's language: facts only,
internal milestones left out, placeholders where the PM has to write."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rapport.changes import services as cr
from rapport.projects.models import Milestone, Project
from rapport.reports import narrative
from rapport.reports import services as reports

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _day(days: int) -> str:
    return (TODAY + timedelta(days=days)).isoformat()


def _late_project(side):
    """Reached 4 days late, one missed and overdue, one missed but forecast, an internal
    milestone missed, two upcoming; a change awaiting the client and one still evaluated."""
    project = side.project_a
    Project.objects.filter(pk=project.pk).update(
        start_date=TODAY - timedelta(days=180), end_date=TODAY + timedelta(days=180)
    )
    project.refresh_from_db()
    project.milestones.all().delete()
    for name, baseline, extra in [
        ("Kick-off", -24, {"done_date": TODAY - timedelta(days=20)}),
        ("Design sign-off", -12, {}),
        ("Data migration", -5, {"forecast_date": TODAY + timedelta(days=10)}),
        ("Vendor contract", -3, {"client_visible": False}),
        ("Pilot *beta*", 30, {"forecast_date": TODAY + timedelta(days=37)}),
        ("Launch", 150, {}),
    ]:
        Milestone.objects.create(
            project=project, name=name, baseline_date=TODAY + timedelta(days=baseline), **extra
        )
    pm = side.actor(side.pm)
    awaiting = cr.change_request_create(
        actor=pm, project=project, title="Excel export", description="x", submit=True
    )
    awaiting = cr.change_request_evaluate(
        actor=pm, change_request=awaiting, schedule_days=2, recommendation="approve"
    )
    awaiting = cr.change_request_send_for_approval(actor=pm, change_request=awaiting)
    cr.change_request_create(
        actor=pm, project=project, title="Dark mode", description="x", submit=True
    )
    return project, awaiting


def _draft(side, language=None):
    return reports.report_draft(
        actor=side.actor(side.pm),
        project=side.project_a,
        period_start=TODAY - timedelta(days=27),
        period_end=TODAY,
        language=language,
    )


def test_a_late_projects_draft_says_what_the_data_says(world):
    side = world.one
    _, awaiting = _late_project(side)

    report = _draft(side)

    assert report.summary == (
        "The computed health is **Amber**: 3 milestones overdue: Design sign-off (12 days), "
        "Data migration (5 days), an internal milestone (3 days); "
        f"2 change requests pending: {awaiting.reference}, CR-002."
    )
    assert report.achievements == f"- Kick-off, reached on {_day(-20)} (4 days late)"
    solution = "  - *Solution: to be written by the project manager before publishing.*"
    assert report.problems == "\n".join(
        [
            f"- Kick-off, due on {_day(-24)}, was reached on {_day(-20)} (4 days late)",
            f"- Design sign-off, due on {_day(-12)}, is not reached yet (12 days late)",
            solution,
            f"- Data migration, due on {_day(-5)}, is forecast for {_day(10)} (15 days late)",
            solution,
        ]
    )
    assert "Vendor contract" not in report.summary + report.problems  # internal
    assert report.asks == (
        f"- {awaiting.reference} “Excel export”: awaiting your approval or rejection"
    )
    assert report.next_steps == "\n".join(
        [
            f"- Data migration, forecast for {_day(10)} (planned for {_day(-5)})",
            rf"- Pilot \*beta\*, forecast for {_day(37)} (planned for {_day(30)})",
            f"- Launch, planned for {_day(150)}",
        ]
    )


def test_the_summary_names_the_reasons_of_the_worst_dimensions_only(world):
    side = world.one
    project, _ = _late_project(side)
    project.milestones.filter(name="Launch").update(forecast_date=TODAY + timedelta(days=240))

    report = _draft(side)

    assert report.overall_health == "red"
    assert report.health["dimensions"]["scope"]["colour"] == "amber"
    assert report.summary.startswith("The computed health is **Red**: 3 milestones overdue")
    assert f"Forecast end {_day(240)} is 60 days past the baseline end" in report.summary
    assert "change requests pending" not in report.summary


def test_the_narrative_is_written_in_the_language_asked_for(world):
    side = world.one
    _late_project(side)

    report = _draft(side, language="zh-hans")

    assert report.summary.startswith("计算的健康状态为**")
    assert "个里程碑已逾期" in report.summary
    assert "已于" in report.achievements and "达成" in report.achievements
    assert "解决方案：由项目经理在发布前填写。" in report.problems
    assert "等待您批准或拒绝" in report.asks
    assert "计划于" in report.next_steps


def test_the_drafters_language_is_the_default(world):
    side = world.one
    side.pm.language = "zh-hans"
    side.pm.save(update_fields=["language"])

    assert _draft(side).summary.startswith("计算的健康状态为")


def test_a_refresh_keeps_the_pms_narrative(world):
    side = world.one
    _late_project(side)
    pm = side.actor(side.pm)
    report = _draft(side)
    reports.report_update(actor=pm, report=report, summary="Our words", achievements="")

    Milestone.objects.filter(project=side.project_a, name="Design sign-off").update(done_date=TODAY)
    report = reports.report_refresh(actor=pm, report=report)

    report.refresh_from_db()
    assert (report.summary, report.achievements) == ("Our words", "")
    assert "Design sign-off" in str(report.data["milestones_reached"])


def test_a_quiet_period_says_so():
    data = {"as_of": "2026-03-06", "milestones_reached": [], "milestones_missed": []}
    assessment = {"overall": "green", "dimensions": {"schedule": {"colour": "green"}}}

    text = narrative.prefill(data, assessment, language="en")

    assert text == {
        "summary": "The computed health is **Green**: schedule, budget and scope are within "
        "the thresholds.",
        "achievements": "No milestone was reached in the period.",
        "problems": "No milestone was missed in the period.",
        "asks": "No change request is awaiting your decision.",
        "next_steps": "No milestone is planned after the period.",
    }


def test_names_are_shown_as_written_not_as_markdown():
    names = ["# Heading", "1. First", "> quote", "- item", "a_b_c", "<b>bold</b>", "[x](y)"]
    data = {
        "upcoming_milestones": [
            {"name": name, "baseline_date": "2026-04-01", "forecast_date": None} for name in names
        ]
    }
    from rapport.core.markdown import render

    html = str(render(narrative.next_steps(data)))

    assert html.count("<li>") == len(names)
    for tag in ("<h1", "<ol", "<blockquote", "<b>", "<a ", "<em>"):
        assert tag not in html
    assert "# Heading" in html and "a_b_c" in html and "[x](y)" in html


def test_a_long_list_is_cut_with_a_pointer_to_the_data():
    data = {
        "milestones_reached": [
            {"name": f"Step {i}", "done_date": "2026-03-01", "slip_days": 0} for i in range(35)
        ]
    }

    lines = narrative.achievements(data).splitlines()

    assert len(lines) == narrative.LISTED + 1
    assert lines[-1] == "- …and 5 more (see the data below)."
