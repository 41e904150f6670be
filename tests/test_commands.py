import re
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.clients.models import Contact
from rapport.projects import baseline, progress
from rapport.projects.models import BaselineVersion, Deliverable, DeliverableDecision, Project
from rapport.tenancy.models import Membership, Organisation

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_demo_loads_a_bilingual_organisation_once(capsys):
    call_command("demo")
    call_command("demo")

    assert Organisation.objects.count() == 1
    assert Membership.objects.count() == 3
    assert Contact.objects.filter(portal_access=True).count() == 2
    assert set(Contact.objects.filter(is_approver=True).values_list("email", flat=True)) == {
        "sarah@northwind.demo",
        "zhangwei@huachen.demo",
    }
    assert Project.objects.count() == 11  # six running, three more clients (health), two closed
    assert Project.objects.filter(published_at__isnull=False).count() == 7
    assert {p.currency for p in Project.objects.all()} == {"EUR", "CNY"}
    published = AuditEvent.objects.filter(action="published")
    assert published.filter(content_type__model="project").count() == 7
    # the running projects' eight (one re-baseline, two changes) and one per closed project
    assert BaselineVersion.objects.count() == 10
    out = capsys.readouterr().out
    assert "owner@lumen.demo" in out and "zhangwei@huachen.demo" in out


def versions(code):
    return list(
        BaselineVersion.objects.filter(project__code=code)
        .order_by("number")
        .values_list("status", flat=True)
    )


def test_demo_shows_every_baseline_state():
    call_command("demo")

    assert versions("NWL-02") == []  # a draft, not published
    assert versions("NWL-04") == ["submitted"]  # awaiting the client's sign-off
    for code in ("NWL-03", "HCM-01"):
        assert versions(code) == ["signed"]
    assert versions("NWL-01") == ["superseded", "signed"]  # moved by an implemented change
    # re-baselined, then moved by an implemented change
    assert versions("HCM-02") == ["superseded", "superseded", "signed"]
    assert AuditEvent.objects.filter(action="signed").count() == 7  # two by closed projects
    assert AuditEvent.objects.filter(action="rebaselined").count() == 1
    signed = BaselineVersion.objects.filter(status="signed")
    assert {v.decided_by.email for v in signed} == {"sarah@northwind.demo", "zhangwei@huachen.demo"}
    assert {v.decision_ip for v in signed} == {"127.0.0.1"}


def test_demo_progress_is_on_track_late_and_over_budget():
    call_command("demo")
    computed = {p.code: progress.compute(p) for p in Project.objects.all()}

    on_track = computed["NWL-01"]
    assert on_track.milestones_done >= 2
    assert not any(row.late for row in on_track.milestones)
    assert on_track.spi == 1 and on_track.cpi is not None and on_track.cpi >= 1
    assert all(row.actual <= row.budget for row in on_track.budget_rows)

    late = computed["HCM-01"]
    assert any(row.late and not row.done for row in late.milestones)  # a missed milestone
    assert any(row.slip_days > 0 and row.done for row in late.milestones)  # done late
    assert late.forecast_end > late.baseline_end
    assert late.spi is not None and late.spi < 1

    over = computed["NWL-03"]
    assert over.ac > over.bac
    assert over.cpi is not None and over.cpi < 1
    assert any(row.actual > row.budget for row in over.budget_rows)


def test_demo_rebaselined_versions_differ():
    call_command("demo")
    first, second = BaselineVersion.objects.filter(project__code="HCM-02").order_by("number")[:2]

    comparison = baseline.compare(first.snapshot, second.snapshot)

    assert second.reason and CJK.search(second.reason)
    assert comparison["changed"] and comparison["schedule"]["end"]
    assert comparison["budget_total"][0] != comparison["budget_total"][1]
    milestone_rows = comparison["sections"]["milestones"]
    assert {row.status for row in milestone_rows} >= {"changed", "added"}


