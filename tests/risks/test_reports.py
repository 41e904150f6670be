"""Open risks and issues feed the status report: its data, its health and its narrative. The
client reads only client-visible risks and shared issues, with their proposed solutions."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from rapport.reports import services as reports
from rapport.risks import services as risks
from tests.conftest import login

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _trouble(side):
    """A shared issue that affects the schedule, an internal overdue one, a client-visible
    mitigated risk and an internal high risk without mitigation."""
    pm = side.actor(side.pm)
    shared = risks.issue_create(
        actor=pm,
        project=side.project_a,
        title="Payment provider API changed",
        owner_id=side.member.pk,
        description="Checkout fails for cards",
        affects_schedule=True,
        impact="Launch moves by a week",
        proposed_solution="Move to the new API; two days of work",
    )
    risks.issue_share(actor=pm, issue=shared)
    risks.issue_create(
        actor=pm,
        project=side.project_a,
        title="Build server died",
        owner_id=side.pm.pk,
        due_date=TODAY - timedelta(days=2),
    )
    risks.risk_create(
        actor=pm,
        project=side.project_a,
        title="Peak season traffic",
        probability=4,
        impact=4,
        owner_id=side.pm.pk,
        mitigation="Load test in March",
        client_visible=True,
    )
    risks.risk_create(
        actor=pm,
        project=side.project_a,
        title="Subcontractor insolvent",
        probability=3,
        impact=5,
        owner_id=side.pm.pk,
    )
    return shared


def _draft(side, day=date(2020, 3, 1)):
    return reports.report_draft(
        actor=side.actor(side.pm), project=side.project_a, period_start=day, period_end=day
    )


def test_a_draft_carries_the_open_risks_and_issues_and_their_health(world):
    side = world.one
    _trouble(side)
    report = _draft(side)
    assert [r["reference"] for r in report.data["risks_open"]] == ["R-001", "R-002"]  # 16, then 15
    assert [(i["reference"], i["client_visible"]) for i in report.data["issues_open"]] == [
        ("I-001", True),
        ("I-002", False),
    ]
    assert report.data["issues_open"][0]["affects"] == ["schedule"]
    verdict = report.health["dimensions"]["risks_issues"]
    assert verdict["colour"] == "amber"
    assert [r["code"] for r in verdict["reasons"]] == [
        "high_risks_unmitigated",
        "issues_overdue",
        "issues_affect_schedule",
    ]
    assert report.overall_health in ("amber", "red")


def test_the_narrative_reports_shared_issues_with_their_solution_only(world):
    side = world.one
    _trouble(side)
    report = _draft(side)
    assert "I-001 Payment provider API changed (affects: schedule)" in report.problems
    assert "Launch moves by a week" in report.problems
    assert "Proposed solution: Move to the new API; two days of work" in report.problems
    assert "Build server died" not in report.problems
    assert "Subcontractor" not in report.summary


def test_a_resolved_shared_issue_is_listed_as_resolved_in_its_period(world):
    side = world.one
    issue = _trouble(side)
    risks.issue_resolve(actor=side.actor(side.pm), issue=issue, resolution="New API is live")
    report = _draft(side, day=TODAY)
    assert [i["reference"] for i in report.data["issues_resolved"]] == ["I-001"]
    assert "I-001" not in [i["reference"] for i in report.data["issues_open"]]
    assert "Payment provider" not in report.problems


def test_the_client_reads_only_what_was_shared_in_the_published_report(world):
    side = world.one
    _trouble(side)
    report = _draft(side)
    pm = login(side.pm)
    page = pm.get(f"/app/projects/{side.project_a.pk}/reports/{report.number}/").content.decode()
    assert "Build server died" in page and "Subcontractor insolvent" in page
    reports.report_publish(actor=side.actor(side.pm), report=report)
    portal = login(side.contact_a.user)
    page = portal.get(
        f"/portal/projects/{side.project_a.pk}/reports/{report.number}/"
    ).content.decode()
    assert "Payment provider API changed" in page
    assert "Move to the new API; two days of work" in page
    assert "Peak season traffic" in page and "Load test in March" in page
    assert "Build server died" not in page and "Subcontractor insolvent" not in page
    assert "an internal risk" in page and "an internal issue" in page
    pdf_page = portal.get(f"/portal/projects/{side.project_a.pk}/reports/{report.number}/pdf/")
    assert pdf_page.status_code == 200
