"""``rapport seed-scale`` at a tiny scale: the counts are the plan's, the same seed gives the
same organisation, both languages are there, and the daily pages of a PM of that organisation
render with the data."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q

from rapport.audit.models import AuditEvent
from rapport.changes.models import ChangeRequest
from rapport.clients.models import Client, ClientHealthSnapshot, Contact
from rapport.communication.models import Interaction
from rapport.core.scale import PASSWORD, Seeded, plan, seed_scale
from rapport.core.scale.plan import FULL, spread, spread_weighted
from rapport.feedback.models import Feedback
from rapport.lessons import search
from rapport.lessons.models import Lesson, LessonTerm, ProjectTerms
from rapport.meetings.models import ActionItem, Meeting
from rapport.messaging.models import Message
from rapport.projects.models import BaselineVersion, Milestone, Project
from rapport.reports.models import StatusReport
from rapport.tenancy.models import Membership, Role, User

pytestmark = pytest.mark.django_db

COUNTED = {
    "clients": (Client, "organisation"),
    "contacts": (Contact, "organisation"),
    "projects": (Project, "organisation"),
    "milestones": (Milestone, "project__organisation"),
    "change_requests": (ChangeRequest, "project__organisation"),
    "status_reports": (StatusReport, "project__organisation"),
    "touchpoints": (Interaction, "organisation"),
    "messages": (Message, "thread__project__organisation"),
    "survey_responses": (Feedback, "organisation"),
    "meetings": (Meeting, "project__organisation"),
    "action_items": (ActionItem, "project__organisation"),
    "lessons": (Lesson, "organisation"),
    "audit_events": (AuditEvent, "organisation"),
}


def _counts(organisation: Any) -> dict[str, int]:
    return {
        name: model.objects.filter(**{path: organisation}).count()
        for name, (model, path) in COUNTED.items()
    }


def test_plan_scales_linearly_with_a_floor_for_the_smallest():
    assert plan(1.0).counts == FULL
    tenth = plan(0.1)
    assert tenth["audit_events"] == 100_000 and tenth["projects"] == 200
    tiny = plan(0.001)
    assert tiny["clients"] == 2 and tiny["projects"] == 4 and tiny["milestones"] == 20
    assert sum(spread(10, 3)) == 10 and spread(10, 3) == [4, 3, 3]
    assert sum(spread_weighted(100, [1.0, 0.0, 3.0])) == 100
    assert spread_weighted(100, [1.0, 0.0, 3.0])[1] == 0
    with pytest.raises(ValueError):
        plan(0)


def test_counts_are_the_plans(seeded: Seeded):
    assert _counts(seeded.organisation) == seeded.plan.counts
    assert seeded.plan.counts["messages"] + seeded.plan.counts["touchpoints"] == 2_000
    projects = Project.objects.filter(organisation=seeded.organisation)
    assert projects.filter(status=Project.Status.CLOSED).count() == projects.count() // 4
    assert Membership.objects.filter(organisation=seeded.organisation).count() == 50
    # the lesson index is built as the lesson services build it
    assert LessonTerm.objects.filter(organisation=seeded.organisation).count() > 0
    # and every project's words, as the job worker reads them, for its lesson suggestions
    stored = ProjectTerms.objects.filter(project__in=projects)
    assert stored.count() == projects.count()
    assert not stored.filter(read_at__lt=F("project__updated_at")).exists()
    first = projects.order_by("pk").first()
    assert first is not None
    assert stored.get(project=first).terms == search.query_terms(
        search.project_text(first.name, first.description)
    )


def test_postgresql_has_the_planners_statistics_of_what_was_seeded(seeded: Seeded):
    """Without them (autovacuum comes minutes later) PostgreSQL plans the million-row tables
    as if they were empty: the first benchmark on it ran list operations at 400 ms."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps no statistics unless an installation asks for them")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname IN "
            "('projects_project', 'messaging_message', 'audit_auditevent')"
        )
        analysed = dict(cursor.fetchall())
    assert len(analysed) == 3 and all(rows > 0 for rows in analysed.values()), analysed
    assert "statistics" in seeded.steps


def test_both_languages_and_varied_states(seeded: Seeded):
    organisation = seeded.organisation
    clients = Client.objects.filter(organisation=organisation)
    assert set(clients.values_list("language", flat=True)) == {"en", "zh-hans"}
    assert any(
        "\u4e00" <= ch <= "\u9fff" for name in clients.values_list("name", flat=True) for ch in name
    )
    languages = Membership.objects.filter(organisation=organisation).values_list(
        "user__language", flat=True
    )
    assert set(languages) == {"en", "zh-hans"}
    assert set(
        Lesson.objects.filter(organisation=organisation).values_list("language", flat=True)
    ) == {"en", "zh-hans"}
    reports = StatusReport.objects.filter(project__organisation=organisation)
    assert {"green", "amber", "red"} <= set(reports.values_list("overall_health", flat=True))
    assert reports.filter(state=StatusReport.State.PUBLISHED).exists()
    states = set(
        ChangeRequest.objects.filter(project__organisation=organisation).values_list(
            "state", flat=True
        )
    )
    assert len(states) >= 5
    assert BaselineVersion.objects.filter(
        project__organisation=organisation, status=BaselineVersion.Status.SIGNED
    ).exists()
    items = ActionItem.objects.filter(project__organisation=organisation)
    assert items.filter(status="done").exists() and items.filter(status="open").exists()
    scores = Feedback.objects.filter(organisation=organisation).aggregate(
        low=Count("pk", filter=Q(communication__lte=2)), high=Count("pk", filter=Q(nps__gte=9))
    )
    assert scores["low"] > 0 and scores["high"] > 0
    assert ClientHealthSnapshot.objects.filter(organisation=organisation).count() == 13 * 2


