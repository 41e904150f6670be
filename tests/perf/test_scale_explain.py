"""The main queries of every daily page and list API operation use indexes on the big tables.

A small scale organisation is loaded; each page is requested as the person who opens it daily,
every SELECT it runs is captured and explained — ``EXPLAIN QUERY PLAN`` on SQLite, ``EXPLAIN``
with sequential scans discouraged on PostgreSQL — and a full scan of a table that grows with
the organisation (a ``SCAN t`` with no index, a ``Seq Scan``) fails the test, naming the page,
the table and the query. The planner's choice does not depend on the rows' number here (SQLite
without ANALYZE statistics; PostgreSQL with ``enable_seqscan`` off), so the small data gives
the plan the large one would get."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.clients.models import Contact
from rapport.core import today
from rapport.core.scale import Seeded
from rapport.lessons.models import Lesson
from rapport.projects.models import Project
from rapport.tenancy import services as tenancy
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import Role, User

pytestmark = pytest.mark.django_db

# The tables that grow with the organisation's years (at scale 1.0: tens of thousands of rows
# and more); the small ones (clients, members, templates…) may be scanned.
BIG_TABLES = frozenset(
    {
        "audit_auditevent",
        "changes_changerequest",
        "changes_costimpact",
        "changes_decision",
        "communication_interaction",
        "communication_interaction_contacts",
        "feedback_feedback",
        "feedback_followup",
        "feedback_survey",
        "feedback_surveyinvitation",
        "lessons_lesson",
        "lessons_lessonterm",
        "meetings_actionitem",
        "meetings_meeting",
        "meetings_minutes",
        "messaging_message",
        "messaging_thread",
        "projects_baselineversion",
        "projects_deliverable",
        "projects_milestone",
        "projects_project",
        "projects_timeentry",
        "reports_projecthealth",
        "reports_reportacknowledgement",
        "reports_statusreport",
        "clients_contact",
    }
)


# Also list the walks of a whole index (``SCAN t USING INDEX i``: read in the index's order,
# filtered row by row): not failures, as a LIMIT may stop them early, but worth a look.
WALKS = os.environ.get("RAPPORT_EXPLAIN_WALKS") == "1"


@pytest.fixture(scope="module")
def scale_seed() -> dict[str, Any]:
    return {"seed": 7, "scale": 0.01, "slug": "scale-explain"}


@dataclass
class People:
    pm: User
    owner: User
    contact: Contact
    project: Project


def _people(seeded: Seeded) -> People:
    slug = seeded.organisation.slug
    pm = User.objects.get(email=f"pm01@{slug}.example")
    project = Project.objects.filter(pm=pm, status=Project.Status.ACTIVE).order_by("pk").first()
    assert project is not None
    contact = Contact.objects.get(client=project.client, portal_access=True)
    return People(pm, User.objects.get(email=f"owner01@{slug}.example"), contact, project)


def pages(people: People) -> dict[str, tuple[str, str]]:
    """Page name: (who opens it, URL)."""
    p = people.project
    report = p.status_reports.order_by("-number").first()
    change = p.change_requests.order_by("-number").first()
    meeting = p.meetings.filter(state="held").order_by("-start").first()
    lesson = Lesson.objects.filter(organisation=p.organisation).order_by("pk").first()
    assert report and change and meeting and lesson
    api, portal_api = "/api/v1", "/api/v1/portal"
    found = {
        "home": ("pm", "/app/"),
        **{f"home: {s.key}": ("pm", f"/app/?section={s.key}") for s in today.SECTIONS},
        "portfolio": ("owner", "/app/portfolio/"),
        "portfolio as pm": ("pm", "/app/portfolio/"),
        "portfolio, red, by last contact": (
            "owner",
            "/app/portfolio/?health=red&sort=-last_contact",
        ),
        "portfolio by burn": ("pm", "/app/portfolio/?sort=-burn&status=active"),
        "portfolio by last report": ("owner", f"/app/portfolio/?sort=last_report&pm={p.pm_id}"),
        "portfolio by client health": ("owner", "/app/portfolio/?sort=-client_health"),
        "clients": ("owner", "/app/clients/"),
        "client": ("pm", f"/app/clients/{p.client_id}/"),
        "projects": ("pm", "/app/projects/"),
        "project": ("pm", f"/app/projects/{p.pk}/"),
        "baseline": ("pm", f"/app/projects/{p.pk}/baseline/"),
        "reports": ("pm", f"/app/projects/{p.pk}/reports/"),
        "report": ("pm", f"/app/projects/{p.pk}/reports/{report.number}/"),
        "change log": ("pm", f"/app/projects/{p.pk}/changes/"),
        "change request": ("pm", f"/app/projects/{p.pk}/changes/{change.number}/"),
        "meetings": ("pm", f"/app/projects/{p.pk}/meetings/"),
        "meeting": ("pm", f"/app/projects/{p.pk}/meetings/{meeting.number}/"),
        "action items": ("pm", "/app/action-items/"),
        "messages": ("pm", f"/app/projects/{p.pk}/messages/"),
        "feedback": ("pm", f"/app/projects/{p.pk}/feedback/"),
        "feedback analysis": ("pm", f"/app/projects/{p.pk}/feedback/analysis/"),
        "feedback analysis (organisation)": ("owner", "/app/feedback/analysis/"),
        "lessons": ("pm", "/app/lessons/"),
        "lesson search": ("pm", "/app/lessons/?q=acceptance+criteria"),
        "lesson search (Chinese)": ("pm", "/app/lessons/?q=验收标准"),
        "lesson": ("pm", f"/app/lessons/{lesson.pk}/"),
        "audit trail": ("owner", "/app/audit/"),
        "portal home": ("contact", "/portal/"),
        "portal project": ("contact", f"/portal/projects/{p.pk}/"),
        "portal reports": ("contact", f"/portal/projects/{p.pk}/reports/"),
    }
    for name, path in {
        "projects": "/projects",
        "clients": "/clients",
        "contacts": "/contacts",
        "touchpoints of a client": f"/clients/{p.client_id}/touchpoints",
        "communication attention": "/communication/attention",
        "lessons": "/lessons",
        "lessons search": "/lessons?q=acceptance",
        "change requests": f"/projects/{p.pk}/change-requests",
        "status reports": f"/projects/{p.pk}/status-reports",
        "meetings": f"/projects/{p.pk}/meetings",
        "action items": f"/projects/{p.pk}/action-items",
        "touchpoints": f"/projects/{p.pk}/touchpoints",
        "threads": f"/projects/{p.pk}/threads",
        "feedback": f"/projects/{p.pk}/feedback",
        "feedback analysis": f"/projects/{p.pk}/feedback/analysis",
        "surveys": f"/projects/{p.pk}/surveys",
        "stakeholders": f"/projects/{p.pk}/stakeholders",
        "risks": f"/projects/{p.pk}/risks",
        "issues": f"/projects/{p.pk}/issues",
    }.items():
        found[f"API {name}"] = ("pm api", api + path)
    for name, path in {
        "projects": "/projects",
        "status reports": f"/projects/{p.pk}/status-reports",
        "change requests": f"/projects/{p.pk}/change-requests",
        "meetings": f"/projects/{p.pk}/meetings",
        "threads": f"/projects/{p.pk}/threads",
        "action items": "/action-items",
        "lessons": "/lessons",
    }.items():
        found[f"portal API {name}"] = ("contact api", portal_api + path)
    return found


def _aliases(sql: str) -> dict[str, str]:
    """Table of each name the query gives a table (Django's U0, T3… and the tables' own)."""
    names = {
        table: table
        for table in re.findall(
            r'"(\w+)"\s*(?:,|\s+(?:WHERE|INNER|LEFT|ON|ORDER|GROUP|LIMIT)|\)|$)', sql
        )
    }
    for table, alias in re.findall(r'"(\w+)"\s+(?:AS\s+)?"?([A-Z]\d+)"?', sql):
        names[alias] = table
    for table in re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', sql):
        names.setdefault(table, table)
    return names


def _full_scans_sqlite(sql: str, params: Any) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = [row[3] for row in cursor.fetchall()]
    aliases = _aliases(sql)
    scans = []
    for detail in plan:
        found = re.fullmatch(r"SCAN (\w+)(?: AS (\w+))?( USING (?:COVERING )?INDEX \w+)?", detail)
        if found:
            table = aliases.get(found.group(2) or found.group(1), found.group(1))
            if table in BIG_TABLES and (found.group(3) is None or WALKS):
                scans.append(f"{detail} ({table})")
    return scans


def _full_scans_postgresql(sql: str, params: Any) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
        cursor.execute("SET LOCAL enable_seqscan = on")
    plan = json.loads(plan) if isinstance(plan, str) else plan
    scans: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in BIG_TABLES:
            scans.append(f"Seq Scan on {node['Relation Name']}")
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return scans


def full_scans(sql: str, params: Any) -> list[str]:
    if connection.vendor == "postgresql":
        return _full_scans_postgresql(sql, params)
    return _full_scans_sqlite(sql, params)


class Capture:
    """Every SELECT run while active, as (sql, params), ready to be explained again."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, Any]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not many and sql.lstrip().upper().startswith("SELECT"):
            self.queries.append((sql, params))
        return execute(sql, params, many, context)


