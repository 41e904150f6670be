"""What a role must not see is absent from everything it gets: the organisation's internal
notes, rates and costs, evaluation notes, drafts, internal risks and issues, the conflict
register, internal minutes notes, unshared lessons and improvements never reach a client
contact, through the portal pages, the PDFs and calendar files, the emails and the portal API;
money never reaches a team member the PM has not granted the financials.

Every internal field of project_a / client_a holds a unique marker (``SECRET-…``), planted
before the real flows run (baseline submitted, change request sent for approval, report
published, meeting invited, minutes published, survey sent, message posted, closure
published); then every route the role may read is requested, with the ids of every object of
the project, and nothing it gets may hold a marker. Visible markers (``SHOWN-…``) in what the
client is meant to read prove the crawl reaches the records."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from email.message import Message
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import get_resolver, reverse
from django.utils import timezone
from pypdf import PdfReader

from rapport.changes import services as cr_services
from rapport.changes.models import ChangeRequest
from rapport.clients.models import Client, Contact
from rapport.closure import services as closure_services
from rapport.closure.models import Closure
from rapport.communication import services as comm_services
from rapport.feedback import followups
from rapport.feedback import services as feedback_services
from rapport.feedback.models import Feedback
from rapport.lessons import services as lesson_services
from rapport.meetings import minutes as minutes_services
from rapport.meetings import services as meeting_services
from rapport.meetings.models import Meeting
from rapport.messaging import services as messaging_services
from rapport.messaging.models import Thread
from rapport.notify.models import Notification, OutboundEmail
from rapport.projects import baseline_services
from rapport.projects.models import BudgetLine, CostEntry, Milestone, Project, TimeEntry
from rapport.reports import services as report_services
from rapport.reports.models import StatusReport
from rapport.risks import conflicts as conflict_services
from rapport.risks import services as risk_services
from rapport.risks.models import Conflict, Evidence, Issue, Risk
from rapport.tenancy.models import User
from rapport.tenancy.services import api_token_create, contact_api_token_create
from tests.conftest import Side, World, login
from tests.test_authorization_matrix import OPERATIONS, PAGES, Case, _markers, _walk

pytestmark = pytest.mark.django_db

# --- what is internal ------------------------------------------------------------------------

# Every field the client must never read, each planted below with its own marker. A model
# field whose label or help text calls it internal must be listed here (or in NOT_CLIENT_DATA
# with the reason): a new internal field cannot escape the test.
INTERNAL_FIELDS = {
    "clients.Client.notes": "internal notes on the client",
    "communication.Stakeholder.notes": "internal notes on a stakeholder",
    "projects.Objective.achievability": "how an objective is achievable: internal",
    "changes.ChangeRequest.evaluation_notes": "never shown to the client",
    "meetings.Minutes.internal_notes": "never shown to the client",
    "projects.TimeEntry.rate": "internal hourly rate",
    "projects.TimeEntry.description": "time booked",
    "projects.CostEntry.description": "actual cost booked",
    "closure.Closure.override_reason": "why the organisation closed despite blockers",
    "feedback.FollowUp.handling": "how the PM handled a low score",
}
# Whole registers the client never sees (every text field of them planted).
INTERNAL_MODELS = {
    "risks.Conflict": "the conflict register",
    "risks.ConflictStep": "steps taken on a conflict",
    "risks.Evidence": "evidence linked to a conflict",
    "communication.Stakeholder": "the stakeholder register",
    "communication.PlanItem": "the communication plan",
    "communication.Interaction": "the touchpoint log",
    "feedback.FollowUp": "follow-ups of low scores",
    "feedback.PmRating": "the PM's own ratings (scores only: nothing to plant)",
}
# Records the client sees only once shared or published: a hidden one of each is planted.
VISIBILITY_FLAGS = {
    "risks.Risk.client_visible": "an internal risk",
    "risks.Issue.client_visible": "an unshared issue",
    "projects.Milestone.client_visible": "an internal milestone",
    "lessons.Lesson.shared_with_client": "a lesson kept inside the organisation",
    "feedback.ImprovementAction.shareable": "an improvement not shown to the client",
    "reports.StatusReport.state": "a draft report",
    "changes.ChangeRequest.state": "a draft change request",
    "meetings.Minutes.summary": "minutes not yet published",
}
# Labelled "internal" but not a record of a client's project.
NOT_CLIENT_DATA = {
    "tenancy.Organisation.change_approval_threshold": "a setting: above it, internal approval",
}
SAYS_INTERNAL = re.compile(r"internal|never shown to the client|client never", re.IGNORECASE)

RATE = Decimal("4817.93")  # a rate no total can equal by chance
BUDGET_AMOUNT = Decimal("73519.27")
COST_AMOUNT = Decimal("2971.43")
CR_COST = Decimal("61427.19")


def _numbers(value: Decimal) -> list[str]:
    """The ways a page, a PDF or JSON may write an amount."""
    plain = f"{value:.2f}"
    whole, cents = plain.split(".")
    grouped = f"{int(whole):,}"
    return [plain, f"{grouped}.{cents}", f"{whole},{cents}", f"{grouped.replace(',', '.')},{cents}"]


def test_every_field_said_to_be_internal_is_planted() -> None:
    listed = set(INTERNAL_FIELDS) | set(NOT_CLIENT_DATA)
    missing = []
    for model in apps.get_models():
        label = model._meta.label
        if label in INTERNAL_MODELS:
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.Field):
                continue
            words = f"{getattr(field, 'verbose_name', '')} {getattr(field, 'help_text', '')}"
            if SAYS_INTERNAL.search(words) and f"{label}.{field.name}" not in listed:
                missing.append(f"{label}.{field.name}")
            flag = isinstance(field, models.BooleanField) and re.search(r"visible|shar", field.name)
            if flag and f"{label}.{field.name}" not in VISIBILITY_FLAGS:
                missing.append(f"{label}.{field.name} (a visibility flag)")
        doc = model.__doc__ or ""
        if re.search(r"Internal:|client never sees", doc) and label not in INTERNAL_MODELS:
            missing.append(f"{label} (an internal register)")
    assert not missing, (
        "Internal fields not planted by tests/security/test_field_absence.py (add a marker for "
        f"each, or say in NOT_CLIENT_DATA why it is not client data): {missing}"
    )


# --- planting -------------------------------------------------------------------------------


class Secrets:
    """Markers by name: ``secret`` for what the client must not read, ``financial`` for what a
    member without the financial grant must not read, ``shown`` for what the client reads."""

    def __init__(self) -> None:
        self.client: dict[str, str] = {}
        self.financial: dict[str, str] = {}
        self.shown: dict[str, str] = {}

    def secret(self, name: str) -> str:
        self.client[name] = f"SECRET-{name}-7Q"
        return self.client[name]

    def money(self, name: str) -> str:
        self.financial[name] = f"MONEY-{name}-7Q"
        return self.financial[name]

    def show(self, name: str) -> str:
        self.shown[name] = f"SHOWN-{name}-7Q"
        return self.shown[name]


def _plant(side: Side, s: Secrets) -> dict[str, Any]:
    """Every internal field of project_a and client_a holds its marker; records the client is
    meant to read hold visible markers. Returns the objects the flows need."""
    pm = side.actor(side.pm)
    project = side.project_a
    now = timezone.now().replace(microsecond=0)

    side.client_a.notes = s.secret("client-notes")
    side.client_a.save(update_fields=["notes"])
    comm_services.stakeholder_add(
        actor=pm, project=project, contact=side.contact_a, notes=s.secret("stakeholder-notes")
    )
    comm_services.plan_item_create(
        actor=pm,
        project=project,
        audience=[side.contact_a],
        owner_id=side.pm.pk,
        title=s.secret("plan-item"),
        channel="email",
        cadence_days=7,
        starts_on=timezone.localdate(),
    )
    comm_services.interaction_log(
        actor=pm,
        client=side.client_a,
        project=project,
        contacts=[side.contact_a],
        occurred_at=now - timedelta(days=1),
        channel="phone",
        summary=s.secret("touchpoint-summary"),
        follow_ups=s.secret("touchpoint-follow-ups"),
    )

    # The baseline: an internal note on the objective, an internal milestone, money.
    objective = side.baseline["objective"]
    objective.achievability = s.secret("objective-achievability")
    objective.statement = s.show("objective")
    objective.save(update_fields=["achievability", "statement"])
    Milestone.objects.filter(pk=side.baseline["internal_milestone"].pk).update(
        name=s.secret("internal-milestone")
    )
    BudgetLine.objects.filter(pk=side.baseline["budget_line"].pk).update(
        description=s.money("budget-line"), amount=BUDGET_AMOUNT, category="travel"
    )
    CostEntry.objects.filter(pk=side.baseline["cost_entry"].pk).update(
        description=s.secret("cost-entry"), amount=COST_AMOUNT
    )
    s.financial["cost-entry"] = s.client["cost-entry"]
    TimeEntry.objects.filter(pk=side.baseline["time_entry"].pk).update(
        description=s.secret("time-entry"), rate=RATE, hours=Decimal("0.25")
    )
    s.financial["time-entry"] = s.client["time-entry"]

    # Risks and issues: internal ones, and one of each the client is shown.
    risk_services.risk_create(
        actor=pm,
        project=project,
        title=s.secret("risk-title"),
        cause=s.secret("risk-cause"),
        probability=4,
        impact=5,
        owner_id=side.pm.pk,
        mitigation=s.secret("risk-mitigation"),
        contingency=s.secret("risk-contingency"),
        trigger=s.secret("risk-trigger"),
    )
    risk_services.risk_create(
        actor=pm,
        project=project,
        title=s.show("risk"),
        probability=2,
        impact=2,
        owner_id=side.pm.pk,
        client_visible=True,
    )
    risk_services.issue_create(
        actor=pm,
        project=project,
        title=s.secret("issue-title"),
        owner_id=side.pm.pk,
        description=s.secret("issue-description"),
        impact=s.secret("issue-impact"),
        proposed_solution=s.secret("issue-solution"),
    )
    shared_issue = risk_services.issue_create(
        actor=pm,
        project=project,
        title=s.show("issue"),
        owner_id=side.pm.pk,
        proposed_solution="Add a second reviewer",
    )

    # The conflict register, with its steps and evidence.
    conflict = conflict_services.conflict_create(
        actor=pm,
        client=side.client_a,
        project_id=project.pk,
        title=s.secret("conflict-title"),
        description=s.secret("conflict-description"),
        impact=s.secret("conflict-impact"),
        root_causes=["expectations"],
        contact_party_ids=[side.contact_a.pk],
    )
    conflict_services.conflict_step_add(
        actor=pm,
        conflict=conflict,
        occurred_on=timezone.localdate(),
        description=s.secret("conflict-step"),
    )

    # Lessons and improvements kept inside; one of each shared.
    for shared in (False, True):
        lesson_services.lesson_create(
            actor=pm,
            project_id=project.pk,
            title=s.show("lesson") if shared else s.secret("lesson-title"),
            what_happened="Shared" if shared else s.secret("lesson-what"),
            impact="" if shared else s.secret("lesson-impact"),
            root_cause="" if shared else s.secret("lesson-cause"),
            recommendation="Shared" if shared else s.secret("lesson-recommendation"),
            category="communication",
            tags=[] if shared else [s.secret("lesson-tag")],
            shared_with_client=shared,
        )
    followups.improvement_save(
        actor=pm,
        project=project,
        title=s.secret("improvement-title"),
        owner_id=side.member.pk,
        you_said=s.secret("improvement-you-said"),
        we_did=s.secret("improvement-we-did"),
    )
    followups.improvement_save(
        actor=pm,
        project=project,
        title=s.show("improvement"),
        owner_id=side.member.pk,
        you_said="Too few demos",
        we_did="Weekly demos",
        shareable=True,
    )
    feedback = feedback_services.feedback_record(
        actor=pm,
        project=project,
        source="call",
        contact_id=side.contact_a.pk,
        received_on=timezone.localdate(),
        quality=1,
        comment=s.secret("interview-notes"),
    )
    follow_up = Feedback.objects.get(pk=feedback.pk).follow_up
    followups.follow_up_handle(actor=pm, follow_up=follow_up, handling=s.secret("handling"))
    followups.pm_rating_record(
        actor=pm,
        project=project,
        period_start=timezone.localdate() - timedelta(days=30),
        period_end=timezone.localdate(),
        progress=5,
        quality=5,
        communication=5,
    )

    # Change requests: a draft (never the client's), one under evaluation with notes and costs.
    draft = cr_services.change_request_create(
        actor=pm,
        project=project,
        title=s.secret("draft-change-title"),
        description=s.secret("draft-change-description"),
    )
    assert draft.state == "draft"
    Evidence.objects.create(
        conflict=conflict, change_request=draft, note=s.secret("evidence-note"), created_by=side.pm
    )
    return {"shared_issue": shared_issue, "conflict": conflict}


def _mail_text(message: Any) -> str:
    """Everything a recipient gets: subject, bodies, and the text of PDF and calendar parts."""
    parts = [message.subject, message.body]
    for content, _mimetype in getattr(message, "alternatives", []):
        parts.append(str(content))
    for attachment in message.attachments:
        if isinstance(attachment, Message):  # a MIME part or an attached message: its text
            parts.append(attachment.as_string())
            continue
        name, content, mimetype = attachment
        data = content if isinstance(content, bytes) else str(content).encode()
        parts.append(name or "")
        parts.append(_pdf_text(data) if mimetype == "application/pdf" else data.decode())
    return "\n".join(parts)


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def _flows(side: Side, s: Secrets, capture: Callable[..., Any], planted: dict[str, Any]) -> None:
    """The real flows that write to the client, run by the PM, each committed so that its
    emails go out."""
    pm = side.actor(side.pm)
    project = side.project_a
    contact = side.contact_actor(side.contact_a)
    now = timezone.now().replace(microsecond=0)

    with capture(execute=True):
        baseline_services.baseline_submit(actor=pm, project=project)
    with capture(execute=True):
        version = project.baseline_versions.order_by("-number").first()
        baseline_services.baseline_sign(actor=contact, version=version)

    with capture(execute=True):
        cr = cr_services.change_request_create(
            actor=pm,
            project=project,
            title=s.show("change"),
            description="Add an export",
            submit=True,
        )
        cr_services.change_request_evaluate(
            actor=pm,
            change_request=cr,
            schedule_days=3,
            recommendation="approve",
            costs={"labour": str(CR_COST)},
            evaluation_notes=s.secret("evaluation-notes"),
        )
        s.financial["cr-cost"] = str(CR_COST)
    with capture(execute=True):
        cr_services.change_request_send_for_approval(
            actor=pm, change_request=ChangeRequest.objects.get(pk=cr.pk)
        )

    with capture(execute=True):
        risk_services.issue_share(actor=pm, issue=planted["shared_issue"])

    with capture(execute=True):
        report = report_services.report_draft(
            actor=pm,
            project=project,
            period_start=timezone.localdate() - timedelta(days=7),
            period_end=timezone.localdate(),
        )
        report_services.report_update(actor=pm, report=report, summary=s.show("report"))
    with capture(execute=True):
        report_services.report_publish(actor=pm, report=StatusReport.objects.get(pk=report.pk))
    draft = report_services.report_draft(
        actor=pm,
        project=project,
        period_start=timezone.localdate() + timedelta(days=1),
        period_end=timezone.localdate() + timedelta(days=8),
    )
    report_services.report_update(
        actor=pm,
        report=draft,
        summary=s.secret("draft-report-summary"),
        achievements=s.secret("draft-report-achievements"),
        problems=s.secret("draft-report-problems"),
        asks=s.secret("draft-report-asks"),
        next_steps=s.secret("draft-report-next-steps"),
        stated_health="red",
        stated_reason=s.secret("draft-report-reason"),
    )

    # A meeting: invited, held, minutes with internal notes published; the internal notes
    # edited after publication (which publishes no correction).
    with capture(execute=True):
        meeting = meeting_services.meeting_schedule(
            actor=pm,
            project=project,
            title=s.show("meeting"),
            start=now - timedelta(hours=2),
            end=now - timedelta(hours=1),
            time_zone="UTC",
            attendee_ids=[side.pm.pk, side.member.pk],
            contact_ids=[side.contact_a.pk],
        )
    with capture(execute=True):
        item = meeting_services.agenda_item_add(
            actor=pm, meeting=meeting, title="Progress", time_box=15
        )
        minutes_services.minutes_record(
            actor=pm,
            meeting=meeting,
            present_user_ids=[side.pm.pk],
            present_contact_ids=[side.contact_a.pk],
            notes={item.pk: "Went through the plan"},
            summary=s.show("minutes"),
            internal_notes=s.secret("minutes-internal-notes"),
        )
        minutes_services.minutes_publish(actor=pm, meeting=Meeting.objects.get(pk=meeting.pk))
    minutes_services.minutes_record(
        actor=pm,
        meeting=Meeting.objects.get(pk=meeting.pk),
        present_user_ids=[side.pm.pk],
        present_contact_ids=[side.contact_a.pk],
        notes={item.pk: "Went through the plan"},
        summary=s.shown["minutes"],
        internal_notes=s.secret("minutes-internal-notes-edited"),
    )
    # A meeting held whose minutes were never published (agenda notes are part of them).
    held = meeting_services.meeting_schedule(
        actor=pm,
        project=project,
        title="Workshop",
        start=now - timedelta(hours=5),
        end=now - timedelta(hours=4),
        time_zone="UTC",
        contact_ids=[side.contact_a.pk],
    )
    held_item = meeting_services.agenda_item_add(actor=pm, meeting=held, title="Scope", time_box=15)
    minutes_services.minutes_record(
        actor=pm,
        meeting=held,
        notes={held_item.pk: s.secret("held-agenda-notes")},
        present_contact_ids=[side.contact_a.pk],
        summary=s.secret("held-minutes-summary"),
        internal_notes=s.secret("held-minutes-internal"),
    )
    # An invitation to the next one, with its calendar file.
    with capture(execute=True):
        meeting_services.meeting_schedule(
            actor=pm,
            project=project,
            title="Next status",
            start=now + timedelta(days=2),
            end=now + timedelta(days=2, hours=1),
            time_zone="UTC",
            contact_ids=[side.contact_a.pk],
        )

    with capture(execute=True):
        feedback_services.survey_send(actor=pm, project=project, contact_ids=[side.contact_a.pk])
    with capture(execute=True):
        messaging_services.thread_open(
            actor=pm, project=project, subject=s.show("thread"), body="Here is the plan"
        )


def _close(side: Side, s: Secrets, capture: Callable[..., Any]) -> None:
    """project_a closes (by an admin, over what still blocks it): the closure report and its
    email."""
    owner = side.actor(side.owner)
    closure_services.closure_update(
        actor=owner,
        project=side.project_a,
        narrative=s.show("closure"),
        lessons="Agree the scope early.",
        budget_closed=True,
    )
    with capture(execute=True):
        closure_services.closure_close(
            actor=owner, project=side.project_a, override_reason=s.secret("override-reason")
        )
    assert Closure.objects.get(project=side.project_a).state == "closed"


# --- crawling -------------------------------------------------------------------------------


def _body(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        return _pdf_text(content)
    if response.get("Content-Type", "").startswith(("application/vnd.openxml", "application/zip")):
        return _xlsx_text(content)
    return content.decode(errors="replace")


def _xlsx_text(content: bytes) -> str:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(
            archive.read(name).decode(errors="replace")
            for name in archive.namelist()
            if name.endswith(".xml")
        )


def _ids(side: Side) -> dict[str, list[Any]]:
    """Every id a route of project_a may take, from every object of the project."""
    project = side.project_a
    numbers = set()
    for model in (ChangeRequest, StatusReport, Meeting, Risk, Issue):
        numbers |= set(model.objects.filter(project=project).values_list("number", flat=True))
    return {
        "project_id": [project.pk],
        "client_id": [side.client_a.pk],
        "number": sorted(numbers),
        "thread_id": list(Thread.objects.filter(project=project).values_list("pk", flat=True)),
        "version_number": list(project.baseline_versions.values_list("number", flat=True)),
        "conflict_id": list(
            Conflict.objects.filter(client=side.client_a).values_list("pk", flat=True)
        ),
    }


def _combinations(params: list[str], ids: dict[str, list[Any]]) -> Iterator[dict[str, Any]]:
    if not params:
        yield {}
        return
    first, rest = params[0], params[1:]
    for value in ids[first]:
        for tail in _combinations(rest, ids):
            yield {first: value, **tail}


def _route_params(route: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route) or re.findall(r"\{(\w+)\}", route)


def _page_requests(side: Side, role: str) -> Iterator[tuple[str, Callable[[], tuple[str, Any]]]]:
    """Every GET page ``role`` may read: each matrix case of it, and each route again with the
    ids of every object of project_a."""
    routes = {name: route for name, route, _p in _walk(get_resolver().url_patterns)}
    ids = _ids(side)
    for name, cases in PAGES.items():
        readable = [c for c in cases if c.method == "GET" and c.ok.get(role) == 200]
        if not readable:
            continue
        for case in readable:
            yield name, _case_request(name, case, side)
        params = _route_params(routes[name])
        if params and all(p in ids for p in params):
            for kwargs in _combinations(params, ids):
                yield name, _fixed_request(reverse(name, kwargs=kwargs))


def _case_request(name: str, case: Case, side: Side) -> Callable[[], tuple[str, Any]]:
    def build() -> tuple[str, Any]:
        return reverse(name, kwargs=case.kwargs(side)), case.query(side) if case.query else None

    return build


def _api_case_request(template: str, case: Case, side: Side) -> Callable[[], tuple[str, Any]]:
    def build() -> tuple[str, Any]:
        return template.format(**case.kwargs(side)), case.query(side) if case.query else None

    return build


def _fixed_request(path: str) -> Callable[[], tuple[str, Any]]:
    return lambda: (path, None)


def _leaks(text: str, markers: dict[str, str]) -> list[str]:
    return [name for name, marker in markers.items() if marker in text]


def _money_leaks(text: str) -> list[str]:
    found = []
    for name, value in [("rate", RATE), ("budget", BUDGET_AMOUNT), ("cost", COST_AMOUNT)]:
        if any(form in text for form in _numbers(value)):
            found.append(name)
    return found


def _crawl_pages(
    side: Side, role: str, user: Any, check: Callable[[str], list[str]]
) -> tuple[list[str], str]:
    """Every page ``role`` reads, as ``user``: the problems, and all the text seen."""
    http = login(user)
    problems, seen = [], []
    for name, build in _page_requests(side, role):
        savepoint = transaction.savepoint_create()  # what a case builds is undone
        try:
            path, query = build()
            response = http.get(path, query)
        except (ValidationError, PermissionDenied):
            continue
        finally:
            transaction.savepoint_rollback(savepoint)
        if response.status_code >= 500:
            problems.append(f"{name} {path}: {response.status_code}")
            continue
        if response.status_code != 200:
            continue
        text = _body(response)
        seen.append(text)
        if leaked := check(text):
            problems.append(f"{name} {path}{f'?{query}' if query else ''} shows {leaked}")
    return problems, "\n".join(seen)


def _crawl_api(
    side: Side, role: str, token: str, check: Callable[[str], list[str]], *, portal: bool
) -> tuple[list[str], str]:
    http = login(side.owner)
    http.logout()
    headers = {"Authorization": f"Bearer {token}"}
    ids = _ids(side)
    problems, seen = [], []
    for (method, template), cases in OPERATIONS.items():
        if method != "GET":
            continue
        readable = [c for c in cases if c.ok.get(role) == 200 and c.portal_api == portal and c.api]
        if not readable:
            continue
        builders = [_api_case_request(template, case, side) for case in readable]
        params = _route_params(template)
        if params and all(p in ids for p in params):
            builders += [
                _fixed_request(template.format(**kwargs)) for kwargs in _combinations(params, ids)
            ]
        for build in builders:
            savepoint = transaction.savepoint_create()
            try:
                path, query = build()
                response = http.get(path, query, headers=headers)
            except (ValidationError, PermissionDenied):
                continue
            finally:
                transaction.savepoint_rollback(savepoint)
            if response.status_code >= 500:
                problems.append(f"GET {path}: {response.status_code}")
                continue
            text = json.dumps(response.json(), ensure_ascii=False) if response.content else ""
            seen.append(text)
            if leaked := check(text):
                problems.append(f"GET {path} answers {leaked}")
    return problems, "\n".join(seen)


# --- the tests ------------------------------------------------------------------------------


@pytest.fixture
def planted(world: World, django_capture_on_commit_callbacks: Any) -> tuple[World, Secrets]:
    side = world.one
    secrets = Secrets()
    mail.outbox = []
    objects = _plant(side, secrets)
    _flows(side, secrets, django_capture_on_commit_callbacks, objects)
    return world, secrets


def _contact_mail(side: Side) -> str:
    address = side.contact_a.email.lower()
    texts = [
        _mail_text(message)
        for message in mail.outbox
        if address in [a.lower() for a in [*message.to, *message.cc, *message.bcc]]
    ]
    texts += [
        f"{e.subject}\n{e.body_text}\n{e.body_html}"
        for e in OutboundEmail.objects.filter(to__iexact=address)
    ]
    texts += [
        f"{n.title}\n{n.body}" if hasattr(n, "body") else n.title
        for n in Notification.objects.filter(user=side.contact_a.user)
    ]
    return "\n\n".join(texts)


def test_the_client_contact_gets_nothing_internal(
    planted: tuple[World, Secrets], django_capture_on_commit_callbacks: Any
) -> None:
    world, s = planted
    side = world.one

    def check(text: str) -> list[str]:
        return _leaks(text, s.client) + [f"rate {form}" for form in _numbers(RATE) if form in text]

    problems, seen = _crawl_pages(side, "contact_a", side.contact_a.user, check)
    _token, secret = contact_api_token_create(
        actor=side.contact_actor(side.contact_a), name="absence"
    )
    api_problems, api_seen = _crawl_api(side, "contact_a", secret, check, portal=True)
    problems += api_problems

    _close(side, s, django_capture_on_commit_callbacks)
    http = login(side.contact_a.user)
    for name in ("portal_closure:detail", "portal_closure:pdf", "portal:project"):
        response = http.get(reverse(name, kwargs={"project_id": side.project_a.pk}))
        assert response.status_code == 200, name
        text = _body(response)
        seen += text
        if leaked := check(text):
            problems.append(f"{name} (closed) shows {leaked}")
    response = login(side.owner).get(
        f"/api/v1/portal/projects/{side.project_a.pk}/closure",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 200
    if leaked := check(response.content.decode()):
        problems.append(f"portal API closure shows {leaked}")

    emails = _contact_mail(side)
    if leaked := check(emails):
        problems.append(f"the contact's emails and notifications hold {leaked}")

    assert not problems, "\n".join(problems)
    # The crawl reached the records: what the client is meant to read is there.
    everything = seen + api_seen
    missing = [name for name, marker in s.shown.items() if marker not in everything]
    assert not missing, f"the client never saw these shared records: {missing}"
    for name in ("report", "change", "minutes", "thread", "closure"):
        assert s.shown[name] in emails, f"no email of the {name} reached the contact"


def test_a_team_member_without_the_financial_grant_sees_no_money(
    planted: tuple[World, Secrets],
) -> None:
    world, s = planted
    side = world.one
    assert not side.project_a.memberships.get(user=side.member).can_see_financials

    def check(text: str) -> list[str]:
        return _leaks(text, s.financial) + _money_leaks(text)

    problems, seen = _crawl_pages(side, "member", side.member, check)
    _token, secret = api_token_create(actor=side.actor(side.member), name="absence")
    api_problems, api_seen = _crawl_api(side, "member", secret, check, portal=False)
    problems += api_problems
    assert not problems, "\n".join(problems)
    # The member reads the project (the crawl reached it), only not its money.
    assert s.shown["risk"] in seen and s.shown["change"] in seen + api_seen

    # The PM sees the same money: the markers are where money is shown.
    pm_problems, _seen = _crawl_pages(side, "pm", side.pm, check)
    assert pm_problems, "the PM's pages show no planted money: the check cannot fail"


# --- ids of another organisation in a page's query string -----------------------------------


def _foreign(two: Side, pm: Any) -> dict[str, Any]:
    """world.two's records named with markers, and a signed baseline version of its project."""
    Client.objects.filter(pk=two.client_a.pk).update(name="FOREIGN-client")
    Project.objects.filter(pk=two.project_a.pk).update(name="FOREIGN-project")
    Milestone.objects.filter(pk=two.baseline["milestone"].pk).update(name="FOREIGN-milestone")
    Contact.objects.filter(pk=two.contact_a.pk).update(full_name="FOREIGN-contact")
    User.objects.filter(pk=two.pm.pk).update(full_name="FOREIGN-pm")
    objective = two.baseline["objective"]
    objective.statement = "FOREIGN-objective"
    objective.save(update_fields=["statement"])
    feedback = feedback_services.feedback_record(
        actor=two.actor(two.pm),
        project=two.project_a,
        source="call",
        received_on=timezone.localdate(),
        quality=1,
        comment="FOREIGN-feedback",
    )
    version = baseline_services.baseline_submit(actor=two.actor(two.pm), project=two.project_a)
    return {"feedback": feedback, "version": version}