def _fingerprint(organisation: Any) -> str:
    """The organisation's content, without ids, slug or anything it depends on."""
    projects = Project.objects.filter(organisation=organisation)
    parts = [
        list(
            projects.order_by("code").values_list(
                "code", "name", "status", "start_date", "end_date"
            )
        ),
        list(
            ChangeRequest.objects.filter(project__in=projects)
            .order_by("project__code", "number")
            .values_list("project__code", "number", "title", "state", "schedule_days")
        ),
        list(
            StatusReport.objects.filter(project__in=projects)
            .order_by("project__code", "number")
            .values_list("project__code", "number", "period_end", "state", "overall_health")
        ),
        list(
            Feedback.objects.filter(project__in=projects)
            .order_by("project__code", "received_on", "progress", "nps", "comment")
            .values_list("project__code", "received_on", "progress", "nps", "comment")
        ),
        list(
            ActionItem.objects.filter(project__in=projects)
            .order_by("project__code", "due_date", "what", "status")
            .values_list("project__code", "due_date", "what", "status")
        ),
        _counts(organisation),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def test_the_same_seed_gives_the_same_organisation(seeded: Seeded):
    again = seed_scale(seed=1, scale=0.002, slug="scale-again", show_progress=False)
    other = seed_scale(seed=2, scale=0.002, slug="scale-other", show_progress=False)
    assert _fingerprint(again.organisation) == _fingerprint(seeded.organisation)
    assert _fingerprint(other.organisation) != _fingerprint(seeded.organisation)


def test_command_refuses_a_taken_slug_and_prints_the_logins(seeded: Seeded):
    with pytest.raises(CommandError, match="already exists"):
        call_command("seed_scale", "--scale", "0.001", "--org-slug", seeded.organisation.slug)
    out = io.StringIO()
    call_command(
        "seed_scale", "--scale", "0.001", "--org-slug", "scale-cmd", "--no-progress", stdout=out
    )
    assert PASSWORD in out.getvalue() and "pm01@scale-cmd.example" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("seed_scale", "--scale", "-1", "--org-slug", "scale-bad")


def _pm(seeded: Seeded) -> User:
    return User.objects.get(email=f"pm01@{seeded.organisation.slug}.example")


@pytest.mark.real_password_hashing  # the module's organisation was hashed with Argon2
def test_the_known_password_signs_in_a_member_and_a_portal_contact(seeded: Seeded, client):
    contact = Contact.objects.filter(
        organisation=seeded.organisation, portal_access=True, user__isnull=False
    ).first()
    assert contact is not None
    for email, home in ((_pm(seeded).email, "/app/"), (contact.user.email, "/portal/")):
        response = client.post("/accounts/login/", {"username": email, "password": PASSWORD})
        assert response.status_code == 302, email
        assert client.get(home).status_code == 200
        client.logout()


def _pages(project: Project) -> list[str]:
    report = project.status_reports.order_by("-number").first()
    change = project.change_requests.order_by("-number").first()
    meeting = project.meetings.filter(state="held").order_by("-start").first()
    assert report and change and meeting
    lesson = Lesson.objects.filter(project=project).first()
    return [
        "/app/",
        "/app/portfolio/",
        f"/app/clients/{project.client_id}/",
        f"/app/projects/{project.pk}/",
        f"/app/projects/{project.pk}/baseline/",
        f"/app/projects/{project.pk}/reports/",
        f"/app/projects/{project.pk}/reports/{report.number}/",
        f"/app/projects/{project.pk}/changes/",
        f"/app/projects/{project.pk}/changes/{change.number}/",
        f"/app/projects/{project.pk}/meetings/",
        f"/app/projects/{project.pk}/meetings/{meeting.number}/",
        f"/app/projects/{project.pk}/messages/",
        f"/app/projects/{project.pk}/feedback/",
        f"/app/projects/{project.pk}/feedback/analysis/",
        "/app/feedback/analysis/",
        "/app/lessons/",
        "/app/lessons/?q=acceptance",
        "/app/lessons/?q=验收",
        f"/app/lessons/{lesson.pk}/" if lesson else "/app/lessons/",
        "/app/action-items/",
    ]


def test_a_pms_daily_pages_render(seeded: Seeded, login_as):
    pm = _pm(seeded)
    project = Project.objects.filter(pm=pm, status=Project.Status.ACTIVE).order_by("pk").first()
    assert project is not None
    client = login_as(pm)
    for url in _pages(project):
        response = client.get(url)
        assert response.status_code == 200, url


def test_the_owners_audit_trail_and_the_portal_render(seeded: Seeded, login_as):
    owner = User.objects.get(email=f"owner01@{seeded.organisation.slug}.example")
    client = login_as(owner)
    for url in ("/app/audit/", "/app/portfolio/", "/app/clients/", "/app/"):
        assert client.get(url).status_code == 200, url
    contact = Contact.objects.filter(organisation=seeded.organisation, portal_access=True).first()
    project = Project.objects.filter(client=contact.client, published_at__isnull=False).first()
    portal = login_as(contact.user)
    for url in (
        "/portal/",
        f"/portal/projects/{project.pk}/",
        f"/portal/projects/{project.pk}/reports/",
    ):
        assert portal.get(url).status_code == 200, url


def test_roles_are_all_there(seeded: Seeded):
    roles = (
        Membership.objects.filter(organisation=seeded.organisation)
        .values("role")
        .annotate(n=Count("pk"))
    )
    assert {row["role"]: row["n"] for row in roles} == {
        Role.OWNER: 2,
        Role.ADMIN: 4,
        Role.PM: 24,
        Role.MEMBER: 20,
    }