def test_a_full_scan_is_seen(seeded: Seeded):
    """The check itself: a filter no index serves is reported, one an index serves is not."""
    capture = Capture()
    with connection.execute_wrapper(capture):
        list(AuditEvent.objects.filter(action="nothing").order_by())
        list(AuditEvent.objects.filter(organisation=seeded.organisation)[:25])
    (unindexed, indexed) = capture.queries
    assert full_scans(*unindexed) and "audit_auditevent" in full_scans(*unindexed)[0]
    assert full_scans(*indexed) == []


def test_computing_every_projects_health_uses_indexes(seeded: Seeded):
    """What the hourly job and a first read of the day run for all the organisation's
    projects (the seed has run it already: here again, rolled back with the test)."""
    from rapport.reports import health_store
    from rapport.reports.models import ProjectHealth

    ProjectHealth.objects.filter(project__organisation=seeded.organisation).delete()
    capture = Capture()
    with connection.execute_wrapper(capture):
        computed = health_store.ensure_fresh(
            Project.objects.filter(organisation=seeded.organisation), as_of=timezone.localdate()
        )
    assert computed == Project.objects.filter(organisation=seeded.organisation).count()
    problems = [scan for sql, params in capture.queries for scan in full_scans(sql, params)]
    assert not problems, "\n".join(problems)