FOREIGN = re.compile(r"FOREIGN-\w+")


def _id_pages(one: Side, two: Side, foreign: dict[str, Any]) -> list[tuple[str, str, dict, dict]]:
    """(role, URL name, kwargs, query) of each page that reads an id from its query string,
    given the other organisation's id."""
    project = {"project_id": one.project_a.pk}
    version = foreign["version"].pk
    return [
        ("owner", "lessons:create", {}, {"project": two.project_a.pk}),
        ("owner", "lessons:library", {}, {"client": two.client_a.pk}),
        ("owner", "projects:create", {}, {"client": two.client_a.pk}),
        (
            "pm",
            "projects:item_create",
            {**project, "kind": "deliverable"},
            {"milestone": two.baseline["milestone"].pk},
        ),
        ("pm", "feedback:improvement_create", project, {"feedback": foreign["feedback"].pk}),
        ("owner", "risks:conflicts", {}, {"client": two.client_a.pk}),
        ("owner", "risks:conflicts_export_csv", {}, {"client": two.client_a.pk}),
        (
            "pm",
            "communication:client_log",
            {"client_id": one.client_a.pk},
            {"contact": two.contact_a.pk},
        ),
        (
            "pm",
            "communication:client_log_export_xlsx",
            {"client_id": one.client_a.pk},
            {"contact": two.contact_a.pk},
        ),
        ("owner", "portfolio:portfolio", {}, {"client": two.client_a.pk, "pm": two.pm.pk}),
        ("pm", "projects:compare", project, {"a": version, "b": version}),
        ("contact_a", "portal:compare", project, {"a": version, "b": version}),
    ]