def test_demo_deliverables_await_acceptance_and_are_accepted_and_rejected():
    call_command("demo")

    assert Deliverable.objects.filter(status="submitted").exists()
    assert Deliverable.objects.filter(status="accepted").count() >= 2
    rejected = DeliverableDecision.objects.filter(decision="rejected")
    assert rejected.count() >= 2
    assert all(d.reason and d.deliverable.status == "open" for d in rejected)


def test_demo_has_closed_projects_lessons_and_checkins():
    from django.utils import timezone

    from rapport.closure.models import CheckIn, Closure
    from rapport.lessons.models import Lesson
    from rapport.reports.models import StatusReport

    call_command("demo")

    closures = {c.project.code: c for c in Closure.objects.select_related("project")}
    assert {code: c.state for code, c in closures.items()} == {
        "NWL-00": Closure.State.ACCEPTED,
        "HCM-00": Closure.State.CLOSED,
    }
    for closure in closures.values():
        assert closure.project.status == Project.Status.CLOSED
        assert closure.client_report and closure.narrative
        assert StatusReport.objects.filter(project=closure.project, state="published").exists()
    lessons = Lesson.objects.all()
    assert lessons.count() >= 10
    assert {lesson.language for lesson in lessons} == {"en", "zh-hans"}
    assert all(
        bool(CJK.search(lesson.title)) == (lesson.language == "zh-hans") for lesson in lessons
    )
    assert lessons.filter(shared_with_client=True).count() >= 4
    assert lessons.filter(terms__term="需求").exists()  # indexed for search
    today = timezone.localdate()
    assert CheckIn.objects.filter(due_on__lte=today, done_at__isnull=True).count() >= 2
    assert CheckIn.objects.filter(done_at__isnull=False, interaction__isnull=False).count() == 1
    assert CheckIn.objects.filter(due_on__gt=today).exists()


def test_demo_speaks_each_clients_language():
    call_command("demo")

    for project in Project.objects.prefetch_related("milestones", "objectives"):
        texts = [project.name, *(m.name for m in project.milestones.all())]
        texts += [o.statement for o in project.objectives.all()]
        chinese = project.client.language == "zh-hans"
        assert all(bool(CJK.search(text)) == chinese for text in texts), project.code


def test_demo_logins_work(client):
    call_command("demo")
    from rapport.core.management.commands.demo import PASSWORD

    response = client.post(
        "/accounts/login/", {"username": "zhangwei@huachen.demo", "password": PASSWORD}
    )
    assert response.status_code == 302
    page = client.get("/portal/").content.decode()
    assert "患者预约系统" in page and "Customer portal relaunch" not in page


def test_createowner_makes_an_organisation(capsys):
    call_command(
        "createowner",
        organisation="First Co",
        email="boss@first.test",
        name="Boss",
        password="a-very-long-pass-1",
    )
    membership = Membership.objects.get()
    assert (membership.role, membership.organisation.name) == ("owner", "First Co")


def test_createowner_refuses_a_weak_password():
    with pytest.raises(CommandError):
        call_command(
            "createowner",
            organisation="First Co",
            email="boss@first.test",
            name="Boss",
            password="123",
        )
    assert not Organisation.objects.exists()


def test_demo_has_change_requests_in_every_state():
    from rapport.changes.models import ChangeRequest, State

    call_command("demo")

    assert set(ChangeRequest.objects.values_list("state", flat=True)) == set(State.values)
    implemented = ChangeRequest.objects.filter(state=State.IMPLEMENTED)
    assert all(request.baseline_version is not None for request in implemented)
    assert ChangeRequest.objects.filter(project__code="HCM-02", title__contains="短信").exists()