def test_the_daily_pages_main_queries_use_indexes(seeded: Seeded, login_as):
    people = _people(seeded)
    organisation = seeded.organisation
    _token, secret = tenancy.api_token_create(
        actor=Actor.member(people.pm, organisation, Role.PM), name="explain"
    )
    _token, contact_secret = tenancy.contact_api_token_create(
        actor=Actor.contact(people.contact.user, frozenset({people.contact.pk})), name="explain"
    )
    browsers = {
        "pm": login_as(people.pm),
        "owner": login_as(people.owner),
        "contact": login_as(people.contact.user),
        "pm api": Client(HTTP_AUTHORIZATION=f"Bearer {secret}"),
        "contact api": Client(HTTP_AUTHORIZATION=f"Bearer {contact_secret}"),
    }
    problems: list[str] = []
    explained = 0
    for name, (who, url) in pages(people).items():
        capture = Capture()
        with connection.execute_wrapper(capture):
            response = browsers[who].get(url)
        if response.status_code != 200:
            problems.append(f"{name} ({url}): status {response.status_code}")
        for sql, params in capture.queries:
            explained += 1
            for scan in full_scans(sql, params):
                problems.append(f"{name} ({url}): {scan}\n    {sql[:600]}")
    assert explained > 100
    assert not problems, f"{len(problems)} full scans:\n" + "\n".join(problems)


def _sorts_everything(sql: str, params: Any) -> bool:
    """Whether the plan sorts the rows instead of reading them in an index's order."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # as at scale, not this subset
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
            cursor.execute("SET LOCAL enable_seqscan = on")
            return '"Sort"' in (plan if isinstance(plan, str) else json.dumps(plan))
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return any("TEMP B-TREE FOR ORDER BY" in row[3] for row in cursor.fetchall())


def test_the_lesson_library_reads_its_newest_page_in_index_order(seeded: Seeded):
    """The library and the lessons API list the newest 25 of 20,000 lessons at scale: read in
    the order of ``lesson_org_newest``, not all joined and sorted (35 ms on PostgreSQL)."""
    from rapport.lessons.selectors import lessons_filtered

    people = _people(seeded)
    actor = Actor.member(people.pm, seeded.organisation, Role.PM)
    capture = Capture()
    with connection.execute_wrapper(capture):
        list(lessons_filtered(actor=actor)[:25])
        list(lessons_filtered(actor=actor).order_by("title")[:25])
    newest, by_title = capture.queries
    assert not _sorts_everything(*newest), newest[0]
    assert _sorts_everything(*by_title)  # the check itself: an order no index gives is seen