def _user(side: Side, role: str) -> Any:
    return side.contact_a.user if role == "contact_a" else getattr(side, role)


def test_ids_of_another_organisation_in_a_query_string_show_nothing_of_it(world: World) -> None:
    one, two = world.one, world.two
    foreign = _foreign(two, two.pm)
    problems = []
    checked = set()
    for role, name, kwargs, query in _id_pages(one, two, foreign):
        response = login(_user(one, role)).get(reverse(name, kwargs=kwargs), query)
        checked.add(name)
        where = f"{role} {name} ?{query}"
        if response.status_code not in (200, 400, 404):
            problems.append(f"{where}: {response.status_code}")
            continue
        if found := FOREIGN.findall(_body(response)):
            problems.append(f"{where} shows {sorted(set(found))}")

    # The same requests by the other organisation itself show its records: the check can fail.
    shown = [
        name
        for role, name, kwargs, query in _id_pages(two, two, foreign)
        if role != "contact_a"
        and FOREIGN.search(_body(login(_user(two, role)).get(reverse(name, kwargs=kwargs), query)))
    ]
    assert len(shown) >= 8, f"only {shown} show the records they name"

    # Every filter of the matrix, pages and API alike, given the other organisation's ids.
    tokens: dict[str, str] = {}
    for key, case in _query_cases():
        role = next(r for r in ("owner", "pm", "member", "contact_a") if case.ok.get(r) == 200)
        savepoint = transaction.savepoint_create()
        try:
            own, theirs = case.query(one), case.query(two)  # type: ignore[misc]
            query = {k: theirs[k] if own[k] != theirs.get(k, own[k]) else v for k, v in own.items()}
            kwargs = case.kwargs(one)
            if case.api:
                if role not in tokens:
                    actor = one.contact_actor(one.contact_a) if role == "contact_a" else None
                    tokens[role] = (
                        contact_api_token_create(actor=actor, name="ids")[1]
                        if actor
                        else api_token_create(actor=one.actor(_user(one, role)), name="ids")[1]
                    )
                path = key.split(" ", 1)[1].format(**kwargs)
                response = login(one.owner).get(
                    path, query, headers={"Authorization": f"Bearer {tokens[role]}"}
                )
            else:
                path = reverse(key, kwargs=kwargs)
                response = login(_user(one, role)).get(path, query)
        except (ValidationError, PermissionDenied):
            continue
        finally:
            transaction.savepoint_rollback(savepoint)
        where = f"{role} {path} ?{query}"
        if response.status_code >= 500:
            problems.append(f"{where}: {response.status_code}")
            continue
        text = _body(response)
        if leaked := [m for m in [*FOREIGN.findall(text), *_markers(two)] if m in text]:
            problems.append(f"{where} shows {sorted(set(leaked))}")
    assert not problems, "\n".join(problems)
    # every page of views.py that reads an id from request.GET is covered here
    assert checked >= {
        "lessons:create",
        "projects:create",
        "projects:item_create",
        "feedback:improvement_create",
        "risks:conflicts",
    }


def _query_cases() -> Iterator[tuple[str, Case]]:
    for name, cases in PAGES.items():
        for case in cases:
            if case.method == "GET" and case.query and _reader_role(case):
                yield name, case
    for (method, path), cases in OPERATIONS.items():
        for case in cases:
            if method == "GET" and case.query and _reader_role(case):
                yield f"{method} {path}", case


def _reader_role(case: Case) -> bool:
    return any(case.ok.get(r) == 200 for r in ("owner", "pm", "member", "contact_a"))