def test_demo_tells_communication_and_reporting():
    from rapport.communication.models import Interaction, PlanItem, Stakeholder
    from rapport.communication.selectors import attention
    from rapport.reports.models import StatusReport
    from rapport.tenancy.actors import Actor

    call_command("demo")

    active = Project.objects.filter(status="active", published_at__isnull=False)
    assert Stakeholder.objects.filter(role="sponsor").count() == active.count() == 5
    assert PlanItem.objects.count() == 15
    assert Interaction.objects.filter(client__language="zh-hans").exists()
    assert Interaction.objects.filter(channel_suited=False).exists()  # bad news by email
    pm = Membership.objects.get(user__email="pm@lumen.demo")
    overdue = attention(actor=Actor.member(pm.user, pm.organisation, pm.role))
    assert {t.item.project.code for t in overdue} == {"NWL-01", "HCM-01"}
    reports = StatusReport.objects.filter(state="published")
    assert reports.count() == 12  # two per running project, one final per closed project
    assert not reports.filter(problems__contains="Solution: to be written").exists()
    assert reports.filter(acknowledgements__isnull=False).count() == 5


def test_demo_tells_risks_issues_and_conflicts():
    from rapport.reports import services as reports
    from rapport.reports.models import StatusReport
    from rapport.risks.models import Conflict, Evidence, Issue, Risk
    from rapport.tenancy.actors import Actor

    call_command("demo")

    active = Project.objects.filter(status="active", published_at__isnull=False)
    assert set(Risk.objects.values_list("project", flat=True)) == set(
        active.values_list("pk", flat=True)
    )
    assert set(Risk.objects.values_list("status", flat=True)) == set(Risk.Status.values)
    assert Risk.objects.filter(project__client__language="zh-hans", title__contains="HIS").exists()
    shared = Issue.objects.filter(client_visible=True)
    assert shared.count() == active.count()
    assert all(issue.from_risk and issue.proposed_solution for issue in shared)
    assert Issue.objects.filter(client_visible=False, due_date__isnull=False).exists()
    # the health demo's critical client (RWF-01) adds two open conflicts of its own
    conflicts = Conflict.objects.exclude(project__code="RWF-01")
    closed = conflicts.get(status="closed")
    assert closed.project.code == "HCM-01" and closed.client_agreed is True
    open_conflict = conflicts.get(status="open")
    assert open_conflict.project.code == "NWL-01"
    assert Evidence.objects.filter(conflict=open_conflict).count() == 3
    assert open_conflict.steps.count() == 2
    # the next status report of NWL-01 carries the shared issue with its solution
    project = Project.objects.get(code="NWL-01")
    pm = Membership.objects.get(user__email="pm@lumen.demo")
    last = project.status_reports.order_by("-period_end").first()
    report = reports.report_draft(
        actor=Actor.member(pm.user, pm.organisation, pm.role),
        project=project,
        period_start=last.period_end + timedelta(days=1),
        period_end=last.period_end + timedelta(days=1),
    )
    assert "Staging environment unstable" in report.problems
    assert report.health["dimensions"]["risks_issues"]["colour"] in ("amber", "red")
    assert StatusReport.objects.filter(state="draft").count() == 1


def test_demo_has_clients_in_every_health_state_with_a_history():
    from rapport.clients import health
    from rapport.clients.models import ClientHealthSnapshot

    call_command("demo")

    today = timezone.localdate()
    latest = ClientHealthSnapshot.objects.filter(day=today)
    assert {health.band(snapshot.score) for snapshot in latest} == {
        health.GOOD,
        health.WATCH,
        health.CRITICAL,
    }
    # Well clear of the band's edge, so the demo shows a good client whatever the day it is made
    # on (the other clients' overdue touchpoints move with the weekday).
    assert latest.get(client__name="Fernhill Press").score >= health.GOOD_FROM + 15
    critical = latest.get(client__name="红杉物流 Redwood Freight")
    assert ClientHealthSnapshot.objects.filter(client=critical.client).count() == 7
    assert (
        critical.score
        < ClientHealthSnapshot.objects.filter(client=critical.client).order_by("day").first().score
    )
