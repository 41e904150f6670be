"""The authorization matrix: every URL pattern and every API operation, requested as every
role of two organisations and of two clients.

``PAGES`` (keyed by URL name) and ``OPERATIONS`` (keyed by ``(METHOD, path)`` from the OpenAPI
schema) say, for each route, how to build the request from the owning ``Side`` and which roles
of the owning organisation get which status. Everything not listed as allowed is a 404. The
coverage tests fail when a route exists that the table does not cover, or when the table names
a route that no longer exists: every new view or operation must be added here.

Conventions (owning side: ``world.one``; the other organisation: ``world.two``):

* ``anon`` — a page redirects to ``/accounts/login/?next=<path>``; an API operation is a 401.
* ``x_<role>`` — the same role in the other organisation. When a case names an object of the
  owning side (``scoped``), the answer is always 404. When it names none (lists, "new" forms),
  the other organisation's role gets what the same role of the owning side gets, and a page
  that succeeds must not mention anything of the owning side.
* ``owner, admin, pm, member, outsider, contact_a, contact_b`` — roles of the owning side.
  ``member`` works on ``project_a`` (client A), ``outsider`` on no project, ``pm`` manages all
  three projects. On the member API contacts send no token (a session is not an API
  credential): they are 401 like anonymous callers.
* Client portal API cases (``portal_api_case``): contacts send their own portal API token and
  members send their member token, which is refused there (401).
* A request that is denied (or comes from the other organisation) must change nothing of the
  owning organisation: every row of it is compared before and after.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.test import Client as HttpClient
from django.test.client import ClientHandler
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from rapport.api import api
from rapport.audit.models import AuditEvent
from rapport.changes import services as cr_services
from rapport.changes.models import ChangeRequest, CostImpact, Decision
from rapport.clients.import_files import guess_mapping
from rapport.clients.models import Client, ClientImport, Contact, PortalInvitation
from rapport.closure import services as closure_services
from rapport.closure.models import CheckIn, Closure, ClosureSettings
from rapport.communication import services as comm_services
from rapport.communication.models import Interaction, PlanItem, Stakeholder
from rapport.core.tokens import digest
from rapport.feedback import followups as feedback_followups
from rapport.feedback import schedule as feedback_schedule
from rapport.feedback import services as feedback_services
from rapport.feedback import template_services as feedback_templates
from rapport.feedback.models import Survey, SurveyInvitation
from rapport.lessons import services as lesson_services
from rapport.lessons.models import Lesson, LessonTerm
from rapport.meetings import minutes as minutes_services
from rapport.meetings import services as meeting_services
from rapport.meetings.models import (
    ActionItem,
    AgendaItem,
    Meeting,
    MeetingSeries,
    Minutes,
    MinutesResponse,
    MinutesVersion,
)
from rapport.meetings.models import Decision as MeetingDecision
from rapport.messaging import services as messaging_services
from rapport.messaging.models import Message, MessageAttachment, Thread, ThreadRead
from rapport.notify import kinds as notify_kinds
from rapport.notify import recipients as notify_recipients
from rapport.notify.models import Notification, NotificationPreference, OutboundEmail
from rapport.onboarding.models import SetupGuide
from rapport.portability import services as portability_services
from rapport.portability.models import OrganisationExport
from rapport.projects import baseline_services as bl_services
from rapport.projects.models import (
    BaselineVersion,
    BudgetLine,
    CostEntry,
    Deliverable,
    DeliverableDecision,
    Milestone,
    Objective,
    Project,
    ProjectMember,
    QualityStandard,
    TimeEntry,
)
from rapport.reports import services as report_services
from rapport.reports import threads as report_threads
from rapport.reports.models import (
    ReportAcknowledgement,
    ReportMessage,
    ReportThread,
    StatusReport,
)
from rapport.risks import conflicts as conflict_services
from rapport.risks import services as risk_services
from rapport.risks.models import Conflict, ConflictStep, Evidence, Issue, Risk
from rapport.tenancy.models import ApiToken, Invitation, Membership, Organisation, Role, User
from rapport.tenancy.services import api_token_create, contact_api_token_create
from rapport.webhooks import services as webhook_services
from rapport.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from tests.conftest import Side, World, build_side
from tests.messaging import samples

# --- roles ----------------------------------------------------------------------------------

MEMBERS = ("owner", "admin", "pm", "member", "outsider")
CONTACTS = ("contact_a", "contact_b")
SAME_ORG = MEMBERS + CONTACTS
FOREIGN = tuple(f"x_{role}" for role in SAME_ORG)
ROLES = ("anon", *FOREIGN, *SAME_ORG)

ADMINS = ("owner", "admin")
MANAGERS = ("owner", "admin", "pm")
ON_PROJECT_A = (*MANAGERS, "member")  # everyone who sees project_a and client_a in the app

LOGIN = "login"  # anonymous page request: redirect to the sign-in page with ?next=<path>


def each(status: int, roles: tuple[str, ...]) -> dict[str, int]:
    return dict.fromkeys(roles, status)


# --- the table ------------------------------------------------------------------------------


def exports(name: str, cases: list[Case]) -> dict[str, list[Case]]:
    """A list's CSV and Excel exports, ``<name>_csv`` and ``<name>_xlsx``, allowed like it."""
    return {f"{name}_{fmt}": cases for fmt in ("csv", "xlsx")}


_serial = itertools.count(1)


@dataclass(frozen=True)
class Case:
    """One request variant of a route. ``ok`` and ``denied`` map owning-side roles to the
    status they get; any owning-side role in neither gets 404."""

    label: str = ""  # names the variant when a route has several
    method: str = "GET"
    kwargs: Callable[[Side], dict[str, Any]] = lambda side: {}
    data: Callable[[Side], dict[str, Any]] | None = None
    query: Callable[[Side], dict[str, Any]] | None = None
    ok: dict[str, int] = field(default_factory=dict)
    denied: dict[str, int] = field(default_factory=dict)
    anon: int | str = LOGIN
    # The request names an object of the owning side (in the path, body or query string).
    scoped: bool = True
    # Explicit statuses for the other organisation's roles (by bare role name; rest 404).
    foreign: dict[str, int] | None = None
    public: bool = False
    api: bool = False
    # An operation of the client portal API: contacts send their portal token, members their
    # member token (refused there with a 401).
    portal_api: bool = False

    @property
    def tag(self) -> str:
        return self.label or ("" if self.api or self.method == "GET" else self.method.lower())

    def expect(self, role: str) -> int | str:
        if role == "anon":
            return self.anon
        base = role.removeprefix("x_")
        if self.api and not self.portal_api and base in CONTACTS:
            return 401  # no token on the member API; a session is not an API credential
        if self.portal_api and base in MEMBERS:
            return 401  # a member's token is not a client portal token
        if role.startswith("x_") and not self.public:
            if self.foreign is not None:
                return self.foreign.get(base, 404)
            if self.scoped:
                return 404
        return self.ok.get(base, self.denied.get(base, 404))


def public(status: int, *, signed_in: int | None = None, **kwargs: Any) -> Case:
    """A route anyone may request, signed in or not."""
    statuses = each(signed_in if signed_in is not None else status, SAME_ORG)
    return Case(public=True, scoped=False, anon=status, ok=statuses, **kwargs)


def api_case(**kwargs: Any) -> Case:
    return Case(api=True, anon=401, **kwargs)


def portal_api_case(**kwargs: Any) -> Case:
    return Case(api=True, portal_api=True, anon=401, **kwargs)


# Fresh objects for write requests that consume their target (one per request).


def _fresh_user(side: Side) -> User:
    n = next(_serial)
    return User.objects.create(
        email=f"fresh{n}@{side.organisation.slug}.test", full_name=f"Fresh {n}"
    )


def fresh_membership_user(side: Side) -> User:
    user = _fresh_user(side)
    Membership.objects.create(organisation=side.organisation, user=user, role=Role.MEMBER)
    return user


def fresh_membership(side: Side) -> dict[str, Any]:
    membership = Membership.objects.create(
        organisation=side.organisation, user=_fresh_user(side), role=Role.MEMBER
    )
    return {"membership_id": membership.pk}


def _member_invitation(side: Side) -> tuple[Invitation, str]:
    token = f"matrix-invitation-{side.organisation.slug}-{next(_serial)}"
    invitation = Invitation.objects.create(
        organisation=side.organisation,
        email=f"{token}@elsewhere.test",
        role=Role.MEMBER,
        token_hash=digest(token),
        invited_by=side.owner,
        expires_at=timezone.now() + timedelta(days=3),
    )
    return invitation, token


def fresh_invitation(side: Side) -> dict[str, Any]:
    return {"invitation_id": _member_invitation(side)[0].pk}


def valid_invitation_token(side: Side) -> dict[str, Any]:
    return {"token": _member_invitation(side)[1]}


def unsubscribe_token(side: Side) -> dict[str, Any]:
    """A one-click unsubscribe link, as emailed to contact_a for answers on reports."""
    recipient = notify_recipients.Recipient(side="contact", user=side.contact_a.user)
    kind = notify_kinds.get("report_answer")
    return {"token": notify_recipients.unsubscribe_token(recipient, kind)}


def pm_notification(side: Side) -> dict[str, Any]:
    return {"notification_id": side.extra["notifications"]["pm"].pk}


def contact_a_notification(side: Side) -> dict[str, Any]:
    return {"notification_id": side.extra["notifications"]["contact_a"].pk}


def valid_portal_invitation_token(side: Side) -> dict[str, Any]:
    token = f"matrix-portal-{side.organisation.slug}-{next(_serial)}"
    contact = Contact.objects.create(
        organisation=side.organisation,
        client=side.client_a,
        full_name="Invited Person",
        email=f"{token}@client.test",
    )
    PortalInvitation.objects.create(
        contact=contact,
        token_hash=digest(token),
        invited_by=side.pm,
        expires_at=timezone.now() + timedelta(days=3),
    )
    return {"token": token}


def fresh_pm_token(side: Side) -> dict[str, Any]:
    token, _secret = api_token_create(actor=side.actor(side.pm), name=f"revoke me {next(_serial)}")
    return {"token_id": token.pk}


def fresh_contact_token(side: Side) -> dict[str, Any]:
    token, _secret = contact_api_token_create(
        actor=side.contact_actor(side.contact_a), name=f"revoke me {next(_serial)}"
    )
    return {"token_id": token.pk}


def fresh_project_member(side: Side) -> dict[str, Any]:
    user = _fresh_user(side)
    Membership.objects.create(organisation=side.organisation, user=user, role=Role.MEMBER)
    member = ProjectMember.objects.create(project=side.project_a, user=user)
    return {"project_id": side.project_a.pk, "member_id": member.pk}


def client_a(side: Side) -> dict[str, Any]:
    return {"client_id": side.client_a.pk}


def client_b(side: Side) -> dict[str, Any]:
    return {"client_id": side.client_b.pk}


def contact_a(side: Side) -> dict[str, Any]:
    return {"contact_id": side.contact_a.pk}


def contact_b(side: Side) -> dict[str, Any]:
    return {"contact_id": side.contact_b.pk}


def client_a_query(side: Side) -> dict[str, Any]:
    return {"client": side.client_a.pk}


def project_a(side: Side) -> dict[str, Any]:
    return {"project_id": side.project_a.pk}


def project_a_draft(side: Side) -> dict[str, Any]:
    return {"project_id": side.project_a_draft.pk}


def project_b(side: Side) -> dict[str, Any]:
    return {"project_id": side.project_b.pk}


def client_form(side: Side) -> dict[str, Any]:
    return {"name": f"Matrix client {next(_serial)}", "website": "", "language": "en", "notes": ""}


def contact_form(side: Side) -> dict[str, Any]:
    return {
        "full_name": f"Matrix person {next(_serial)}",
        "email": "",
        "phone": "",
        "job_title": "",
        "language": "en",
        "time_zone": "UTC",
    }


def import_upload_form(side: Side) -> dict[str, Any]:
    data = f"Client name,Contact name\nMatrix import {next(_serial)},Ada\n".encode()
    return {"file": SimpleUploadedFile("clients.csv", data)}


def pm_client_import(side: Side) -> dict[str, Any]:
    """A pending import uploaded by side.pm: it is only theirs (others get 404)."""
    headers = ["Client name", "Contact name"]
    client_import = ClientImport.objects.create(
        organisation=side.organisation,
        owner=side.pm,
        file_name="clients.csv",
        headers=headers,
        rows=[[2, [f"Matrix import {next(_serial)}", "Ada"]]],
        mapping=guess_mapping(headers),
    )
    return {"import_id": client_import.pk}


def import_mapping_form(side: Side) -> dict[str, Any]:
    return {"client_name": "0", "full_name": "1"}


def contact_a_form(side: Side) -> dict[str, Any]:
    # contact_a has a portal login, so its email address must stay the same.
    return {**contact_form(side), "email": side.contact_a.email}


def project_form(side: Side, project: Project | None = None) -> dict[str, Any]:
    return {
        "client": side.client_a.pk,
        "name": f"Matrix project {next(_serial)}",
        "code": project.code if project else f"MX-{next(_serial)}",
        "pm": side.pm.pk,
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "status": "active",
        "currency": "EUR",
        "description": "",
        "report_cadence": "weekly",
        "report_weekday": "4",
    }


# --- change requests (project_a) ---------------------------------------------------------


def _change_request(side: Side, state: str, *, by_contact: bool = False) -> ChangeRequest:
    """A change request on project_a, walked through the real workflow up to ``state``."""
    pm = side.actor(side.pm)
    raiser = side.contact_actor(side.contact_a) if by_contact else pm
    cr = cr_services.change_request_create(
        actor=raiser,
        project=side.project_a,
        title=f"Matrix change {next(_serial)}",
        description="Add an export",
        submit=True,
    )
    if state == "submitted":
        return cr
    cr = cr_services.change_request_evaluate(
        actor=pm,
        change_request=cr,
        schedule_days=3,
        recommendation="approve",
        costs={"labour": "1000.00"},
    )
    if state == "under_evaluation":
        return cr
    if state == "internal_approval":
        Organisation.objects.filter(pk=side.organisation.pk).update(
            change_approval_threshold=Decimal("10.00")
        )
        cr.project.organisation.refresh_from_db()
    cr = cr_services.change_request_send_for_approval(actor=pm, change_request=cr)
    if state in ("awaiting_approval", "internal_approval"):
        return cr
    cr_services.change_request_decide(
        actor=side.contact_actor(side.contact_a), change_request=cr, decision="approve"
    )
    return cr


def change_request_at(state: str, **options: Any) -> Callable[[Side], dict[str, Any]]:
    def build(side: Side) -> dict[str, Any]:
        cr = _change_request(side, state, **options)
        return {"project_id": side.project_a.pk, "number": cr.number}

    return build


def change_request_action(state: str, action: str) -> Callable[[Side], dict[str, Any]]:
    def build(side: Side) -> dict[str, Any]:
        return {**change_request_at(state)(side), "action": action}

    return build


# --- closure (fresh projects of client A, with the PM and the member on them) -------------


def _closable_project(side: Side) -> Project:
    """A published project of client A with nothing blocking its closure and a summary."""
    project = Project.objects.create(
        organisation=side.organisation,
        client=side.client_a,
        name=f"Closing {next(_serial)}",
        code=f"CL-{next(_serial)}",
        pm=side.pm,
        start_date=date(2026, 1, 1),
        end_date=date(2026, 6, 30),
        status=Project.Status.ACTIVE,
        published_at=timezone.now(),
    )
    ProjectMember.objects.create(project=project, user=side.member)
    closure_services.closure_update(
        actor=side.actor(side.pm),
        project=project,
        narrative="Delivered.",
        lessons="Agree the scope early.",
        budget_closed=True,
    )
    return project


def closable_project(side: Side) -> dict[str, Any]:
    return {"project_id": _closable_project(side).pk}


def fresh_closed_project(side: Side) -> dict[str, Any]:
    project = _closable_project(side)
    closure_services.closure_close(actor=side.actor(side.pm), project=project)
    return {"project_id": project.pk}


def closed_project(side: Side) -> dict[str, Any]:
    """Each request rolls back, so every read gets its own closed project too."""
    return fresh_closed_project(side)


def lesson_of_project_a(side: Side) -> dict[str, Any]:
    """A lesson of project_a written by its PM (built per request: deleting consumes it)."""
    lesson = lesson_services.lesson_create(
        actor=side.actor(side.pm),
        project_id=side.project_a.pk,
        title="Agree the scope early 尽早确认范围",
        what_happened="The scope moved twice.",
        recommendation="Sign the scope off before the first sprint.",
        category="expectations",
    )
    return {"lesson_id": lesson.pk}


def lesson_form(side: Side) -> dict[str, Any]:
    return {
        "title": "Demo every week 每周演示",
        "project": side.project_a.pk,
        "category": "communication",
        "language": "en",
        "what_happened": "The client saw the product late.",
        "recommendation": "Show working software every week.",
        "tags": "demo, 演示",
        "shared_with_client": "1",
    }


def due_checkin(side: Side) -> dict[str, Any]:
    """A check-in of a freshly closed project, due today."""
    project_id = fresh_closed_project(side)["project_id"]
    checkin = CheckIn.objects.filter(project_id=project_id).order_by("due_on").first()
    assert checkin is not None
    CheckIn.objects.filter(pk=checkin.pk).update(due_on=timezone.localdate())
    return {"project_id": project_id, "checkin_id": checkin.pk}


def blocked_project(side: Side) -> dict[str, Any]:
    """A fresh project ready to close but for an open change request, which refuses it."""
    project = _closable_project(side)
    cr_services.change_request_create(
        actor=side.actor(side.pm), project=project, title="One more report", description="x"
    )
    return {"project_id": project.pk}


# --- webhooks (owners and admins) ----------------------------------------------------------


def _webhook(side: Side, *, paused: bool = False) -> WebhookSubscription:
    admin = side.actor(side.admin)
    subscription = webhook_services.subscription_create(
        actor=admin,
        url=f"https://hooks.example.com/{side.organisation.slug}",
        events=["issue.shared"],
    )
    if paused:
        webhook_services.subscription_pause(actor=admin, subscription=subscription)
    return subscription


def webhook_of(side: Side) -> dict[str, Any]:
    return {"subscription_id": _webhook(side).pk}


def paused_webhook_of(side: Side) -> dict[str, Any]:
    return {"subscription_id": _webhook(side, paused=True).pk}


def webhook_delivery_of(side: Side) -> dict[str, Any]:
    """A delivery recorded but never sent (its job would run after a commit that never comes)."""
    subscription = _webhook(side)
    delivery = WebhookDelivery.objects.create(
        organisation=side.organisation,
        subscription=subscription,
        event="issue.shared",
        payload={"id": "x", "event": "issue.shared", "data": {"title": side.project_a.code}},
    )
    return {"delivery_id": delivery.pk}


def webhook_form(side: Side) -> dict[str, Any]:
    return {"url": "https://hooks.example.com/matrix", "events": ["issue.shared"]}


NOT_ADMINS = ("pm", "member", "outsider")
NOT_OWNERS = ("admin", "pm", "member", "outsider")


def export_of(side: Side) -> dict[str, Any]:
    """A finished export of the organisation, its archive on disk."""
    export = OrganisationExport.objects.create(
        organisation=side.organisation,
        requested_by=side.owner,
        status=OrganisationExport.Status.DONE,
        stored_name=f"{side.organisation.pk}/matrix-{next(_serial)}.zip",
    )
    path = portability_services.path_of(export)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip
    return {"export_id": export.pk}


# --- lessons learned ----------------------------------------------------------------------


def _lesson(side: Side, *, shared: bool = False) -> Lesson:
    from rapport.lessons import services as lesson_services

    return lesson_services.lesson_create(
        actor=side.actor(side.pm),
        project_id=side.project_a.pk,
        title="Agree the scope early 尽早确认范围",
        what_happened="The scope grew.",
        recommendation="Use change requests.",
        category="change",
        shared_with_client=shared,
    )


def lesson_of(side: Side) -> dict[str, Any]:
    return {"lesson_id": _lesson(side).pk}


def shared_lesson_of_project_a(side: Side) -> dict[str, Any]:
    _lesson(side, shared=True)
    return {"project_id": side.project_a.pk}


def with_shared_lesson(side: Side) -> dict[str, Any]:
    """A shared lesson of project A exists; the list's URL names nothing."""
    shared_lesson_of_project_a(side)
    return {}


def api_lesson_form(side: Side) -> dict[str, Any]:
    return {
        "project_id": side.project_a.pk,
        "title": "Demo every week",
        "what_happened": "The client saw the product late.",
        "recommendation": "Show it weekly.",
        "category": "communication",
        "tags": ["demo"],
    }


# --- status reports (project_a) -------------------------------------------------------------


def report_at(state: str) -> Callable[[Side], dict[str, Any]]:
    """A status report of project_a for a day of its own, drafted by its PM (and published)."""

    def build(side: Side) -> dict[str, Any]:
        pm = side.actor(side.pm)
        day = date(2026, 1, 1) + timedelta(days=next(_serial))
        report = report_services.report_draft(
            actor=pm, project=side.project_a, period_start=day, period_end=day
        )
        if state == "published":
            report = report_services.report_update(
                actor=pm, report=report, problems="Way forward: a second designer joins."
            )
            report = report_services.report_publish(actor=pm, report=report)
        return {"project_id": side.project_a.pk, "number": report.number}

    return build


# --- communication (project_a, client_a) ------------------------------------------------------


def _new_contact(side: Side) -> Contact:
    return Contact.objects.create(
        organisation=side.organisation,
        client=side.client_a,
        full_name=f"Stakeholder {next(_serial)}",
    )


def stakeholder_of(side: Side) -> dict[str, Any]:
    stakeholder = comm_services.stakeholder_add(
        actor=side.actor(side.pm),
        project=side.project_a,
        contact=_new_contact(side),
        role="sponsor",
    )
    return {"project_id": side.project_a.pk, "stakeholder_id": stakeholder.pk}


def stakeholder_form(side: Side) -> dict[str, Any]:
    return {
        "contact": _new_contact(side).pk,
        "role": "key_user",
        "influence": "high",
        "interest": "low",
    }


def plan_item_of(side: Side) -> dict[str, Any]:
    item = comm_services.plan_item_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        audience=[side.contact_a],
        owner_id=side.pm.pk,
        title=f"Weekly call {next(_serial)}",
        channel="video",
        cadence_days=7,
    )
    return {"project_id": side.project_a.pk, "item_id": item.pk}


def plan_item_form(side: Side) -> dict[str, Any]:
    return {
        "title": f"Steering report {next(_serial)}",
        "audience": [side.contact_a.pk],
        "channel": "email",
        "kind": "information",
        "cadence_days": "30",
        "owner": side.pm.pk,
        "starts_on": "2026-01-05",
        "fulfilled_by": "interaction",
        "active": "on",
    }


def touchpoint_form(side: Side) -> dict[str, Any]:
    return {
        "occurred_at": "2026-01-05T10:30",
        "channel": "phone",
        "direction": "outbound",
        "contacts": [side.contact_a.pk],
        "kind": "sensitive",
        "summary": f"Told the sponsor about the delay {next(_serial)}",
    }


def touchpoint_of(side: Side) -> dict[str, Any]:
    interaction = comm_services.interaction_log(
        actor=side.actor(side.pm),
        client=side.client_a,
        project=side.project_a,
        contacts=[side.contact_a],
        occurred_at=timezone.now() - timedelta(hours=1),
        channel="email",
        summary="Sent the minutes",
    )
    return {"interaction_id": interaction.pk}


def api_touchpoint(side: Side) -> dict[str, Any]:
    return {"touchpoint_id": touchpoint_of(side)["interaction_id"]}


def api_touchpoint_form(side: Side) -> dict[str, Any]:
    return {
        "occurred_at": "2026-01-05T10:30:00Z",
        "channel": "phone",
        "contact_ids": [side.contact_a.pk],
        "kind": "sensitive",
        "summary": f"Told the sponsor about the delay {next(_serial)}",
    }


def report_thread(side: Side) -> dict[str, Any]:
    """A question contact A asked on a fresh published report of project_a."""
    target = report_at("published")(side)
    report = side.project_a.status_reports.get(number=target["number"])
    thread = report_threads.report_thread_open(
        actor=side.contact_actor(side.contact_a), report=report, body="Why is it amber?"
    )
    return {**target, "thread_id": thread.pk}


def message_form(side: Side) -> dict[str, Any]:
    return {"body": f"Matrix message {next(_serial)}"}


# --- messages (project_a, client_a) ------------------------------------------------------------


def thread_of(side: Side) -> dict[str, Any]:
    """A thread of project_a the client opened, with the PM's answer."""
    thread = messaging_services.thread_open(
        actor=side.contact_actor(side.contact_a),
        project=side.project_a,
        subject=f"Question {next(_serial)}",
        body="Where is the test plan?",
    )
    messaging_services.message_post(actor=side.actor(side.pm), thread=thread, body="Attached.")
    return {"project_id": side.project_a.pk, "thread_id": thread.pk}


def attachment_of(side: Side) -> dict[str, Any]:
    """A PDF the PM attached in a thread of project_a."""
    thread = messaging_services.thread_open(
        actor=side.actor(side.pm),
        project=side.project_a,
        subject=f"Minutes {next(_serial)}",
        body="The minutes",
        attachments=[samples.pdf()],
    )
    attachment = MessageAttachment.objects.get(message__thread=thread)
    return {"project_id": side.project_a.pk, "thread_id": thread.pk, "attachment_id": attachment.pk}


def thread_form(side: Side) -> dict[str, Any]:
    return {"subject": f"Access for the new team {next(_serial)}", "body": "Two more logins?"}


def reply_form(side: Side) -> dict[str, Any]:
    return {"body": f"Thanks, that helps {next(_serial)}"}


# --- risks and issues (project_a) ----------------------------------------------------------


def _risk(side: Side, **values: Any) -> Risk:
    return risk_services.risk_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        title=f"Matrix risk {next(_serial)}",
        probability=3,
        impact=5,
        owner_id=side.member.pk,
        contingency="Call the partner agency",
        **values,
    )


def risk_of(side: Side) -> dict[str, Any]:
    return {"project_id": side.project_a.pk, "number": _risk(side).number}


def client_visible_risk_of(side: Side) -> dict[str, Any]:
    return {"project_id": side.project_a.pk, "number": _risk(side, client_visible=True).number}


def risk_form(side: Side) -> dict[str, Any]:
    return {
        "title": f"Matrix risk {next(_serial)}",
        "cause": "One supplier",
        "probability": "3",
        "impact": "4",
        "owner": side.member.pk,
        "mitigation": "Second supplier",
        "contingency": "",
        "trigger": "",
        "review_date": "2026-06-01",
        "status": "mitigating",
    }


def _issue(side: Side, *, shared: bool = False) -> Issue:
    issue = risk_services.issue_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        title=f"Matrix issue {next(_serial)}",
        owner_id=side.member.pk,
        affects_schedule=True,
        proposed_solution="Two more days of testing",
    )
    if shared:
        issue = risk_services.issue_share(actor=side.actor(side.pm), issue=issue)
    return issue


def issue_of(side: Side) -> dict[str, Any]:
    return {"project_id": side.project_a.pk, "number": _issue(side).number}


def shared_issue_of(side: Side) -> dict[str, Any]:
    return {"project_id": side.project_a.pk, "number": _issue(side, shared=True).number}


def issue_form(side: Side) -> dict[str, Any]:
    return {
        "title": f"Matrix issue {next(_serial)}",
        "description": "The API changed",
        "affects_budget": "on",
        "impact": "Two days",
        "proposed_solution": "Use the new API",
        "owner": side.pm.pk,
        "due_date": "2026-06-01",
        "status": "in_progress",
    }


def conflict_of(side: Side) -> dict[str, Any]:
    conflict = conflict_services.conflict_create(
        actor=side.actor(side.pm),
        client=side.client_a,
        title=f"Matrix conflict {next(_serial)}",
        root_causes=["expectations"],
        project_id=side.project_a.pk,
        contact_party_ids=[side.contact_a.pk],
    )
    return {"conflict_id": conflict.pk}


def conflict_form(side: Side) -> dict[str, Any]:
    return {
        "title": f"Matrix conflict {next(_serial)}",
        "project": side.project_a.pk,
        "root_causes": ["scope", "communication"],
        "strategy": "mediation",
        "escalation_level": "management",
        "team_parties": [side.member.pk],
        "contact_parties": [side.contact_a.pk],
        "description": "Who pays for the extra screens",
        "impact": "",
    }


def evidence_form(side: Side) -> dict[str, Any]:
    change = cr_services.change_request_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        title=f"Matrix evidence {next(_serial)}",
        description="x",
    )
    return {"change_request": change.pk, "note": "What was agreed"}


def api_risk_form(side: Side) -> dict[str, Any]:
    return {
        "title": f"Matrix API risk {next(_serial)}",
        "probability": 4,
        "impact": 3,
        "owner_id": side.member.pk,
        "mitigation": "Second supplier",
    }


def api_issue_form(side: Side) -> dict[str, Any]:
    return {
        "title": f"Matrix API issue {next(_serial)}",
        "affects_schedule": True,
        "proposed_solution": "Two more days",
        "due_date": "2026-06-01",
    }


def api_evidence_form(side: Side) -> dict[str, Any]:
    change = cr_services.change_request_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        title=f"Matrix API evidence {next(_serial)}",
        description="x",
    )
    return {"kind": "change_request", "project_id": side.project_a.pk, "number": change.number}


def api_conflict_form(side: Side) -> dict[str, Any]:
    return {
        "title": f"Matrix API conflict {next(_serial)}",
        "root_causes": ["resources"],
        "project_id": side.project_a.pk,
        "strategy": "negotiation",
        "team_party_ids": [side.member.pk],
        "contact_party_ids": [side.contact_a.pk],
    }


# --- baseline pages (project_a) -------------------------------------------------------------


# --- client meetings (project_a; contact A invited) -------------------------------------------


def _meeting(side: Side, state: str) -> Any:
    """A fresh meeting of project_a by its PM, with the team member and contact A invited:
    ``scheduled`` (tomorrow), ``started`` (an hour ago, no minutes yet), ``held`` (minutes
    recorded) or ``published`` (minutes published to the client)."""
    now = timezone.now().replace(microsecond=0)
    start = now + timedelta(days=1) if state == "scheduled" else now - timedelta(hours=1)
    meeting = meeting_services.meeting_schedule(
        actor=side.actor(side.pm),
        project=side.project_a,
        title=f"Matrix meeting {next(_serial)}",
        start=start,
        end=start + timedelta(hours=1),
        time_zone="UTC",
        attendee_ids=[side.pm.pk, side.member.pk],
        contact_ids=[side.contact_a.pk],
    )
    if state in ("held", "published"):
        minutes_services.minutes_record(
            actor=side.actor(side.pm),
            meeting=meeting,
            present_user_ids=[side.pm.pk],
            present_contact_ids=[side.contact_a.pk],
            summary="Agreed the plan.",
        )
    if state == "published":
        minutes_services.minutes_publish(actor=side.actor(side.pm), meeting=meeting)
    return meeting


def meeting_at(state: str) -> Callable[[Side], dict[str, Any]]:
    def build(side: Side) -> dict[str, Any]:
        return {"project_id": side.project_a.pk, "number": _meeting(side, state).number}

    return build


def agenda_item_of(side: Side) -> dict[str, Any]:
    meeting = _meeting(side, "scheduled")
    item = meeting_services.agenda_item_add(
        actor=side.actor(side.pm), meeting=meeting, title="Progress", time_box=15
    )
    return {"project_id": side.project_a.pk, "number": meeting.number, "item_id": item.pk}


def decision_of(side: Side) -> dict[str, Any]:
    meeting = _meeting(side, "held")
    decision = minutes_services.decision_record(
        actor=side.actor(side.pm), meeting=meeting, text="Go", decided_by_user_id=side.pm.pk
    )
    return {"project_id": side.project_a.pk, "number": meeting.number, "decision_id": decision.pk}


def _action_item(side: Side, owner: str) -> Any:
    owners = (
        {"owner_contact_id": side.contact_a.pk}
        if owner == "contact_a"
        else {"owner_user_id": getattr(side, owner).pk}
    )
    return minutes_services.action_item_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        what=f"Matrix action {next(_serial)}",
        due_date=timezone.localdate() + timedelta(days=3),
        **owners,
    )


def action_item_of(owner: str) -> Callable[[Side], dict[str, Any]]:
    def build(side: Side) -> dict[str, Any]:
        return {"action_item_id": _action_item(side, owner).pk}

    return build


def meeting_form(side: Side) -> dict[str, Any]:
    return {
        "title": f"Matrix status {next(_serial)}",
        "kind": "status",
        "day": (timezone.localdate() + timedelta(days=3)).isoformat(),
        "start": "10:00",
        "end": "11:00",
        "time_zone": "Europe/Berlin",
        "attendees": [side.pm.pk],
        "client_attendees": [side.contact_a.pk],
    }


def minutes_form(side: Side) -> dict[str, Any]:
    return {
        "present_users": [side.pm.pk],
        "present_contacts": [side.contact_a.pk],
        "summary": "Agreed the plan.",
        "internal_notes": "",
        "confirm_days": "5",
    }


def action_item_form(side: Side) -> dict[str, Any]:
    return {
        "what": "Send the revised plan",
        "owner": f"c:{side.contact_a.pk}",
        "due_date": (timezone.localdate() + timedelta(days=5)).isoformat(),
    }


def _submitted_version(side: Side) -> BaselineVersion:
    """project_a's working baseline, submitted to client A: a version awaiting sign-off. A test
    that builds its target again gets the same version, whatever became of it."""
    latest = side.project_a.baseline_versions.order_by("-number").first()
    return latest or bl_services.baseline_submit(actor=side.actor(side.pm), project=side.project_a)


def _signed_version(side: Side) -> BaselineVersion:
    signed = side.project_a.baseline_versions.filter(status="signed").first()
    return signed or bl_services.baseline_sign(
        actor=side.contact_actor(side.contact_a), version=_submitted_version(side)
    )


def page_version(state: str) -> Callable[[Side], dict[str, Any]]:
    def build(side: Side) -> dict[str, Any]:
        version = _signed_version(side) if state == "signed" else _submitted_version(side)
        return {"project_id": side.project_a.pk, "version_id": version.pk}

    return build


def page_signed_project_a(side: Side) -> dict[str, Any]:
    _signed_version(side)
    return project_a(side)


def page_two_versions(side: Side) -> dict[str, Any]:
    """Signed version 1 and version 2 (a milestone moved) awaiting sign-off, as ?a=&b=."""
    first = _signed_version(side)
    pm = side.actor(side.pm)
    bl_services.project_rebaseline(actor=pm, project=side.project_a, reason="Matrix re-baseline")
    bl_services.item_update(
        actor=pm,
        item=side.baseline["milestone"],
        baseline_date=side.project_a.start_date + timedelta(days=90),
    )
    second = bl_services.baseline_submit(actor=pm, project=side.project_a)
    return {"a": first.pk, "b": second.pk}


def page_item(kind: str) -> Callable[[Side], dict[str, Any]]:
    return lambda side: {
        "project_id": side.project_a.pk,
        "kind": kind,
        "item_id": side.baseline[kind].pk,
    }


def page_actual(kind: str) -> Callable[[Side], dict[str, Any]]:
    return lambda side: {
        "project_id": side.project_a.pk,
        "kind": kind,
        "entry_id": side.baseline[kind].pk,
    }


def page_deliverable(side: Side) -> dict[str, Any]:
    return {"project_id": side.project_a.pk, "deliverable_id": side.baseline["deliverable"].pk}


def page_submitted_deliverable(side: Side) -> dict[str, Any]:
    deliverable = Deliverable.objects.get(pk=side.baseline["deliverable"].pk)
    if deliverable.status == Deliverable.Status.OPEN:
        bl_services.deliverable_submit(actor=side.actor(side.pm), deliverable=deliverable)
    return page_deliverable(side)


def page_team_member(side: Side) -> dict[str, Any]:
    member = ProjectMember.objects.get(project=side.project_a, user=side.member)
    return {"project_id": side.project_a.pk, "member_id": member.pk}


def milestone_form(side: Side) -> dict[str, Any]:
    """project_a's visible milestone as agreed, with a new forecast date (tracking only)."""
    milestone = side.baseline["milestone"]
    return {
        "name": milestone.name,
        "baseline_date": milestone.baseline_date.isoformat(),
        "client_visible": "on",
        "weight": "1",
        "forecast_date": "2026-03-20",
        "done_date": "",
    }


def objective_form(side: Side) -> dict[str, Any]:
    return {
        "statement": f"Matrix objective number {next(_serial)} for the client",
        "metric": "tickets closed",
        "target_value": "10",
        "unit": "per day",
        "due_date": "2026-06-01",
        "relevance": "The client asked for it",
        "achievability": "",
        "owner": "",
        "current_value": "",
    }


def _survey_token(side: Side) -> str:
    token = f"matrix-survey-{side.organisation.slug}-{next(_serial)}"
    contact = Contact.objects.create(
        organisation=side.organisation,
        client=side.client_a,
        full_name="Surveyed Person",
        email=f"{token}@client.test",
    )
    survey = Survey.objects.create(
        organisation=side.organisation,
        project=side.project_a,
        template=feedback_services.template_default(organisation=side.organisation),
        title="How are we doing?",
        sent_by=side.pm,
        expires_at=timezone.now() + timedelta(days=3),
    )
    SurveyInvitation.objects.create(survey=survey, contact=contact, token_hash=digest(token))
    return token


def survey_token(side: Side) -> dict[str, Any]:
    return {"token": _survey_token(side)}


def survey_for_contact_a(side: Side) -> dict[str, Any]:
    """A fresh survey of project_a sent to contact_a (each request answers its own)."""
    survey = Survey.objects.create(
        organisation=side.organisation,
        project=side.project_a,
        template=feedback_services.template_default(organisation=side.organisation),
        title="How are we doing?",
        sent_by=side.pm,
        expires_at=timezone.now() + timedelta(days=3),
    )
    SurveyInvitation.objects.create(
        survey=survey, contact=side.contact_a, token_hash=digest(f"matrix-{next(_serial)}")
    )
    return {"project_id": side.project_a.pk, "survey_id": survey.pk}


def survey_answers(side: Side) -> dict[str, Any]:
    template = feedback_services.template_default(organisation=side.organisation)
    return {
        f"q{q.pk}": {"rating": "2", "nps": "5", "text": "进度太慢"}[q.kind]
        for q in template.questions.all()
    }


def _low_feedback(side: Side) -> Any:
    return feedback_services.feedback_record(
        actor=side.actor(side.pm),
        project=side.project_a,
        source="call",
        received_on=timezone.localdate(),
        quality=1,
        comment="Not good",
    )


def follow_up_of(side: Side) -> dict[str, Any]:
    follow_up = _low_feedback(side).follow_up
    return {"project_id": side.project_a.pk, "follow_up_id": follow_up.pk}


def improvement_of(side: Side) -> dict[str, Any]:
    action = feedback_followups.improvement_save(
        actor=side.actor(side.pm),
        project=side.project_a,
        title=f"Improve {next(_serial)}",
        owner_id=side.member.pk,
    )
    return {"project_id": side.project_a.pk, "action_id": action.pk}


def improvement_api_of(side: Side) -> dict[str, Any]:
    kwargs = improvement_of(side)
    return {"project_id": kwargs["project_id"], "improvement_id": kwargs["action_id"]}


def improvement_form(side: Side) -> dict[str, Any]:
    return {"title": "Weekly demo", "owner": side.member.pk, "status": "open"}


def pm_rating_form(side: Side) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "period_start": (today - timedelta(days=30)).isoformat(),
        "period_end": today.isoformat(),
        "progress": "4",
    }


def survey_form(side: Side) -> dict[str, Any]:
    return {
        "title": "Quarterly check",
        "contacts": [side.contact_a.pk],
        "expires_in_days": "14",
        "remind_after_days": "5",
    }


def feedback_settings_form(side: Side) -> dict[str, Any]:
    return {"low_rating": "2", "low_nps": "6", "follow_up_days": "3", "remind_after_days": "5"}


def default_template(side: Side) -> dict[str, Any]:
    return {"template_id": feedback_services.template_default(organisation=side.organisation).pk}


def unused_template(side: Side) -> dict[str, Any]:
    """A fresh template no survey uses (each delete request deletes its own)."""
    template = feedback_templates.template_save(
        actor=side.actor(side.owner),
        name=f"Matrix template {next(_serial)}",
        questions=[template_question_form()],
    )
    return {"template_id": template.pk}


def template_question_form() -> dict[str, Any]:
    return {"kind": "rating", "dimension": "quality", "text_en": "Quality?", "text_zh": "质量？"}


def template_form(side: Side) -> dict[str, Any]:
    return {
        "name": f"Matrix template {next(_serial)}",
        "questions-TOTAL_FORMS": "1",
        "questions-INITIAL_FORMS": "0",
        **{f"questions-0-{name}": value for name, value in template_question_form().items()},
    }


def api_template_form(side: Side) -> dict[str, Any]:
    return {"name": f"API template {next(_serial)}", "questions": [template_question_form()]}


def schedule_form(side: Side) -> dict[str, Any]:
    return {
        "trigger": "monthly",
        "day_of_month": "1",
        "template": feedback_services.template_default(organisation=side.organisation).pk,
        "contacts": [side.contact_a.pk],
    }


def schedule_of(side: Side) -> dict[str, Any]:
    schedule = feedback_schedule.schedule_save(
        actor=side.actor(side.pm),
        project=side.project_a,
        trigger="closure",
        template_id=feedback_services.template_default(organisation=side.organisation).pk,
        all_portal_contacts=True,
    )
    return {"project_id": side.project_a.pk, "schedule_id": schedule.pk}


def feedback_form(side: Side) -> dict[str, Any]:
    return {
        "source": "call",
        "received_on": timezone.localdate().isoformat(),
        "progress": "4",
        "comment": "Happy with the demo",
    }


def with_setup_guide(side: Side) -> dict[str, Any]:
    """The owning organisation was signed up with the guided setup (the other was not)."""
    SetupGuide.objects.get_or_create(organisation=side.organisation)
    return {}


def feedback_of(side: Side) -> dict[str, Any]:
    return {"project_id": side.project_a.pk, "feedback_id": _low_feedback(side).pk}


def api_feedback_form(side: Side) -> dict[str, Any]:
    return {
        "source": "interview",
        "received_on": timezone.localdate().isoformat(),
        "contact_id": side.contact_a.pk,
        "progress": 4,
        "nps": 9,
        "comment": "Happy with the demo",
    }


def audit_event_of(side: Side) -> dict[str, Any]:
    event = AuditEvent.objects.filter(organisation=side.organisation).latest("created_at", "id")
    return {"event_id": event.pk}


def audit_filters(side: Side) -> dict[str, Any]:
    return {
        "object_type": "project",
        "object_id": str(side.project_a.pk),
        "actor_user_id": side.pm.pk,
        "since": "2020-01-01T00:00:00Z",
    }


PAGES: dict[str, list[Case]] = {
    # --- public ---------------------------------------------------------------------------
    "home": [Case(public=True, scoped=False, anon=302, ok=each(302, SAME_ORG))],
    "healthz": [public(200)],
    "set_language": [public(302, method="POST", data=lambda side: {"language": "en", "next": "/"})],
    "accounts:login": [public(200, signed_in=302)],
    "accounts:logout": [public(302, method="POST")],
    "accounts:signup": [public(200)],
    # The user guide: documentation, the same for everyone.
    "help:start": [public(302)],
    "help:index": [public(200, kwargs=lambda side: {"language": "zh"})],
    "help:page": [public(200, kwargs=lambda side: {"language": "en", "slug": "04-changes"})],
    "help:picture": [public(200, kwargs=lambda side: {"language": "en", "name": "home"})],
    # Asking for a reset link answers the same whether or not the address has an account.
    "accounts:password_reset": [
        public(200),
        public(302, label="post", method="POST", data=lambda side: {"email": "no@one.test"}),
    ],
    "accounts:password_reset_done": [public(200)],
    # The sign-in's code step without a password step first: back to the sign-in page.
    "accounts:login_code": [
        public(302),
        public(302, label="post", method="POST", data=lambda side: {"code": "123456"}),
    ],
    "accounts:password_reset_complete": [public(200)],
    # A forged reset link shows "this link no longer works" to everyone.
    "accounts:password_reset_confirm": [
        public(200, kwargs=lambda side: {"uidb64": "MQ", "token": "forged-token"})
    ],
    # An invitation link is a bearer secret: whoever holds a valid one sees the invitation;
    # an unknown, used or expired one is 410 for everyone.
    "accounts:invitation": [
        public(410, label="bogus", kwargs=lambda side: {"token": "bogus-token"}),
        public(200, label="valid", kwargs=valid_invitation_token),
    ],
    "portal:invitation": [
        public(410, label="bogus", kwargs=lambda side: {"token": "bogus-token"}),
        public(200, label="valid", kwargs=valid_portal_invitation_token),
    ],
    # A survey link is a bearer secret for one contact and one survey: unknown is 404 for all.
    # Whoever holds it answers (from any session, even another organisation's), so its POST
    # is tested in tests/feedback/test_surveys.py rather than as a foreign write here.
    "feedback_public:answer": [
        public(404, label="bogus", kwargs=lambda side: {"token": "bogus-token"}),
        public(200, label="valid", kwargs=survey_token),
        public(404, label="bogus-post", method="POST", kwargs=lambda side: {"token": "bogus"}),
    ],
    # An unsubscribe link is a bearer secret for one person and one kind (RFC 8058: the mail
    # provider POSTs it without a session); a forged one is a clear 400 for everyone. Whoever
    # holds a valid one uses it, even from another organisation's session, so its POST is
    # tested in tests/notify/test_notification_centre.py rather than as a foreign write here.
    "unsubscribe:confirm": [
        public(400, label="bogus", kwargs=lambda side: {"token": "bogus-token"}),
        public(400, label="bogus-post", method="POST", kwargs=lambda side: {"token": "bogus"}),
        public(200, label="valid", kwargs=unsubscribe_token),
    ],
    "api:openapi-json": [public(200)],
    "api:openapi-view": [public(200)],
    "api:api-root": [public(404)],
    # Any other path under /api/v1/ is a problem+json 404, whoever asks.
    "api:unknown": [public(404, kwargs=lambda side: {"rest": "nowhere"})],
    # --- any signed-in person ---------------------------------------------------------------
    "accounts:no_access": [Case(scoped=False, ok=each(200, SAME_ORG))],
    "accounts:preferences": [Case(scoped=False, ok=each(200, SAME_ORG))],
    "accounts:password_change": [Case(scoped=False, ok=each(200, SAME_ORG))],
    # Two-factor sign-in is a member's own setting; a wrong code changes nothing.
    "accounts:two_factor": [
        Case(scoped=False, ok=each(200, MEMBERS)),
        Case(
            label="post",
            method="POST",
            scoped=False,
            data=lambda side: {"code": "000000"},
            ok=each(200, MEMBERS),
        ),
    ],
    "accounts:two_factor_disable": [
        Case(
            method="POST", scoped=False, data=lambda side: {"code": "000000"}, ok=each(302, MEMBERS)
        )
    ],
    # --- members: personal --------------------------------------------------------------------
    "accounts:api_tokens": [
        Case(scoped=False, ok=each(200, MEMBERS)),
        Case(
            label="post",
            method="POST",
            data=lambda side: {"name": f"Matrix token {next(_serial)}", "scope": "read"},
            scoped=False,
            ok=each(200, MEMBERS),
        ),
    ],
    # A token is personal: only its owner (the pm here) can even see it.
    "accounts:api_token_revoke": [Case(method="POST", kwargs=fresh_pm_token, ok={"pm": 302})],
    "app:home": [Case(scoped=False, ok=each(200, MEMBERS))],
    # The guided setup of a new organisation: its managers hide it or delete the sample; the
    # other organisation has no guide, so nothing is there for it.
    "onboarding:hide": [
        Case(
            method="POST", scoped=False, kwargs=with_setup_guide, ok=each(302, MANAGERS), foreign={}
        )
    ],
    "onboarding:delete_sample": [
        Case(
            method="POST", scoped=False, kwargs=with_setup_guide, ok=each(302, MANAGERS), foreign={}
        )
    ],
    # Notifications are personal: a member's own, in the organisation they work in.
    "notifications:list": [Case(scoped=False, ok=each(200, MEMBERS))],
    "notifications:read_all": [Case(method="POST", scoped=False, ok=each(302, MEMBERS))],
    "notifications:open": [Case(kwargs=pm_notification, ok={"pm": 302})],
    "notifications:read": [Case(method="POST", kwargs=pm_notification, ok={"pm": 302})],
    "notifications:preferences": [
        Case(scoped=False, ok=each(200, MEMBERS)),
        Case(
            method="POST",
            scoped=False,
            data=lambda side: {"message_posted": "digest"},
            ok=each(302, MEMBERS),
        ),
    ],
    # ... and a contact's own, in the portal.
    "portal_notifications:list": [Case(scoped=False, ok=each(200, CONTACTS))],
    "portal_notifications:read_all": [Case(method="POST", scoped=False, ok=each(302, CONTACTS))],
    "portal_notifications:open": [Case(kwargs=contact_a_notification, ok={"contact_a": 302})],
    "portal_notifications:read": [
        Case(method="POST", kwargs=contact_a_notification, ok={"contact_a": 302})
    ],
    "portal_notifications:preferences": [
        Case(scoped=False, ok=each(200, CONTACTS)),
        Case(
            method="POST",
            scoped=False,
            data=lambda side: {"report_answer": "none"},
            ok=each(302, CONTACTS),
        ),
    ],
    # --- team -----------------------------------------------------------------------------
    "team:organisation": [
        Case(scoped=False, ok=each(200, ADMINS)),
        Case(
            label="post",
            method="POST",
            scoped=False,
            data=lambda side: {
                "name": side.organisation.name,
                "default_currency": "EUR",
                "time_zone": "UTC",
                "change_approval_threshold": "5000",
                "report_acknowledgement_days": "7",
                "schedule_red_percent": "15",
                "cpi_red_below": "0.85",
                "cpi_amber_below": "1",
                "burn_ahead_points": "5",
                "scope_amber_percent": "10",
                "scope_red_percent": "25",
            },
            ok=each(302, ADMINS),
        ),
    ],
    "team:organisation_report_settings_reset": [
        Case(method="POST", scoped=False, ok=each(302, ADMINS))
    ],
    # Only an owner who has two-factor sign-in may require it; the others are told so.
    "team:organisation_two_factor": [
        Case(
            method="POST", scoped=False, data=lambda side: {"required": "on"}, ok=each(302, ADMINS)
        )
    ],
    "team:list": [
        Case(scoped=False, ok=each(200, MEMBERS)),
        # team() raises 404 itself for a POST by a non-admin.
        Case(
            label="invite",
            method="POST",
            data=lambda side: {"email": f"new{next(_serial)}@invitee.test", "role": "member"},
            scoped=False,
            ok=each(302, ADMINS),
        ),
    ],
    # Every member sees the team list (and so the membership): a non-admin is refused with 403.
    "team:role": [
        Case(
            method="POST",
            kwargs=fresh_membership,
            data=lambda side: {"role": "pm"},
            ok=each(302, ADMINS),
            denied=each(403, ("pm", "member", "outsider")),
        )
    ],
    "team:remove": [
        Case(
            method="POST",
            kwargs=fresh_membership,
            ok=each(302, ADMINS),
            denied=each(403, ("pm", "member", "outsider")),
        )
    ],
    # Invitations are visible to admins only: anyone else gets 404.
    "team:invitation_revoke": [Case(method="POST", kwargs=fresh_invitation, ok=each(302, ADMINS))],
    "team:switch": [
        Case(
            method="POST",
            kwargs=lambda side: {"organisation_id": side.organisation.pk},
            ok=each(302, MEMBERS),
        )
    ],
    # --- clients and contacts ---------------------------------------------------------------
    "clients:list": [Case(scoped=False, ok=each(200, MEMBERS))],
    "clients:create": [
        # Only managers get the form; a team member is refused before seeing it.
        Case(scoped=False, ok=each(200, MANAGERS), denied=each(403, ("member", "outsider"))),
        Case(
            label="post",
            method="POST",
            data=client_form,
            scoped=False,
            ok=each(302, MANAGERS),
            denied=each(403, ("member", "outsider")),
        ),
    ],
    "clients:import": [
        Case(scoped=False, ok=each(200, MANAGERS), denied=each(403, ("member", "outsider"))),
        Case(
            label="post",
            method="POST",
            data=import_upload_form,
            scoped=False,
            ok=each(302, MANAGERS),
            denied=each(403, ("member", "outsider")),
        ),
    ],
    "clients:import_template": [
        Case(scoped=False, ok=each(200, MANAGERS), denied=each(403, ("member", "outsider")))
    ],
    # A pending import is its uploader's alone: everyone else, admins included, gets 404.
    "clients:import_review": [
        Case(kwargs=pm_client_import, ok={"pm": 200}),
        Case(
            label="post",
            method="POST",
            kwargs=pm_client_import,
            data=import_mapping_form,
            ok={"pm": 302},
        ),
    ],
    "clients:import_run": [
        Case(
            method="POST",
            kwargs=pm_client_import,
            data=lambda side: {"valid_rows_only": "on"},
            ok={"pm": 302},
        )
    ],
    "clients:detail": [
        Case(label="client_a", kwargs=client_a, ok=each(200, ON_PROJECT_A)),
        Case(label="client_b", kwargs=client_b, ok=each(200, MANAGERS)),
    ],
    "clients:edit": [
        # A team member who sees the client may neither open nor save the form (403).
        Case(kwargs=client_a, ok=each(200, MANAGERS), denied={"member": 403}),
        Case(
            label="post",
            method="POST",
            kwargs=client_a,
            data=client_form,
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "clients:contact_create": [
        Case(kwargs=client_a, ok=each(200, MANAGERS), denied={"member": 403}),
        Case(
            label="post",
            method="POST",
            kwargs=client_a,
            data=contact_form,
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "clients:contact_detail": [
        Case(label="contact_a", kwargs=contact_a, ok=each(200, ON_PROJECT_A)),
        Case(label="contact_b", kwargs=contact_b, ok=each(200, MANAGERS)),
    ],
    "clients:contact_edit": [
        Case(kwargs=contact_a, ok=each(200, MANAGERS), denied={"member": 403}),
        Case(
            label="post",
            method="POST",
            kwargs=contact_a,
            data=contact_a_form,
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "clients:contact_invite": [
        Case(method="POST", kwargs=contact_a, ok=each(302, MANAGERS), denied={"member": 403})
    ],
    "clients:contact_revoke": [
        Case(method="POST", kwargs=contact_a, ok=each(302, MANAGERS), denied={"member": 403})
    ],
    # --- projects ---------------------------------------------------------------------------
    "projects:list": [Case(scoped=False, ok=each(200, MEMBERS))],
    "projects:create": [
        Case(scoped=False, ok=each(200, MANAGERS), denied=each(403, ("member", "outsider"))),
        # Team members are refused first (403). The client id in the form is resolved through
        # the actor's scope: another organisation's manager gets the form back with "Select a
        # valid choice" (200), and nothing is created.
        Case(
            label="post",
            method="POST",
            data=project_form,
            ok=each(302, MANAGERS),
            denied=each(403, ("member", "outsider")),
            foreign={**each(200, MANAGERS), **each(403, ("member", "outsider"))},
        ),
    ],
    "projects:detail": [
        Case(label="project_a", kwargs=project_a, ok=each(200, ON_PROJECT_A)),
        Case(label="project_a_draft", kwargs=project_a_draft, ok=each(200, MANAGERS)),
        Case(label="project_b", kwargs=project_b, ok=each(200, MANAGERS)),
    ],
    # A team member sees project_a but may not edit it: project_edit answers 403.
    "projects:edit": [
        Case(kwargs=project_a, ok=each(200, MANAGERS), denied={"member": 403}),
        Case(
            label="post",
            method="POST",
            kwargs=project_a,
            data=lambda side: project_form(side, side.project_a),
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "projects:publish": [
        Case(
            method="POST",
            kwargs=project_a,
            data=lambda side: {"published": "0"},
            ok=each(302, MANAGERS),
            denied={"member": 403},
        )
    ],
    "projects:member_add": [
        Case(
            method="POST",
            kwargs=project_a,
            data=lambda side: {"user": side.outsider.pk},
            ok=each(302, MANAGERS),
            denied={"member": 403},
        )
    ],
    "projects:member_remove": [
        Case(
            method="POST",
            kwargs=fresh_project_member,
            ok=each(302, MANAGERS),
            denied={"member": 403},
        )
    ],
    # --- change requests ------------------------------------------------------------------
    "changes:list": [Case(kwargs=project_a, ok=each(200, ON_PROJECT_A))],
    "changes:create": [
        Case(kwargs=project_a, ok=each(200, MANAGERS), denied={"member": 403}),
        Case(
            label="post",
            method="POST",
            kwargs=project_a,
            data=lambda side: {
                "title": "Matrix change",
                "description": "More reports",
                "priority": "medium",
                "submit_now": "on",
            },
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "changes:detail": [Case(kwargs=change_request_at("submitted"), ok=each(200, ON_PROJECT_A))],
    # The PM may delegate the evaluation to the project's team.
    "changes:evaluate": [
        Case(kwargs=change_request_at("submitted"), ok=each(200, ON_PROJECT_A)),
        Case(
            label="post",
            method="POST",
            kwargs=change_request_at("submitted"),
            data=lambda side: {"schedule_days": "4", "recommendation": "approve"},
            ok=each(302, ON_PROJECT_A),
        ),
    ],
    "changes:action": [
        Case(
            label="withdraw",
            method="POST",
            kwargs=change_request_action("submitted", "withdraw"),
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
        Case(
            label="send",
            method="POST",
            kwargs=change_request_action("under_evaluation", "send"),
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
        Case(
            label="internal_approve",
            method="POST",
            kwargs=change_request_action("internal_approval", "internal_approve"),
            ok=each(302, ADMINS),
            denied={"pm": 403, "member": 403},
        ),
        Case(
            label="implement",
            method="POST",
            kwargs=change_request_action("approved", "implement"),
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
        Case(
            label="unknown",
            method="POST",
            kwargs=change_request_action("submitted", "explode"),
            ok={},
        ),
    ],
    "portal_changes:list": [Case(kwargs=project_a, ok={"contact_a": 200})],
    "portal_changes:create": [
        Case(kwargs=project_a, ok={"contact_a": 200}),
        Case(
            label="post",
            method="POST",
            kwargs=project_a,
            data=lambda side: {
                "title": "Client change",
                "description": "A new report",
                "priority": "high",
            },
            ok={"contact_a": 302},
        ),
    ],
    "portal_changes:detail": [Case(kwargs=change_request_at("submitted"), ok={"contact_a": 200})],
    "portal_changes:decide": [
        Case(
            method="POST",
            kwargs=change_request_at("awaiting_approval"),
            data=lambda side: {"decision": "approve"},
            ok={"contact_a": 302},
        )
    ],
    "portal_changes:withdraw": [
        Case(
            method="POST",
            kwargs=change_request_at("submitted", by_contact=True),
            ok={"contact_a": 302},
        )
    ],
    # --- closure ---------------------------------------------------------------------------
    "closure:detail": [
        Case(kwargs=project_a, ok=each(200, ON_PROJECT_A)),
        Case(label="closed", kwargs=closed_project, ok=each(200, ON_PROJECT_A)),
    ],
    "closure:save": [
        Case(
            method="POST",
            kwargs=project_a,
            data=lambda side: {"narrative": "Summary", "lessons": "Lesson", "budget_closed": ""},
            ok=each(302, MANAGERS),
            denied={"member": 403},
        )
    ],
    "closure:close": [
        Case(
            method="POST",
            kwargs=closable_project,
            data=lambda side: {"override_reason": ""},
            ok=each(302, MANAGERS),
            denied={"member": 403},
        )
    ],
    "closure:pdf": [Case(kwargs=closed_project, ok=each(200, ON_PROJECT_A))],
    "closure:checkin_record": [
        Case(
            method="POST",
            kwargs=due_checkin,
            data=lambda side: {"channel": "phone", "summary": "How is it going?"},
            ok=each(302, MANAGERS),
            denied={"member": 403},
        )
    ],
    "client_health_settings:weights": [
        Case(scoped=False, ok=each(200, ADMINS), denied=each(403, ("pm", "member", "outsider"))),
        Case(
            label="post",
            method="POST",
            scoped=False,
            data=lambda side: {
                "satisfaction": "30",
                "nps": "10",
                "responsiveness": "15",
                "conflicts_issues": "15",
                "changes": "10",
                "project_health": "20",
            },
            ok=each(302, ADMINS),
            denied=each(403, ("pm", "member", "outsider")),
        ),
    ],
    "closure_settings:checkins": [
        Case(scoped=False, ok=each(200, ADMINS), denied=each(403, ("pm", "member", "outsider"))),
        Case(
            label="post",
            method="POST",
            scoped=False,
            data=lambda side: {"months": "1, 2, 12"},
            ok=each(302, ADMINS),
            denied=each(403, ("pm", "member", "outsider")),
        ),
    ],
    "lessons:library": [
        Case(scoped=False, ok=each(200, MEMBERS)),
        Case(
            label="search",
            scoped=False,
            query=lambda side: {"q": "需求 scope"},
            ok=each(200, MEMBERS),
        ),
    ],
    # Global search: members only. The words match both organisations' clients and project
    # codes ("Client A one", "two-A"): the leak check reads that only the asker's show.
    "search:results": [
        Case(scoped=False, ok=each(200, MEMBERS)),
        Case(
            label="search",
            scoped=False,
            query=lambda side: {"q": "client a"},
            ok=each(200, MEMBERS),
        ),
        Case(
            label="kind",
            scoped=False,
            query=lambda side: {"q": "-A", "kind": "projects"},
            ok=each(200, MEMBERS),
        ),
    ],
    # Everyone on a project may write its lessons; a member on no project has nothing to
    # write about. Another organisation's roles get the form back: project_a is not theirs.
    "lessons:create": [
        Case(scoped=False, ok=each(200, ON_PROJECT_A), denied={"outsider": 403}),
        Case(
            label="post",
            method="POST",
            data=lesson_form,
            ok=each(302, ON_PROJECT_A),
            denied={"outsider": 403},
            foreign={**each(400, ON_PROJECT_A), "outsider": 403},
        ),
        Case(
            label="organisation-wide",
            method="POST",
            scoped=False,
            data=lambda side: {**lesson_form(side), "project": "", "shared_with_client": ""},
            ok=each(302, MANAGERS),
            denied=each(403, ("member", "outsider")),
        ),
    ],
    "lessons:detail": [Case(kwargs=lesson_of_project_a, ok=each(200, MEMBERS))],
    "lessons:edit": [
        Case(kwargs=lesson_of_project_a, ok=each(200, ON_PROJECT_A), denied={"outsider": 403}),
        Case(
            label="post",
            method="POST",
            kwargs=lesson_of_project_a,
            data=lesson_form,
            ok=each(302, ON_PROJECT_A),
            denied={"outsider": 403},
        ),
    ],
    "lessons:delete": [
        Case(
            method="POST",
            kwargs=lesson_of_project_a,
            ok=each(302, ON_PROJECT_A),
            denied={"outsider": 403},
        )
    ],
    "portal_closure:detail": [Case(kwargs=closed_project, ok={"contact_a": 200})],
    "portal_closure:accept": [
        Case(
            method="POST",
            kwargs=fresh_closed_project,
            data=lambda side: {"comment": "Thank you"},
            ok={"contact_a": 302},
        )
    ],
    "portal_closure:pdf": [Case(kwargs=closed_project, ok={"contact_a": 200})],
    # --- lessons shared with the client: the contact's own client's projects only ----------
    "portal_lessons:list": [
        Case(scoped=False, ok=each(200, CONTACTS)),
        Case(
            label="shared",
            kwargs=with_shared_lesson,
            scoped=False,
            ok=each(200, CONTACTS),
        ),
    ],
    "portal_lessons:project": [
        Case(label="project_a", kwargs=shared_lesson_of_project_a, ok={"contact_a": 200}),
        Case(label="project_a_draft", kwargs=project_a_draft),
        Case(label="project_b", kwargs=project_b, ok={"contact_b": 200}),
    ],
    # --- communication: internal only; the register and the plan are the managers' ------
    "communication:overview": [Case(kwargs=project_a, ok=each(200, ON_PROJECT_A))],
    "communication:stakeholder_add": [
        Case(kwargs=project_a, ok=each(200, MANAGERS), denied={"member": 403}),
        Case(
            label="post",
            method="POST",
            kwargs=project_a,
            data=stakeholder_form,
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "communication:stakeholder_edit": [
        Case(kwargs=stakeholder_of, ok=each(200, MANAGERS), denied={"member": 403}),
        Case(
            label="post",
            method="POST",
            kwargs=stakeholder_of,
            data=lambda side: {"role": "sponsor", "influence": "high", "interest": "high"},
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "communication:stakeholder_remove": [
        Case(method="POST", kwargs=stakeholder_of, ok=each(302, MANAGERS), denied={"member": 403})
    ],
    "communication:plan_add": [
        Case(kwargs=project_a, ok=each(200, MANAGERS), denied={"member": 403}),
        Case(
            label="post",
            method="POST",
            kwargs=project_a,
            data=plan_item_form,
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "communication:plan_edit": [
        Case(kwargs=plan_item_of, ok=each(200, MANAGERS), denied={"member": 403}),
        Case(
            label="post",
            method="POST",
            kwargs=plan_item_of,
            data=plan_item_form,
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "communication:plan_delete": [
        Case(method="POST", kwargs=plan_item_of, ok=each(302, MANAGERS), denied={"member": 403})
    ],
    "communication:log": [
        Case(kwargs=project_a, ok=each(200, ON_PROJECT_A)),
        Case(
            label="post",
            method="POST",
            kwargs=project_a,
            data=touchpoint_form,
            ok=each(302, ON_PROJECT_A),
        ),
    ],
    "communication:client_log": [
        Case(kwargs=client_a, ok=each(200, ON_PROJECT_A)),
        Case(
            label="post",
            method="POST",
            kwargs=client_a,
            data=lambda side: {**touchpoint_form(side), "project_choice": side.project_a.pk},
            ok=each(302, ON_PROJECT_A),
        ),
    ],
    "communication:interaction_delete": [
        Case(method="POST", kwargs=touchpoint_of, ok=each(302, MANAGERS), denied={"member": 403})
    ],
    "communication:advice": [
        Case(
            scoped=False,
            query=lambda side: {"kind": "sensitive", "channel": "email"},
            ok=each(200, MEMBERS),
        )
    ],
    # --- messages: the project's team in the app, its client's contacts in the portal -------
    "messages_app:list": [Case(kwargs=project_a, ok=each(200, ON_PROJECT_A))],
    "messages_app:open": [
        Case(kwargs=project_a, ok=each(200, ON_PROJECT_A)),
        Case(
            label="post",
            method="POST",
            kwargs=project_a,
            data=thread_form,
            ok=each(302, ON_PROJECT_A),
        ),
    ],
    "messages_app:thread": [
        Case(kwargs=thread_of, ok=each(200, ON_PROJECT_A)),
        Case(
            label="post",
            method="POST",
            kwargs=thread_of,
            data=reply_form,
            ok=each(302, ON_PROJECT_A),
        ),
    ],
    "messages_app:attachment": [Case(kwargs=attachment_of, ok=each(200, ON_PROJECT_A))],
    "portal_messages:list": [
        Case(label="project_a", kwargs=project_a, ok={"contact_a": 200}),
        Case(label="project_a_draft", kwargs=project_a_draft),
        Case(label="project_b", kwargs=project_b, ok={"contact_b": 200}),
    ],
    "portal_messages:open": [
        Case(kwargs=project_a, ok={"contact_a": 200}),
        Case(
            label="post", method="POST", kwargs=project_a, data=thread_form, ok={"contact_a": 302}
        ),
    ],
    "portal_messages:thread": [
        Case(kwargs=thread_of, ok={"contact_a": 200}),
        Case(label="post", method="POST", kwargs=thread_of, data=reply_form, ok={"contact_a": 302}),
    ],
    "portal_messages:attachment": [Case(kwargs=attachment_of, ok={"contact_a": 200})],
    # --- status reports: drafts never reach the portal ------------------------------------
    "reports:list": [Case(kwargs=project_a, ok=each(200, ON_PROJECT_A))],
    "reports:create": [
        Case(kwargs=project_a, ok=each(200, MANAGERS), denied={"member": 403}),
        Case(
            label="post",
            method="POST",
            kwargs=project_a,
            data=lambda side: {"period_start": "2020-03-01", "period_end": "2020-03-31"},
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "reports:detail": [
        Case(label="draft", kwargs=report_at("draft"), ok=each(200, ON_PROJECT_A)),
        Case(label="published", kwargs=report_at("published"), ok=each(200, ON_PROJECT_A)),
    ],
    "reports:pdf": [
        Case(label="draft", kwargs=report_at("draft"), ok=each(200, ON_PROJECT_A)),
        Case(label="published", kwargs=report_at("published"), ok=each(200, ON_PROJECT_A)),
    ],
    "reports:edit": [
        Case(kwargs=report_at("draft"), ok=each(200, MANAGERS), denied={"member": 403}),
        Case(
            label="post",
            method="POST",
            kwargs=report_at("draft"),
            data=lambda side: {"summary": "On track", "stated_health": ""},
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "reports:refresh": [
        Case(
            method="POST",
            kwargs=report_at("draft"),
            ok=each(302, MANAGERS),
            denied={"member": 403},
        )
    ],
    "reports:publish": [
        Case(
            method="POST",
            kwargs=report_at("draft"),
            ok=each(302, MANAGERS),
            denied={"member": 403},
        )
    ],
    "reports:acknowledgements": [Case(kwargs=report_at("published"), ok=each(200, ON_PROJECT_A))],
    "portal_reports:list": [Case(kwargs=project_a, ok={"contact_a": 200})],
    "portal_reports:detail": [
        Case(label="published", kwargs=report_at("published"), ok={"contact_a": 200}),
        Case(label="draft", kwargs=report_at("draft"), ok={}),
    ],
    "portal_reports:pdf": [
        Case(label="published", kwargs=report_at("published"), ok={"contact_a": 200}),
        Case(label="draft", kwargs=report_at("draft"), ok={}),
    ],
    "portal_reports:acknowledge": [
        Case(
            label="published",
            method="POST",
            kwargs=report_at("published"),
            ok={"contact_a": 302},
        ),
        Case(label="draft", method="POST", kwargs=report_at("draft"), ok={}),
    ],
    # --- the client's questions on a published report: its contacts ask, managers answer ----
    "reports:thread_answer": [
        Case(kwargs=report_thread, ok=each(200, MANAGERS), denied={"member": 403}),
        Case(
            label="post",
            method="POST",
            kwargs=report_thread,
            data=message_form,
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "portal_reports:thread_open": [
        Case(kwargs=report_at("published"), ok={"contact_a": 200}),
        Case(label="draft", kwargs=report_at("draft"), ok={}),
        Case(
            label="post",
            method="POST",
            kwargs=report_at("published"),
            data=message_form,
            ok={"contact_a": 302},
        ),
        Case(label="post draft", method="POST", kwargs=report_at("draft"), ok={}),
    ],
    "portal_reports:thread_follow_up": [
        Case(kwargs=report_thread, ok={"contact_a": 200}),
        Case(
            label="post",
            method="POST",
            kwargs=report_thread,
            data=message_form,
            ok={"contact_a": 302},
        ),
    ],
    # --- client meetings: the team reads, the managers schedule and write the minutes; a
    # contact sees the meetings they are invited to and the action items they own ----------
    "meetings:list": [Case(kwargs=project_a, ok=each(200, ON_PROJECT_A))],
    "meetings:create": [
        Case(kwargs=project_a, ok=each(200, MANAGERS), denied={"member": 403}),
        Case(
            label="post",
            method="POST",
            kwargs=project_a,
            data=meeting_form,
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "meetings:detail": [
        Case(label="scheduled", kwargs=meeting_at("scheduled"), ok=each(200, ON_PROJECT_A)),
        Case(label="published", kwargs=meeting_at("published"), ok=each(200, ON_PROJECT_A)),
    ],
    "meetings:edit": [
        Case(kwargs=meeting_at("scheduled"), ok=each(200, MANAGERS), denied={"member": 403}),
        Case(
            label="post",
            method="POST",
            kwargs=meeting_at("scheduled"),
            data=meeting_form,
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "meetings:cancel": [
        Case(
            method="POST",
            kwargs=meeting_at("scheduled"),
            data=lambda side: {"reason": "Holiday"},
            ok=each(302, MANAGERS),
            denied={"member": 403},
        )
    ],
    "meetings:send_update": [
        Case(
            method="POST",
            kwargs=meeting_at("scheduled"),
            ok=each(302, MANAGERS),
            denied={"member": 403},
        )
    ],
    "meetings:agenda_add": [
        Case(kwargs=meeting_at("scheduled"), ok=each(200, MANAGERS), denied={"member": 403}),
        Case(
            label="post",
            method="POST",
            kwargs=meeting_at("scheduled"),
            data=lambda side: {"title": "Risks", "time_box": "15", "owner": f"u:{side.pm.pk}"},
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "meetings:agenda_carry": [
        Case(
            method="POST",
            kwargs=meeting_at("scheduled"),
            data=lambda side: {
                "source": "milestone",
                "object_id": str(side.baseline["milestone"].pk),
            },
            ok=each(302, MANAGERS),
            denied={"member": 403},
        )
    ],
    "meetings:agenda_edit": [
        Case(kwargs=agenda_item_of, ok=each(200, MANAGERS), denied={"member": 403}),
        Case(
            label="post",
            method="POST",
            kwargs=agenda_item_of,
            data=lambda side: {"title": "Progress and risks", "time_box": "20", "order": "1"},
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "meetings:agenda_delete": [
        Case(method="POST", kwargs=agenda_item_of, ok=each(302, MANAGERS), denied={"member": 403})
    ],
    "meetings:minutes": [
        Case(kwargs=meeting_at("held"), ok=each(200, MANAGERS), denied={"member": 403}),
        Case(
            label="post",
            method="POST",
            kwargs=meeting_at("started"),
            data=minutes_form,
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "meetings:minutes_publish": [
        Case(
            method="POST", kwargs=meeting_at("held"), ok=each(302, MANAGERS), denied={"member": 403}
        )
    ],
    "meetings:minutes_pdf": [
        Case(label="held", kwargs=meeting_at("held"), ok=each(200, ON_PROJECT_A)),
        Case(label="no minutes", kwargs=meeting_at("scheduled"), ok={}),
    ],
    "meetings:decision_add": [
        Case(kwargs=meeting_at("held"), ok=each(200, MANAGERS), denied={"member": 403}),
        Case(
            label="post",
            method="POST",
            kwargs=meeting_at("held"),
            data=lambda side: {"text": "Go live on Monday", "decided_by": f"c:{side.contact_a.pk}"},
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "meetings:decision_delete": [
        Case(method="POST", kwargs=decision_of, ok=each(302, MANAGERS), denied={"member": 403})
    ],
    "meetings:action_item_add": [
        Case(kwargs=meeting_at("held"), ok=each(200, MANAGERS), denied={"member": 403}),
        Case(
            label="post",
            method="POST",
            kwargs=meeting_at("held"),
            data=action_item_form,
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "meetings:action_items": [Case(kwargs=project_a, ok=each(200, ON_PROJECT_A))],
    "meetings:my_action_items": [Case(scoped=False, ok=each(200, MEMBERS))],
    # its owner (the team member) or the project's managers close it
    "meetings:action_item_close": [
        Case(label="member's", kwargs=action_item_of("member"), ok=each(200, ON_PROJECT_A)),
        Case(
            label="pm's",
            kwargs=action_item_of("pm"),
            ok=each(200, MANAGERS),
            denied={"member": 403},
        ),
        Case(
            label="post",
            method="POST",
            kwargs=action_item_of("member"),
            data=lambda side: {"note": "Done on Monday"},
            ok=each(302, ON_PROJECT_A),
        ),
    ],
    "portal_meetings:list": [Case(kwargs=project_a, ok={"contact_a": 200})],
    "portal_meetings:detail": [
        Case(label="scheduled", kwargs=meeting_at("scheduled"), ok={"contact_a": 200}),
        Case(label="published", kwargs=meeting_at("published"), ok={"contact_a": 200}),
    ],
    "portal_meetings:respond": [
        Case(
            method="POST",
            kwargs=meeting_at("published"),
            data=lambda side: {"answer": "confirm"},
            ok={"contact_a": 302},
        )
    ],
    "portal_meetings:minutes_pdf": [
        Case(label="published", kwargs=meeting_at("published"), ok={"contact_a": 200}),
        Case(label="unpublished", kwargs=meeting_at("held"), ok={}),
    ],
    "portal_meetings:action_items": [Case(scoped=False, ok=each(200, CONTACTS))],
    "portal_meetings:action_item_close": [
        Case(kwargs=action_item_of("contact_a"), ok={"contact_a": 200}),
        Case(
            label="post",
            method="POST",
            kwargs=action_item_of("contact_a"),
            data=lambda side: {"note": "Sent the accounts"},
            ok={"contact_a": 302},
        ),
    ],
    # --- risks and issues: the team keeps them; the PM decides what the client sees -------
    "risks:register": [Case(kwargs=project_a, ok=each(200, ON_PROJECT_A))],
    "risks:risk_create": [
        Case(kwargs=project_a, ok=each(200, ON_PROJECT_A)),
        Case(
            label="post",
            method="POST",
            kwargs=project_a,
            data=risk_form,
            ok=each(302, ON_PROJECT_A),
        ),
    ],
    "risks:risk_detail": [Case(kwargs=risk_of, ok=each(200, ON_PROJECT_A))],
    "risks:risk_edit": [
        Case(kwargs=risk_of, ok=each(200, ON_PROJECT_A)),
        Case(
            label="post",
            method="POST",
            kwargs=risk_of,
            data=risk_form,
            ok=each(302, ON_PROJECT_A),
        ),
    ],
    "risks:risk_occurred": [
        Case(
            method="POST",
            kwargs=risk_of,
            data=lambda side: {"description": "It happened"},
            ok=each(302, ON_PROJECT_A),
        )
    ],
    "risks:issue_log": [Case(kwargs=project_a, ok=each(200, ON_PROJECT_A))],
    "risks:issue_create": [
        Case(kwargs=project_a, ok=each(200, ON_PROJECT_A)),
        Case(
            label="post",
            method="POST",
            kwargs=project_a,
            data=issue_form,
            ok=each(302, ON_PROJECT_A),
        ),
    ],
    "risks:issue_detail": [Case(kwargs=issue_of, ok=each(200, ON_PROJECT_A))],
    "risks:issue_edit": [
        Case(kwargs=issue_of, ok=each(200, ON_PROJECT_A)),
        Case(
            label="post",
            method="POST",
            kwargs=issue_of,
            data=issue_form,
            ok=each(302, ON_PROJECT_A),
        ),
    ],
    "risks:issue_share": [
        Case(method="POST", kwargs=issue_of, ok=each(302, MANAGERS), denied={"member": 403})
    ],
    "risks:issue_resolve": [
        Case(
            method="POST",
            kwargs=issue_of,
            data=lambda side: {"resolution": "Fixed"},
            ok=each(302, ON_PROJECT_A),
        )
    ],
    "risks:issue_evidence": [
        Case(method="POST", kwargs=issue_of, data=evidence_form, ok=each(302, ON_PROJECT_A))
    ],
    # --- conflicts: internal; the managers of the client's projects keep them --------------
    "risks:conflicts": [
        Case(scoped=False, ok=each(200, MANAGERS), denied=each(403, ("member", "outsider"))),
        # The client is resolved first: the outsider does not see client A at all.
        Case(
            label="client_a", query=client_a_query, ok=each(200, MANAGERS), denied={"member": 403}
        ),
    ],
    "risks:conflict_create": [
        Case(kwargs=client_a, ok=each(200, MANAGERS), denied={"member": 403}),
        Case(
            label="post",
            method="POST",
            kwargs=client_a,
            data=conflict_form,
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "risks:conflict_detail": [Case(kwargs=conflict_of, ok=each(200, MANAGERS))],
    "risks:conflict_edit": [
        Case(kwargs=conflict_of, ok=each(200, MANAGERS)),
        Case(
            label="post",
            method="POST",
            kwargs=conflict_of,
            data=conflict_form,
            ok=each(302, MANAGERS),
        ),
    ],
    "risks:conflict_step": [
        Case(
            method="POST",
            kwargs=conflict_of,
            data=lambda side: {"occurred_on": "2026-04-01", "description": "Called the sponsor"},
            ok=each(302, MANAGERS),
        )
    ],
    "risks:conflict_close": [
        Case(
            method="POST",
            kwargs=conflict_of,
            data=lambda side: {
                "resolution": "Agreed a credit note",
                "resolved_on": "2026-04-02",
                "client_agreed": "yes",
            },
            ok=each(302, MANAGERS),
        )
    ],
    "risks:conflict_evidence": [
        Case(method="POST", kwargs=conflict_of, data=evidence_form, ok=each(302, MANAGERS))
    ],
    # The portal shows client-visible risks and shared issues of the contact's own client.
    "portal_risks:list": [
        Case(label="project_a", kwargs=project_a, ok={"contact_a": 200}),
        Case(label="project_b", kwargs=project_b, ok={"contact_b": 200}),
        Case(label="project_a_draft", kwargs=project_a_draft),
    ],
    # --- client feedback: the team reads and records; the project's managers send surveys ---
    "feedback:list": [Case(kwargs=project_a, ok=each(200, ON_PROJECT_A))],
    "feedback:create": [
        Case(kwargs=project_a, ok=each(200, ON_PROJECT_A)),
        Case(
            label="post",
            method="POST",
            kwargs=project_a,
            data=feedback_form,
            ok=each(302, ON_PROJECT_A),
        ),
    ],
    "feedback:survey_send": [
        Case(kwargs=project_a, ok=each(200, MANAGERS), denied={"member": 403}),
        Case(
            label="post",
            method="POST",
            kwargs=project_a,
            data=survey_form,
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "feedback:schedules": [
        Case(kwargs=project_a, ok=each(200, MANAGERS), denied={"member": 403}),
        Case(
            label="post",
            method="POST",
            kwargs=project_a,
            data=schedule_form,
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "feedback:schedule_delete": [
        Case(method="POST", kwargs=schedule_of, ok=each(302, MANAGERS), denied={"member": 403})
    ],
    # The organisation's feedback settings are its admins'; its templates its managers'.
    "feedback_settings:edit": [
        Case(scoped=False, ok=each(200, ADMINS), denied=each(403, ("pm", "member", "outsider"))),
        Case(
            label="post",
            method="POST",
            scoped=False,
            data=feedback_settings_form,
            ok=each(302, ADMINS),
            denied=each(403, ("pm", "member", "outsider")),
        ),
    ],
    "feedback_settings:templates": [
        Case(scoped=False, ok=each(200, MANAGERS), denied=each(403, ("member", "outsider")))
    ],
    "feedback_settings:template_create": [
        Case(scoped=False, ok=each(200, MANAGERS), denied=each(403, ("member", "outsider"))),
        Case(
            label="post",
            method="POST",
            scoped=False,
            data=template_form,
            ok=each(302, MANAGERS),
            denied=each(403, ("member", "outsider")),
        ),
    ],
    "feedback_settings:template_edit": [
        Case(
            kwargs=default_template,
            ok=each(200, MANAGERS),
            denied=each(403, ("member", "outsider")),
        ),
        Case(
            label="post",
            method="POST",
            kwargs=unused_template,
            data=template_form,
            ok=each(302, MANAGERS),
            denied=each(403, ("member", "outsider")),
        ),
    ],
    "feedback_settings:template_duplicate": [
        Case(
            method="POST",
            kwargs=default_template,
            ok=each(302, MANAGERS),
            denied=each(403, ("member", "outsider")),
        )
    ],
    "feedback_settings:template_delete": [
        Case(
            method="POST",
            kwargs=unused_template,
            ok=each(302, MANAGERS),
            denied=each(403, ("member", "outsider")),
        )
    ],
    "feedback:follow_up_handle": [
        Case(
            method="POST",
            kwargs=follow_up_of,
            data=lambda side: {"handling": "Called them"},
            ok=each(302, MANAGERS),
            denied={"member": 403},
        )
    ],
    "feedback:improvements": [Case(kwargs=project_a, ok=each(200, ON_PROJECT_A))],
    "feedback:analysis": [Case(kwargs=project_a, ok=each(200, ON_PROJECT_A))],
    "feedback:client_analysis": [Case(kwargs=client_a, ok=each(200, ON_PROJECT_A))],
    "feedback:org_analysis": [
        Case(scoped=False, ok=each(200, MANAGERS), denied=each(403, ("member", "outsider")))
    ],
    # --- portfolio: the managers, each over the projects they may see ---------------------
    **{
        name: [
            Case(scoped=False, ok=each(200, MANAGERS), denied=each(403, ("member", "outsider"))),
            # another organisation's client id is an ignored filter (said on the page), never a
            # way in: the other organisation's managers see their own portfolio
            Case(
                scoped=False,
                label="client_a",
                query=client_a_query,
                ok=each(200, MANAGERS),
                denied=each(403, ("member", "outsider")),
            ),
        ]
        for name in ("portfolio:portfolio", "portfolio:export_csv", "portfolio:export_xlsx")
    },
    "feedback:improvement_create": [
        Case(kwargs=project_a, ok=each(200, ON_PROJECT_A)),
        Case(
            label="post",
            method="POST",
            kwargs=project_a,
            data=improvement_form,
            ok=each(302, ON_PROJECT_A),
        ),
    ],
    "feedback:improvement_edit": [
        Case(kwargs=improvement_of, ok=each(200, ON_PROJECT_A)),
        Case(
            label="post",
            method="POST",
            kwargs=improvement_of,
            data=improvement_form,
            ok=each(302, ON_PROJECT_A),
        ),
    ],
    "feedback:gap": [
        Case(kwargs=project_a, ok=each(200, ON_PROJECT_A)),
        Case(
            label="post",
            method="POST",
            kwargs=project_a,
            data=pm_rating_form,
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "portal_feedback:we_did": [
        Case(label="project_a", kwargs=project_a, ok={"contact_a": 200}),
        Case(label="project_b", kwargs=project_b, ok={"contact_b": 200}),
        Case(label="project_a_draft", kwargs=project_a_draft),
    ],
    # A portal contact answers the surveys sent to them, and only those.
    "portal_feedback:answer": [
        Case(kwargs=survey_for_contact_a, ok={"contact_a": 200}),
        Case(
            label="post",
            method="POST",
            kwargs=survey_for_contact_a,
            data=survey_answers,
            ok={"contact_a": 302},
        ),
    ],
    # --- audit trail and outbox: owners and admins only ---------------------------------------
    "audit:list": [Case(scoped=False, ok=each(200, ADMINS))],
    "outbox:list": [Case(scoped=False, ok=each(200, ADMINS))],
    "outbox:detail": [
        Case(kwargs=lambda side: {"email_id": side.extra["email"].pk}, ok=each(200, ADMINS))
    ],
    # --- webhooks: owners and admins; others see no subscription (404) -------------------------
    "webhooks:list": [Case(scoped=False, ok=each(200, ADMINS), denied=each(403, NOT_ADMINS))],
    # --- export of the organisation: owners only ----------------------------------------------
    "portability:exports": [
        Case(scoped=False, ok=each(200, ("owner",)), denied=each(403, NOT_OWNERS)),
        Case(
            label="post",
            method="POST",
            scoped=False,
            ok=each(302, ("owner",)),
            denied=each(403, NOT_OWNERS),
        ),
    ],
    "portability:download": [Case(kwargs=export_of, ok=each(200, ("owner",)))],
    "webhooks:create": [
        Case(scoped=False, ok=each(200, ADMINS), denied=each(403, NOT_ADMINS)),
        Case(
            label="post",
            method="POST",
            scoped=False,
            data=webhook_form,
            ok=each(200, ADMINS),  # the page showing the secret once
            denied=each(403, NOT_ADMINS),
        ),
    ],
    "webhooks:detail": [Case(kwargs=webhook_of, ok=each(200, ADMINS))],
    "webhooks:edit": [
        Case(kwargs=webhook_of, ok=each(200, ADMINS)),
        Case(
            label="post", method="POST", kwargs=webhook_of, data=webhook_form, ok=each(302, ADMINS)
        ),
    ],
    "webhooks:delete": [Case(method="POST", kwargs=webhook_of, ok=each(302, ADMINS))],
    "webhooks:pause": [Case(method="POST", kwargs=webhook_of, ok=each(302, ADMINS))],
    "webhooks:resume": [Case(method="POST", kwargs=paused_webhook_of, ok=each(302, ADMINS))],
    "webhooks:rotate": [Case(method="POST", kwargs=webhook_of, ok=each(200, ADMINS))],
    "webhooks:delivery": [Case(kwargs=webhook_delivery_of, ok=each(200, ADMINS))],
    "webhooks:replay": [Case(method="POST", kwargs=webhook_delivery_of, ok=each(302, ADMINS))],
    # --- client portal: contacts only, their own client's published projects ------------------
    "portal:home": [Case(scoped=False, ok=each(200, CONTACTS))],
    "portal:project": [
        Case(label="project_a", kwargs=project_a, ok={"contact_a": 200}),
        Case(label="project_a_draft", kwargs=project_a_draft),
        Case(label="project_b", kwargs=project_b, ok={"contact_b": 200}),
    ],
    # The client's approver decides; the version (or deliverable) is built fresh each time.
    "portal:baseline_sign": [
        Case(
            method="POST",
            kwargs=page_version("submitted"),
            data=lambda side: {"comment": "Agreed"},
            ok={"contact_a": 302},
        )
    ],
    "portal:baseline_return": [
        Case(
            method="POST",
            kwargs=page_version("submitted"),
            data=lambda side: {"comment": "Move the design milestone"},
            ok={"contact_a": 302},
        )
    ],
    "portal:deliverable_decide": [
        Case(
            method="POST",
            kwargs=page_submitted_deliverable,
            data=lambda side: {"decision": "reject", "comment": "Two journeys are missing"},
            ok={"contact_a": 302},
        )
    ],
    "portal:version": [
        Case(label="submitted", kwargs=page_version("submitted"), ok={"contact_a": 200}),
        Case(label="signed", kwargs=page_version("signed"), ok={"contact_a": 200}),
    ],
    "portal:compare": [Case(kwargs=project_a, query=page_two_versions, ok={"contact_a": 200})],
    # A contact's own tokens for the client portal API.
    "portal:api_tokens": [
        Case(scoped=False, ok=each(200, CONTACTS)),
        Case(
            label="post",
            method="POST",
            data=lambda side: {"name": f"Matrix portal token {next(_serial)}", "scope": "read"},
            scoped=False,
            ok=each(200, CONTACTS),
        ),
    ],
    "portal:api_token_revoke": [
        Case(method="POST", kwargs=fresh_contact_token, ok={"contact_a": 302})
    ],
    # --- baseline in the app: everyone on project_a reads it and tracks progress; the PM (and
    # admins) change what is agreed; money only for financial readers. A team member who sees
    # the project but may not do the thing gets 403. ------------------------------------------
    "projects:baseline": [
        Case(label="project_a", kwargs=project_a, ok=each(200, ON_PROJECT_A)),
        Case(label="project_b", kwargs=project_b, ok=each(200, MANAGERS)),
    ],
    "projects:item_create": [
        Case(
            kwargs=lambda side: {"project_id": side.project_a.pk, "kind": "objective"},
            ok=each(200, MANAGERS),
            denied={"member": 403},
        ),
        Case(
            label="budget_line",
            kwargs=lambda side: {"project_id": side.project_a.pk, "kind": "budget_line"},
            ok=each(200, MANAGERS),
            denied={"member": 403},
        ),
        Case(
            label="unknown_kind",
            kwargs=lambda side: {"project_id": side.project_a.pk, "kind": "cost_entry"},
            ok={},
            denied={},
        ),
        Case(
            label="post",
            method="POST",
            kwargs=lambda side: {"project_id": side.project_a.pk, "kind": "objective"},
            data=objective_form,
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "projects:item_edit": [
        Case(kwargs=page_item("milestone"), ok=each(200, ON_PROJECT_A)),
        # Forecast dates are tracking: the whole team may set them.
        Case(
            label="post",
            method="POST",
            kwargs=page_item("milestone"),
            data=milestone_form,
            ok=each(302, ON_PROJECT_A),
        ),
        Case(
            label="budget_line",
            kwargs=page_item("budget_line"),
            ok=each(200, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "projects:item_delete": [
        Case(
            method="POST",
            kwargs=page_item("objective"),
            ok=each(302, MANAGERS),
            denied={"member": 403},
        )
    ],
    "projects:smart_check": [
        Case(method="POST", kwargs=project_a, data=objective_form, ok=each(200, ON_PROJECT_A))
    ],
    "projects:baseline_submit": [
        Case(
            method="POST",
            kwargs=project_a,
            data=lambda side: {"reason": ""},
            ok=each(302, MANAGERS),
            denied={"member": 403},
        )
    ],
    "projects:baseline_withdraw": [
        Case(
            method="POST",
            kwargs=page_version("submitted"),
            ok=each(302, MANAGERS),
            denied={"member": 403},
        )
    ],
    "projects:rebaseline": [
        Case(
            method="POST",
            kwargs=page_signed_project_a,
            data=lambda side: {"reason": "The client asked for a second market"},
            ok=each(302, MANAGERS),
            denied={"member": 403},
        )
    ],
    "projects:deliverable_submit": [
        Case(method="POST", kwargs=page_deliverable, ok=each(302, MANAGERS), denied={"member": 403})
    ],
    "projects:version": [Case(kwargs=page_version("submitted"), ok=each(200, ON_PROJECT_A))],
    "projects:compare": [
        Case(kwargs=project_a, query=page_two_versions, ok=each(200, ON_PROJECT_A)),
        Case(label="choose", kwargs=project_a, ok=each(200, ON_PROJECT_A)),
    ],
    # --- actuals: financial readers (managers here); the team member is refused -------------
    "projects:actuals": [Case(kwargs=project_a, ok=each(200, MANAGERS), denied={"member": 403})],
    "projects:actual_create": [
        Case(
            label="cost_entry",
            method="POST",
            kwargs=lambda side: {"project_id": side.project_a.pk, "kind": "cost_entry"},
            data=lambda side: {
                "cost-category": "travel",
                "cost-date": "2026-02-01",
                "cost-amount": "10.20",
                "cost-description": "Train",
            },
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
        Case(
            label="time_entry",
            method="POST",
            kwargs=lambda side: {"project_id": side.project_a.pk, "kind": "time_entry"},
            data=lambda side: {
                "time-person": side.member.pk,
                "time-date": "2026-02-01",
                "time-hours": "2.5",
                "time-rate": "80.00",
                "time-description": "",
            },
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "projects:actual_delete": [
        Case(
            label="cost_entry",
            method="POST",
            kwargs=page_actual("cost_entry"),
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
        Case(
            label="time_entry",
            method="POST",
            kwargs=page_actual("time_entry"),
            ok=each(302, MANAGERS),
            denied={"member": 403},
        ),
    ],
    "projects:member_financials": [
        Case(
            method="POST",
            kwargs=page_team_member,
            data=lambda side: {"allowed": "1"},
            ok=each(302, MANAGERS),
            denied={"member": 403},
        )
    ],
}

# A list's CSV and Excel exports are allowed exactly like the list page (its GET cases).
EXPORTED_LISTS = {
    "clients:export": "clients:list",
    "clients:contact_export": "clients:detail",
    "projects:export": "projects:list",
    "team:export": "team:list",
    "changes:export": "changes:list",
    "portal_changes:export": "portal_changes:list",
    "reports:export": "reports:list",
    "portal_reports:export": "portal_reports:list",
    "risks:register_export": "risks:register",
    "risks:issue_log_export": "risks:issue_log",
    "risks:conflicts_export": "risks:conflicts",
    "meetings:export": "meetings:list",
    "meetings:action_items_export": "meetings:action_items",
    "meetings:my_action_items_export": "meetings:my_action_items",
    "portal_meetings:action_items_export": "portal_meetings:action_items",
    "communication:stakeholders_export": "communication:overview",
    "communication:plan_export": "communication:overview",
    "communication:log_export": "communication:log",
    "communication:client_log_export": "communication:client_log",
    "messages_app:export": "messages_app:list",
    "portal_messages:export": "portal_messages:list",
    "feedback:export": "feedback:list",
    "audit:export": "audit:list",
    "webhooks:export": "webhooks:list",
    "webhooks:deliveries_export": "webhooks:detail",
    "projects:costs_export": "projects:actuals",
    "projects:hours_export": "projects:actuals",
    "lessons:export": "lessons:library",
    "portal_lessons:export": "portal_lessons:list",
    "portal_lessons:project_export": "portal_lessons:project",
    "portal_meetings:export": "portal_meetings:list",
    "portal_risks:risks_export": "portal_risks:list",
    "portal_risks:issues_export": "portal_risks:list",
    "outbox:export": "outbox:list",
    "notifications:export": "notifications:list",
    "portal_notifications:export": "portal_notifications:list",
}
for _export, _list in EXPORTED_LISTS.items():
    PAGES.update(exports(_export, [case for case in PAGES[_list] if case.method == "GET"]))


# --- baseline API: the objects its operations act on ---------------------------------------

_BASELINE_PARAMS = {
    "objective": "objective_id",
    "milestone": "milestone_id",
    "deliverable": "deliverable_id",
    "budget_line": "line_id",
    "quality_standard": "standard_id",
    "cost_entry": "entry_id",
    "time_entry": "entry_id",
}


def baseline_item(kind: str) -> Callable[[Side], dict[str, Any]]:
    """project_a and one of its baseline items (or actuals), as path parameters."""
    return lambda side: {
        "project_id": side.project_a.pk,
        _BASELINE_PARAMS[kind]: side.baseline[kind].pk,
    }


def fresh_milestone(side: Side) -> dict[str, Any]:
    """A milestone without deliverables (one with deliverables cannot be deleted)."""
    from rapport.projects.models import Milestone

    milestone = Milestone.objects.create(
        project=side.project_a,
        name=f"Matrix milestone {next(_serial)}",
        baseline_date=side.project_a.start_date,
    )
    return {"project_id": side.project_a.pk, "milestone_id": milestone.pk}


def _baseline_version(side: Side, status: str) -> Any:
    """A version of project_a's working baseline, in the given state."""
    from rapport.projects import baseline
    from rapport.projects.models import BaselineVersion

    project = side.project_a
    snapshot = baseline.build_snapshot(project)
    shown = baseline.client_projection(snapshot)
    return BaselineVersion.objects.create(
        project=project,
        number=max(project.baseline_versions.values_list("number", flat=True), default=0) + 1,
        status=status,
        snapshot=snapshot,
        client_snapshot=shown,
        client_snapshot_sha256=baseline.fingerprint(shown),
        submitted_by=side.pm,
    )


def baseline_version(status: str) -> Callable[[Side], dict[str, Any]]:
    return lambda side: {
        "project_id": side.project_a.pk,
        "version_id": _baseline_version(side, status).pk,
    }


def two_baseline_versions(side: Side) -> dict[str, Any]:
    return {
        "a": _baseline_version(side, "superseded").pk,
        "b": _baseline_version(side, "signed").pk,
    }


def signed_project_a(side: Side) -> dict[str, Any]:
    _baseline_version(side, "signed")
    return project_a(side)


def _drafting(
    data: Callable[[Side], dict[str, Any]] | None, status: int = 201, **kwargs: Any
) -> list[Case]:
    """A write of the baseline's agreed part: the project's managers; a team member on the
    project sees it but may not (403)."""
    return [api_case(data=data, ok=each(status, MANAGERS), denied={"member": 403}, **kwargs)]


def _reading(**kwargs: Any) -> list[Case]:
    """A read of the baseline: everyone on project_a."""
    return [api_case(ok=each(200, ON_PROJECT_A), **kwargs)]


def _financial(status: int = 200, **kwargs: Any) -> list[Case]:
    """Budgets and actuals: the project's managers; a team member without the financial grant
    is refused (403)."""
    return [api_case(ok=each(status, MANAGERS), denied={"member": 403}, **kwargs)]


OPERATIONS: dict[tuple[str, str], list[Case]] = {
    # --- messages: the team through the member API, the client through the portal API -----
    ("GET", "/api/v1/projects/{project_id}/threads"): [
        api_case(kwargs=project_a, ok=each(200, ON_PROJECT_A))
    ],
    ("POST", "/api/v1/projects/{project_id}/threads"): [
        api_case(kwargs=project_a, data=thread_form, ok=each(201, ON_PROJECT_A))
    ],
    ("GET", "/api/v1/projects/{project_id}/threads/{thread_id}"): [
        api_case(kwargs=thread_of, ok=each(200, ON_PROJECT_A))
    ],
    ("POST", "/api/v1/projects/{project_id}/threads/{thread_id}/messages"): [
        api_case(kwargs=thread_of, data=reply_form, ok=each(201, ON_PROJECT_A))
    ],
    # --- client feedback in the portal API: the contact's own surveys, answered once ---------
    ("GET", "/api/v1/portal/projects/{project_id}/surveys"): [
        portal_api_case(label="project_a", kwargs=project_a, ok={"contact_a": 200}),
        portal_api_case(label="project_a_draft", kwargs=project_a_draft),
        portal_api_case(label="project_b", kwargs=project_b, ok={"contact_b": 200}),
    ],
    ("POST", "/api/v1/portal/projects/{project_id}/surveys/{survey_id}/answer"): [
        portal_api_case(
            kwargs=survey_for_contact_a,
            data=lambda side: {"answers": survey_answers(side)},
            ok={"contact_a": 201},
        )
    ],
    ("GET", "/api/v1/portal/projects/{project_id}/we-did"): [
        portal_api_case(label="project_a", kwargs=project_a, ok={"contact_a": 200}),
        portal_api_case(label="project_a_draft", kwargs=project_a_draft),
        portal_api_case(label="project_b", kwargs=project_b, ok={"contact_b": 200}),
    ],
    ("GET", "/api/v1/portal/projects/{project_id}/threads"): [
        portal_api_case(label="project_a", kwargs=project_a, ok={"contact_a": 200}),
        portal_api_case(label="project_a_draft", kwargs=project_a_draft),
        portal_api_case(label="project_b", kwargs=project_b, ok={"contact_b": 200}),
    ],
    ("POST", "/api/v1/portal/projects/{project_id}/threads"): [
        portal_api_case(kwargs=project_a, data=thread_form, ok={"contact_a": 201})
    ],
    ("GET", "/api/v1/portal/projects/{project_id}/threads/{thread_id}"): [
        portal_api_case(kwargs=thread_of, ok={"contact_a": 200})
    ],
    ("POST", "/api/v1/portal/projects/{project_id}/threads/{thread_id}/messages"): [
        portal_api_case(kwargs=thread_of, data=reply_form, ok={"contact_a": 201})
    ],
    # --- client portal API: contacts with their portal token, their own client's projects --
    ("GET", "/api/v1/portal/projects"): [portal_api_case(scoped=False, ok=each(200, CONTACTS))],
    ("GET", "/api/v1/portal/projects/{project_id}/change-requests"): [
        portal_api_case(label="project_a", kwargs=project_a, ok={"contact_a": 200}),
        portal_api_case(label="project_a_draft", kwargs=project_a_draft),
        portal_api_case(label="project_b", kwargs=project_b, ok={"contact_b": 200}),
    ],
    ("POST", "/api/v1/portal/projects/{project_id}/change-requests"): [
        portal_api_case(
            kwargs=project_a,
            data=lambda side: {"title": "Portal API change", "description": "More seats"},
            ok={"contact_a": 201},
        )
    ],
    ("GET", "/api/v1/portal/projects/{project_id}/change-requests/{number}"): [
        portal_api_case(kwargs=change_request_at("submitted"), ok={"contact_a": 200})
    ],
    ("POST", "/api/v1/portal/projects/{project_id}/change-requests/{number}/decision"): [
        portal_api_case(
            kwargs=change_request_at("awaiting_approval"),
            data=lambda side: {"decision": "approve"},
            ok={"contact_a": 200},
        )
    ],
    ("GET", "/api/v1/portal/projects/{project_id}/status-reports"): [
        portal_api_case(label="project_a", kwargs=project_a, ok={"contact_a": 200}),
        portal_api_case(label="project_b", kwargs=project_b, ok={"contact_b": 200}),
    ],
    ("GET", "/api/v1/portal/projects/{project_id}/status-reports/{number}"): [
        portal_api_case(label="published", kwargs=report_at("published"), ok={"contact_a": 200}),
        portal_api_case(label="draft", kwargs=report_at("draft")),
    ],
    ("POST", "/api/v1/portal/projects/{project_id}/status-reports/{number}/acknowledge"): [
        portal_api_case(kwargs=report_at("published"), data=lambda side: {}, ok={"contact_a": 200})
    ],
    ("GET", "/api/v1/portal/projects/{project_id}/status-reports/{number}/threads"): [
        portal_api_case(label="published", kwargs=report_thread, ok={"contact_a": 200}),
        portal_api_case(label="draft", kwargs=report_at("draft")),
    ],
    ("POST", "/api/v1/portal/projects/{project_id}/status-reports/{number}/threads"): [
        portal_api_case(kwargs=report_at("published"), data=message_form, ok={"contact_a": 201})
    ],
    (
        "POST",
        "/api/v1/portal/projects/{project_id}/status-reports/{number}/threads/{thread_id}/messages",
    ): [portal_api_case(kwargs=report_thread, data=message_form, ok={"contact_a": 201})],
    # --- status reports: everyone on the project reads them, its managers write them -------
    ("GET", "/api/v1/projects/{project_id}/status-reports/{number}/threads"): [
        api_case(kwargs=report_thread, ok=each(200, ON_PROJECT_A))
    ],
    (
        "POST",
        "/api/v1/projects/{project_id}/status-reports/{number}/threads/{thread_id}/messages",
    ): [
        api_case(
            kwargs=report_thread,
            data=message_form,
            ok=each(201, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("GET", "/api/v1/projects/{project_id}/status-reports"): [
        api_case(kwargs=project_a, ok=each(200, ON_PROJECT_A))
    ],
    ("POST", "/api/v1/projects/{project_id}/status-reports"): [
        api_case(
            kwargs=project_a,
            data=lambda side: dict.fromkeys(
                ("period_start", "period_end"),
                (date(2027, 1, 1) + timedelta(days=next(_serial))).isoformat(),
            ),
            ok=each(201, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("GET", "/api/v1/projects/{project_id}/status-reports/{number}"): [
        api_case(label="draft", kwargs=report_at("draft"), ok=each(200, ON_PROJECT_A)),
        api_case(label="published", kwargs=report_at("published"), ok=each(200, ON_PROJECT_A)),
    ],
    ("PATCH", "/api/v1/projects/{project_id}/status-reports/{number}"): [
        api_case(
            kwargs=report_at("draft"),
            data=lambda side: {"summary": "From the API"},
            ok=each(200, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("POST", "/api/v1/projects/{project_id}/status-reports/{number}/publish"): [
        api_case(
            kwargs=report_at("draft"),
            data=lambda side: {},
            ok=each(200, MANAGERS),
            denied={"member": 403},
        )
    ],
    # --- communication: internal; the register and the plan are the managers' -------------
    ("GET", "/api/v1/projects/{project_id}/stakeholders"): [
        api_case(kwargs=project_a, ok=each(200, ON_PROJECT_A))
    ],
    ("POST", "/api/v1/projects/{project_id}/stakeholders"): [
        api_case(
            kwargs=project_a,
            data=lambda side: {
                "contact_id": _new_contact(side).pk,
                "role": "key_user",
                "influence": "high",
                "interest": "low",
            },
            ok=each(201, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("GET", "/api/v1/projects/{project_id}/stakeholders/{stakeholder_id}"): [
        api_case(kwargs=stakeholder_of, ok=each(200, ON_PROJECT_A))
    ],
    ("PATCH", "/api/v1/projects/{project_id}/stakeholders/{stakeholder_id}"): [
        api_case(
            kwargs=stakeholder_of,
            data=lambda side: {"interest": "high", "notes": "Prefers calls"},
            ok=each(200, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("DELETE", "/api/v1/projects/{project_id}/stakeholders/{stakeholder_id}"): [
        api_case(kwargs=stakeholder_of, ok=each(204, MANAGERS), denied={"member": 403})
    ],
    ("GET", "/api/v1/projects/{project_id}/communication-plan"): [
        api_case(kwargs=project_a, ok=each(200, ON_PROJECT_A))
    ],
    ("POST", "/api/v1/projects/{project_id}/communication-plan"): [
        api_case(
            kwargs=project_a,
            data=lambda side: {
                "title": f"Steering report {next(_serial)}",
                "audience_ids": [side.contact_a.pk],
                "channel": "email",
                "kind": "information",
                "cadence_days": 30,
                "owner_id": side.pm.pk,
                "starts_on": "2026-01-05",
            },
            ok=each(201, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("GET", "/api/v1/projects/{project_id}/communication-plan/{item_id}"): [
        api_case(kwargs=plan_item_of, ok=each(200, ON_PROJECT_A))
    ],
    ("PATCH", "/api/v1/projects/{project_id}/communication-plan/{item_id}"): [
        api_case(
            kwargs=plan_item_of,
            data=lambda side: {"cadence_days": 14, "audience_ids": [side.contact_a.pk]},
            ok=each(200, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("DELETE", "/api/v1/projects/{project_id}/communication-plan/{item_id}"): [
        api_case(kwargs=plan_item_of, ok=each(204, MANAGERS), denied={"member": 403})
    ],
    ("GET", "/api/v1/communication/attention"): [api_case(scoped=False, ok=each(200, MEMBERS))],
    ("GET", "/api/v1/projects/{project_id}/touchpoints"): [
        api_case(kwargs=project_a, ok=each(200, ON_PROJECT_A)),
        api_case(
            label="channel",
            kwargs=project_a,
            query=lambda side: {"channel": "phone"},
            ok=each(200, ON_PROJECT_A),
        ),
    ],
    ("POST", "/api/v1/projects/{project_id}/touchpoints"): [
        api_case(kwargs=project_a, data=api_touchpoint_form, ok=each(201, ON_PROJECT_A))
    ],
    ("GET", "/api/v1/clients/{client_id}/touchpoints"): [
        api_case(label="client_a", kwargs=client_a, ok=each(200, ON_PROJECT_A)),
        api_case(label="client_b", kwargs=client_b, ok=each(200, MANAGERS)),
        api_case(label="contact_a", kwargs=client_a, query=contact_a, ok=each(200, ON_PROJECT_A)),
        # A contact of another client narrows to nothing: not found.
        api_case(label="contact_b", kwargs=client_a, query=contact_b),
    ],
    ("POST", "/api/v1/clients/{client_id}/touchpoints"): [
        api_case(
            label="project_a",
            kwargs=client_a,
            data=lambda side: {**api_touchpoint_form(side), "project_id": side.project_a.pk},
            ok=each(201, ON_PROJECT_A),
        ),
        # With the client at large: its managers only.
        api_case(
            label="at_large",
            kwargs=client_a,
            data=api_touchpoint_form,
            ok=each(201, MANAGERS),
            denied={"member": 403},
        ),
    ],
    ("GET", "/api/v1/touchpoints/{touchpoint_id}"): [
        api_case(kwargs=api_touchpoint, ok=each(200, ON_PROJECT_A))
    ],
    ("DELETE", "/api/v1/touchpoints/{touchpoint_id}"): [
        api_case(kwargs=api_touchpoint, ok=each(204, MANAGERS), denied={"member": 403})
    ],
    # --- risks and issues: the project's team; sharing is its managers' ----------------------
    ("GET", "/api/v1/projects/{project_id}/risks"): [
        api_case(kwargs=project_a, ok=each(200, ON_PROJECT_A)),
        api_case(
            label="open",
            kwargs=project_a,
            query=lambda side: {"status": "open_or_mitigating"},
            ok=each(200, ON_PROJECT_A),
        ),
    ],
    # --- closure: the project's team reads; its managers prepare and close ------------------
    ("GET", "/api/v1/projects/{project_id}/closure"): [
        api_case(kwargs=project_a, ok=each(200, ON_PROJECT_A)),
        api_case(label="closed", kwargs=closed_project, ok=each(200, ON_PROJECT_A)),
    ],
    ("PUT", "/api/v1/projects/{project_id}/closure"): [
        api_case(
            kwargs=project_a,
            data=lambda side: {"narrative": "Summary", "lessons": "Lesson", "budget_closed": True},
            ok=each(200, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("POST", "/api/v1/projects/{project_id}/closure/close"): [
        api_case(
            kwargs=closable_project,
            data=lambda side: {"override_reason": ""},
            ok=each(200, MANAGERS),
            denied={"member": 403},
        ),
        api_case(
            label="blocked",
            kwargs=blocked_project,
            data=lambda side: {"override_reason": ""},
            ok=each(409, MANAGERS),
            denied={"member": 403},
        ),
        api_case(
            label="override",
            kwargs=blocked_project,
            data=lambda side: {"override_reason": "The client cancelled the rest."},
            ok=each(200, ADMINS),
            denied={"pm": 422, "member": 403},
        ),
    ],
    ("GET", "/api/v1/projects/{project_id}/closure/report"): [
        api_case(kwargs=project_a, ok=each(200, ON_PROJECT_A)),
        api_case(label="closed", kwargs=closed_project, ok=each(200, ON_PROJECT_A)),
    ],
    ("GET", "/api/v1/checkins"): [
        api_case(scoped=False, ok=each(200, MEMBERS)),
        api_case(
            label="due",
            query=lambda side: {"status": "due", "project_id": due_checkin(side)["project_id"]},
            ok=each(200, ON_PROJECT_A),
        ),
    ],
    ("POST", "/api/v1/checkins/{checkin_id}/record"): [
        api_case(
            kwargs=due_checkin,
            data=lambda side: {"channel": "phone", "summary": "How is it going?"},
            ok=each(201, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("GET", "/api/v1/settings/closure"): [
        api_case(scoped=False, ok=each(200, ADMINS), denied=each(403, ("pm", "member", "outsider")))
    ],
    ("PUT", "/api/v1/settings/closure"): [
        api_case(
            scoped=False,
            data=lambda side: {"checkin_months": [1, 2, 12]},
            ok=each(200, ADMINS),
            denied=each(403, ("pm", "member", "outsider")),
        )
    ],
    ("GET", "/api/v1/portal/projects/{project_id}/closure"): [
        portal_api_case(label="closed", kwargs=closed_project, ok={"contact_a": 200}),
        portal_api_case(label="preparing", kwargs=project_a),
    ],
    ("POST", "/api/v1/portal/projects/{project_id}/closure/accept"): [
        portal_api_case(
            kwargs=fresh_closed_project,
            data=lambda side: {"comment": "Thank you"},
            ok={"contact_a": 200},
        )
    ],
    # --- webhooks: admin tokens only --------------------------------------------------------
    ("GET", "/api/v1/webhook-events"): [
        api_case(scoped=False, ok=each(200, ADMINS), denied=each(403, NOT_ADMINS))
    ],
    ("GET", "/api/v1/webhooks"): [
        api_case(scoped=False, ok=each(200, ADMINS), denied=each(403, NOT_ADMINS))
    ],
    ("POST", "/api/v1/webhooks"): [
        api_case(
            scoped=False, data=webhook_form, ok=each(201, ADMINS), denied=each(403, NOT_ADMINS)
        )
    ],
    ("GET", "/api/v1/webhooks/{subscription_id}"): [
        api_case(kwargs=webhook_of, ok=each(200, ADMINS))
    ],
    ("PATCH", "/api/v1/webhooks/{subscription_id}"): [
        api_case(kwargs=webhook_of, data=lambda side: {"description": "CRM"}, ok=each(200, ADMINS))
    ],
    ("DELETE", "/api/v1/webhooks/{subscription_id}"): [
        api_case(kwargs=webhook_of, ok=each(204, ADMINS))
    ],
    ("POST", "/api/v1/webhooks/{subscription_id}/pause"): [
        api_case(kwargs=webhook_of, ok=each(200, ADMINS))
    ],
    ("POST", "/api/v1/webhooks/{subscription_id}/resume"): [
        api_case(kwargs=paused_webhook_of, ok=each(200, ADMINS))
    ],
    ("POST", "/api/v1/webhooks/{subscription_id}/rotate-secret"): [
        api_case(kwargs=webhook_of, ok=each(200, ADMINS))
    ],
    ("GET", "/api/v1/webhooks/{subscription_id}/deliveries"): [
        api_case(kwargs=webhook_of, ok=each(200, ADMINS))
    ],
    ("GET", "/api/v1/webhook-deliveries/{delivery_id}"): [
        api_case(kwargs=webhook_delivery_of, ok=each(200, ADMINS))
    ],
    ("POST", "/api/v1/webhook-deliveries/{delivery_id}/replay"): [
        api_case(kwargs=webhook_delivery_of, ok=each(202, ADMINS))
    ],
    # --- the organisation's people: every member reads them, owners and admins change them --
    ("GET", "/api/v1/memberships"): [api_case(scoped=False, ok=each(200, MEMBERS))],
    ("GET", "/api/v1/memberships/{membership_id}"): [
        api_case(kwargs=fresh_membership, ok=each(200, MEMBERS))
    ],
    ("PATCH", "/api/v1/memberships/{membership_id}"): [
        api_case(
            kwargs=fresh_membership,
            data=lambda side: {"role": "pm"},
            ok=each(200, ADMINS),
            denied=each(403, NOT_ADMINS),
        )
    ],
    ("DELETE", "/api/v1/memberships/{membership_id}"): [
        api_case(kwargs=fresh_membership, ok=each(204, ADMINS), denied=each(403, NOT_ADMINS))
    ],
    # Invitations are the admins': a list or an invitation is refused (403) or unseen (404).
    ("GET", "/api/v1/invitations"): [
        api_case(scoped=False, ok=each(200, ADMINS), denied=each(403, NOT_ADMINS))
    ],
    ("POST", "/api/v1/invitations"): [
        api_case(
            scoped=False,
            data=lambda side: {"email": f"api{next(_serial)}@invitee.test", "role": "member"},
            ok=each(201, ADMINS),
            denied=each(403, NOT_ADMINS),
        )
    ],
    ("GET", "/api/v1/invitations/{invitation_id}"): [
        api_case(kwargs=fresh_invitation, ok=each(200, ADMINS))
    ],
    ("POST", "/api/v1/invitations/{invitation_id}/revoke"): [
        api_case(kwargs=fresh_invitation, data=lambda side: {}, ok=each(200, ADMINS))
    ],
    # --- the audit trail: read-only, owners and admins -------------------------------------
    ("GET", "/api/v1/audit-events"): [
        api_case(scoped=False, ok=each(200, ADMINS), denied=each(403, NOT_ADMINS)),
        api_case(
            label="filtered",
            query=audit_filters,
            ok=each(200, ADMINS),
            denied=each(403, NOT_ADMINS),
            foreign={"owner": 200, "admin": 200, **each(403, NOT_ADMINS)},
        ),
    ],
    ("GET", "/api/v1/audit-events/{event_id}"): [
        api_case(kwargs=audit_event_of, ok=each(200, ADMINS))
    ],
    # --- lessons: the organisation's library; writing is for the project's team -------------
    ("GET", "/api/v1/lessons"): [
        api_case(scoped=False, ok=each(200, MEMBERS)),
        api_case(
            label="search",
            scoped=False,
            query=lambda side: {"q": "需求 scope", "category": "change", "year": 2026},
            ok=each(200, MEMBERS),
        ),
    ],
    ("POST", "/api/v1/lessons"): [
        api_case(kwargs=lambda side: {}, data=api_lesson_form, ok=each(201, ON_PROJECT_A)),
        api_case(
            label="organisation",
            scoped=False,
            data=lambda side: {**api_lesson_form(side), "project_id": None},
            ok=each(201, MANAGERS),
            denied=each(403, ("member", "outsider")),
        ),
    ],
    ("GET", "/api/v1/lessons/{lesson_id}"): [api_case(kwargs=lesson_of, ok=each(200, MEMBERS))],
    ("PATCH", "/api/v1/lessons/{lesson_id}"): [
        api_case(
            kwargs=lesson_of,
            data=lambda side: {"title": "Agree the scope in writing", "shared_with_client": True},
            ok=each(200, ON_PROJECT_A),
            denied={"outsider": 403},
        )
    ],
    ("DELETE", "/api/v1/lessons/{lesson_id}"): [
        api_case(kwargs=lesson_of, ok=each(204, ON_PROJECT_A), denied={"outsider": 403})
    ],
    ("GET", "/api/v1/projects/{project_id}/lesson-suggestions"): [
        api_case(kwargs=project_a, ok=each(200, ON_PROJECT_A))
    ],
    ("GET", "/api/v1/portal/lessons"): [
        portal_api_case(scoped=False, ok=each(200, CONTACTS)),
        portal_api_case(label="project_a", query=shared_lesson_of_project_a, ok={"contact_a": 200}),
        portal_api_case(label="project_b", query=project_b, ok={"contact_b": 200}),
    ],
    # --- client feedback: the team reads; the project's managers send surveys ---------------
    ("GET", "/api/v1/survey-templates"): [api_case(scoped=False, ok=each(200, MEMBERS))],
    ("POST", "/api/v1/survey-templates"): [
        api_case(
            scoped=False,
            data=api_template_form,
            ok=each(201, MANAGERS),
            denied=each(403, ("member", "outsider")),
        )
    ],
    ("GET", "/api/v1/survey-templates/{template_id}"): [
        api_case(kwargs=default_template, ok=each(200, MEMBERS))
    ],
    ("PUT", "/api/v1/survey-templates/{template_id}"): [
        api_case(
            kwargs=unused_template,
            data=api_template_form,
            ok=each(200, MANAGERS),
            denied=each(403, ("member", "outsider")),
        )
    ],
    ("DELETE", "/api/v1/survey-templates/{template_id}"): [
        api_case(
            kwargs=unused_template,
            ok=each(204, MANAGERS),
            denied=each(403, ("member", "outsider")),
        )
    ],
    ("GET", "/api/v1/projects/{project_id}/surveys"): [
        api_case(kwargs=project_a, ok=each(200, ON_PROJECT_A))
    ],
    ("POST", "/api/v1/projects/{project_id}/surveys"): [
        api_case(
            kwargs=project_a,
            data=lambda side: {"contact_ids": [side.contact_a.pk]},
            ok=each(201, MANAGERS),
            denied={"member": 403},
        )
    ],
    # A project's survey schedules are its managers', as on the schedules page.
    ("GET", "/api/v1/projects/{project_id}/survey-schedules"): [
        api_case(kwargs=schedule_of, ok=each(200, MANAGERS), denied={"member": 403})
    ],
    ("POST", "/api/v1/projects/{project_id}/survey-schedules"): [
        api_case(
            label="create",
            kwargs=project_a,
            data=lambda side: {
                "trigger": "monthly",
                "day_of_month": 3,
                "contact_ids": [side.contact_a.pk],
                **default_template(side),
            },
            ok=each(201, MANAGERS),
            denied={"member": 403},
        ),
        api_case(
            label="change",
            kwargs=schedule_of,
            data=lambda side: {
                "trigger": "closure",
                "all_portal_contacts": True,
                **default_template(side),
            },
            ok=each(200, MANAGERS),
            denied={"member": 403},
        ),
    ],
    ("GET", "/api/v1/projects/{project_id}/survey-schedules/{schedule_id}"): [
        api_case(kwargs=schedule_of, ok=each(200, MANAGERS), denied={"member": 403})
    ],
    ("DELETE", "/api/v1/projects/{project_id}/survey-schedules/{schedule_id}"): [
        api_case(kwargs=schedule_of, ok=each(204, MANAGERS), denied={"member": 403})
    ],
    ("GET", "/api/v1/projects/{project_id}/feedback"): [
        api_case(kwargs=project_a, ok=each(200, ON_PROJECT_A))
    ],
    ("POST", "/api/v1/projects/{project_id}/feedback"): [
        api_case(kwargs=project_a, data=api_feedback_form, ok=each(201, ON_PROJECT_A))
    ],
    ("GET", "/api/v1/projects/{project_id}/feedback/{feedback_id}"): [
        api_case(kwargs=feedback_of, ok=each(200, ON_PROJECT_A))
    ],
    ("GET", "/api/v1/projects/{project_id}/surveys/{survey_id}"): [
        api_case(kwargs=survey_for_contact_a, ok=each(200, ON_PROJECT_A))
    ],
    ("GET", "/api/v1/projects/{project_id}/feedback/analysis"): [
        api_case(kwargs=project_a, ok=each(200, ON_PROJECT_A))
    ],
    ("POST", "/api/v1/projects/{project_id}/risks"): [
        api_case(kwargs=project_a, data=api_risk_form, ok=each(201, ON_PROJECT_A))
    ],
    ("GET", "/api/v1/projects/{project_id}/risks/{number}"): [
        api_case(kwargs=risk_of, ok=each(200, ON_PROJECT_A))
    ],
    ("PATCH", "/api/v1/projects/{project_id}/risks/{number}"): [
        api_case(
            kwargs=risk_of,
            data=lambda side: {"impact": 2, "status": "mitigating"},
            ok=each(200, ON_PROJECT_A),
        )
    ],
    ("POST", "/api/v1/projects/{project_id}/risks/{number}/occurred"): [
        api_case(
            kwargs=risk_of,
            data=lambda side: {"description": "It happened"},
            ok=each(201, ON_PROJECT_A),
        )
    ],
    ("GET", "/api/v1/projects/{project_id}/issues"): [
        api_case(kwargs=project_a, ok=each(200, ON_PROJECT_A))
    ],
    ("POST", "/api/v1/projects/{project_id}/issues"): [
        api_case(kwargs=project_a, data=api_issue_form, ok=each(201, ON_PROJECT_A))
    ],
    ("GET", "/api/v1/projects/{project_id}/issues/{number}"): [
        api_case(kwargs=issue_of, ok=each(200, ON_PROJECT_A))
    ],
    ("PATCH", "/api/v1/projects/{project_id}/issues/{number}"): [
        api_case(
            kwargs=issue_of,
            data=lambda side: {"impact": "Two days", "status": "in_progress"},
            ok=each(200, ON_PROJECT_A),
        )
    ],
    ("POST", "/api/v1/projects/{project_id}/issues/{number}/share"): [
        api_case(
            kwargs=issue_of,
            data=lambda side: {},
            ok=each(200, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("POST", "/api/v1/projects/{project_id}/issues/{number}/resolve"): [
        api_case(
            kwargs=issue_of,
            data=lambda side: {"resolution": "Fixed"},
            ok=each(200, ON_PROJECT_A),
        )
    ],
    ("POST", "/api/v1/projects/{project_id}/issues/{number}/evidence"): [
        api_case(kwargs=issue_of, data=api_evidence_form, ok=each(201, ON_PROJECT_A))
    ],
    # --- conflicts: internal, the managers of the client's projects ------------------------
    ("GET", "/api/v1/conflicts"): [
        api_case(scoped=False, ok=each(200, MANAGERS), denied=each(403, ("member", "outsider"))),
        # The client is resolved first: the outsider does not see client A at all.
        api_case(
            label="client_a",
            query=lambda side: {"client_id": side.client_a.pk},
            ok=each(200, MANAGERS),
            denied={"member": 403},
        ),
    ],
    ("GET", "/api/v1/conflicts/root-causes"): [
        api_case(scoped=False, ok=each(200, MANAGERS), denied=each(403, ("member", "outsider")))
    ],
    ("POST", "/api/v1/clients/{client_id}/conflicts"): [
        api_case(
            kwargs=client_a,
            data=api_conflict_form,
            ok=each(201, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("GET", "/api/v1/conflicts/{conflict_id}"): [
        api_case(kwargs=conflict_of, ok=each(200, MANAGERS))
    ],
    ("PATCH", "/api/v1/conflicts/{conflict_id}"): [
        api_case(
            kwargs=conflict_of,
            data=lambda side: {"escalation_level": "management", "strategy": "mediation"},
            ok=each(200, MANAGERS),
        )
    ],
    ("POST", "/api/v1/conflicts/{conflict_id}/steps"): [
        api_case(
            kwargs=conflict_of,
            data=lambda side: {"description": "Met the sponsor", "occurred_on": "2026-04-01"},
            ok=each(201, MANAGERS),
        )
    ],
    ("POST", "/api/v1/conflicts/{conflict_id}/close"): [
        api_case(
            kwargs=conflict_of,
            data=lambda side: {"resolution": "Credit note", "client_agreed": True},
            ok=each(200, MANAGERS),
        )
    ],
    ("POST", "/api/v1/conflicts/{conflict_id}/evidence"): [
        api_case(kwargs=conflict_of, data=api_evidence_form, ok=each(201, MANAGERS))
    ],
    # --- the client portal: client-visible risks and shared issues only --------------------
    ("GET", "/api/v1/portal/projects/{project_id}/risks"): [
        portal_api_case(label="project_a", kwargs=project_a, ok={"contact_a": 200}),
        portal_api_case(label="project_a_draft", kwargs=project_a_draft),
        portal_api_case(label="project_b", kwargs=project_b, ok={"contact_b": 200}),
    ],
    ("GET", "/api/v1/portal/projects/{project_id}/issues"): [
        portal_api_case(label="project_a", kwargs=project_a, ok={"contact_a": 200}),
        portal_api_case(label="project_a_draft", kwargs=project_a_draft),
        portal_api_case(label="project_b", kwargs=project_b, ok={"contact_b": 200}),
    ],
    # --- change requests ------------------------------------------------------------------
    ("GET", "/api/v1/projects/{project_id}/change-requests"): [
        api_case(kwargs=project_a, ok=each(200, ON_PROJECT_A))
    ],
    ("POST", "/api/v1/projects/{project_id}/change-requests"): [
        api_case(
            kwargs=project_a,
            data=lambda side: {"title": "API change", "description": "More seats"},
            ok=each(201, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("GET", "/api/v1/projects/{project_id}/change-requests/{number}"): [
        api_case(kwargs=change_request_at("submitted"), ok=each(200, ON_PROJECT_A))
    ],
    ("POST", "/api/v1/projects/{project_id}/change-requests/{number}/evaluate"): [
        api_case(
            kwargs=change_request_at("submitted"),
            data=lambda side: {"schedule_days": 2, "recommendation": "approve"},
            ok=each(200, ON_PROJECT_A),
        )
    ],
    ("POST", "/api/v1/projects/{project_id}/change-requests/{number}/{step}"): [
        api_case(
            label="withdraw",
            kwargs=lambda side: {**change_request_at("submitted")(side), "step": "withdraw"},
            data=lambda side: {},
            ok=each(200, MANAGERS),
            denied={"member": 403},
        ),
        api_case(
            label="implement",
            kwargs=lambda side: {**change_request_at("approved")(side), "step": "implement"},
            data=lambda side: {},
            ok=each(200, MANAGERS),
            denied={"member": 403},
        ),
    ],
    ("GET", "/api/v1/projects/{project_id}/change-requests/{number}/decisions"): [
        api_case(kwargs=change_request_at("approved"), ok=each(200, ON_PROJECT_A))
    ],
    ("POST", "/api/v1/projects/{project_id}/change-requests/{number}/internal-decision"): [
        api_case(
            kwargs=change_request_at("internal_approval"),
            data=lambda side: {"approve": True},
            ok=each(200, ADMINS),
            denied={"pm": 403, "member": 403},
        )
    ],
    ("GET", "/api/v1/clients"): [api_case(scoped=False, ok=each(200, MEMBERS))],
    ("POST", "/api/v1/clients"): [
        api_case(
            data=lambda side: {"name": f"Matrix API client {next(_serial)}"},
            scoped=False,
            ok=each(201, MANAGERS),
            denied=each(403, ("member", "outsider")),
        )
    ],
    ("GET", "/api/v1/clients/{client_id}"): [
        api_case(label="client_a", kwargs=client_a, ok=each(200, ON_PROJECT_A)),
        api_case(label="client_b", kwargs=client_b, ok=each(200, MANAGERS)),
    ],
    ("GET", "/api/v1/clients/{client_id}/health"): [
        # The score reads the conflicts register: managers only; a team member who sees
        # client_a is refused, contacts have no member token (401).
        api_case(label="client_a", kwargs=client_a, ok=each(200, MANAGERS), denied={"member": 403}),
        api_case(label="client_b", kwargs=client_b, ok=each(200, MANAGERS)),
    ],
    ("PATCH", "/api/v1/clients/{client_id}"): [
        api_case(
            kwargs=client_a,
            data=lambda side: {"notes": "patched"},
            ok=each(200, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("GET", "/api/v1/contacts"): [
        api_case(scoped=False, ok=each(200, MEMBERS)),
        api_case(label="client_a", query=client_a, ok=each(200, ON_PROJECT_A)),
    ],
    ("POST", "/api/v1/contacts"): [
        api_case(
            data=lambda side: {"client_id": side.client_a.pk, "full_name": "Matrix API person"},
            ok=each(201, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("GET", "/api/v1/contacts/{contact_id}"): [
        api_case(label="contact_a", kwargs=contact_a, ok=each(200, ON_PROJECT_A)),
        api_case(label="contact_b", kwargs=contact_b, ok=each(200, MANAGERS)),
    ],
    ("PATCH", "/api/v1/contacts/{contact_id}"): [
        api_case(
            kwargs=contact_a,
            data=lambda side: {"job_title": "Patched"},
            ok=each(200, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("GET", "/api/v1/projects"): [
        api_case(scoped=False, ok=each(200, MEMBERS)),
        api_case(label="client_a", query=client_a, ok=each(200, ON_PROJECT_A)),
    ],
    ("POST", "/api/v1/projects"): [
        api_case(
            data=lambda side: {
                "client_id": side.client_a.pk,
                "name": "Matrix API project",
                "code": f"MXA-{next(_serial)}",
                "start_date": "2026-01-01",
                "end_date": "2026-12-31",
                "report_cadence": "weekly",
                "report_weekday": 4,
            },
            ok=each(201, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("GET", "/api/v1/projects/{project_id}"): [
        api_case(label="project_a", kwargs=project_a, ok=each(200, ON_PROJECT_A)),
        api_case(label="project_a_draft", kwargs=project_a_draft, ok=each(200, MANAGERS)),
        api_case(label="project_b", kwargs=project_b, ok=each(200, MANAGERS)),
    ],
    ("PATCH", "/api/v1/projects/{project_id}"): [
        api_case(
            kwargs=project_a,
            data=lambda side: {
                "description": "patched",
                "report_cadence": "fortnightly",
                "report_weekday": 0,
            },
            ok=each(200, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("POST", "/api/v1/projects/{project_id}/publish"): [
        api_case(
            kwargs=project_a,
            data=lambda side: {"published": False},
            ok=each(200, MANAGERS),
            denied={"member": 403},
        )
    ],
    # --- the project's team: everyone on it reads it, its managers change it -------------
    ("GET", "/api/v1/projects/{project_id}/members"): [
        api_case(kwargs=project_a, ok=each(200, ON_PROJECT_A))
    ],
    ("POST", "/api/v1/projects/{project_id}/members"): [
        api_case(
            kwargs=project_a,
            data=lambda side: {"user_id": fresh_membership_user(side).pk},
            ok=each(201, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("GET", "/api/v1/projects/{project_id}/members/{member_id}"): [
        api_case(kwargs=page_team_member, ok=each(200, ON_PROJECT_A))
    ],
    ("PATCH", "/api/v1/projects/{project_id}/members/{member_id}"): [
        api_case(
            kwargs=page_team_member,
            data=lambda side: {"can_see_financials": True},
            ok=each(200, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("DELETE", "/api/v1/projects/{project_id}/members/{member_id}"): [
        api_case(kwargs=fresh_project_member, ok=each(204, MANAGERS), denied={"member": 403})
    ],
    # --- baseline ---------------------------------------------------------------------------
    ("GET", "/api/v1/projects/{project_id}/objectives"): _reading(kwargs=project_a),
    ("POST", "/api/v1/projects/{project_id}/objectives/smart-check"): [
        api_case(
            kwargs=project_a,
            data=lambda side: {"statement": "Answer every ticket within a day", "metric": "h"},
            ok=each(200, ON_PROJECT_A),
        )
    ],
    ("POST", "/api/v1/projects/{project_id}/objectives"): _drafting(
        lambda side: {
            "statement": f"Matrix objective number {next(_serial)} for the client",
            "metric": "tickets",
            "target_value": "10.5",
            "due_date": "2026-06-01",
        },
        kwargs=project_a,
    ),
    ("GET", "/api/v1/projects/{project_id}/objectives/{objective_id}"): _reading(
        kwargs=baseline_item("objective")
    ),
    ("PATCH", "/api/v1/projects/{project_id}/objectives/{objective_id}"): [
        *_drafting(
            lambda side: {"statement": "Matrix patched objective statement here"},
            200,
            kwargs=baseline_item("objective"),
        ),
        # Tracking its current value is the team's.
        api_case(
            label="tracking",
            kwargs=baseline_item("objective"),
            data=lambda side: {"current_value": "2.5"},
            ok=each(200, ON_PROJECT_A),
        ),
    ],
    ("DELETE", "/api/v1/projects/{project_id}/objectives/{objective_id}"): _drafting(
        None, 204, kwargs=baseline_item("objective")
    ),
    ("GET", "/api/v1/projects/{project_id}/milestones"): _reading(kwargs=project_a),
    ("POST", "/api/v1/projects/{project_id}/milestones"): _drafting(
        lambda side: {"name": f"Matrix milestone {next(_serial)}", "baseline_date": "2026-05-01"},
        kwargs=project_a,
    ),
    ("GET", "/api/v1/projects/{project_id}/milestones/{milestone_id}"): _reading(
        kwargs=baseline_item("milestone")
    ),
    ("PATCH", "/api/v1/projects/{project_id}/milestones/{milestone_id}"): [
        *_drafting(
            lambda side: {"name": "Matrix renamed milestone"},
            200,
            kwargs=baseline_item("milestone"),
        ),
        # Forecast and done dates are the team's.
        api_case(
            label="tracking",
            kwargs=baseline_item("milestone"),
            data=lambda side: {"forecast_date": "2026-03-20"},
            ok=each(200, ON_PROJECT_A),
        ),
    ],
    ("DELETE", "/api/v1/projects/{project_id}/milestones/{milestone_id}"): _drafting(
        None, 204, kwargs=fresh_milestone
    ),
    ("GET", "/api/v1/projects/{project_id}/deliverables"): _reading(kwargs=project_a),
    ("POST", "/api/v1/projects/{project_id}/deliverables"): _drafting(
        lambda side: {
            "milestone_id": side.baseline["milestone"].pk,
            "name": f"Matrix deliverable {next(_serial)}",
            "acceptance_criteria": "It works",
        },
        kwargs=project_a,
    ),
    ("GET", "/api/v1/projects/{project_id}/deliverables/{deliverable_id}"): _reading(
        kwargs=baseline_item("deliverable")
    ),
    ("PATCH", "/api/v1/projects/{project_id}/deliverables/{deliverable_id}"): _drafting(
        lambda side: {"name": "Matrix renamed deliverable"},
        200,
        kwargs=baseline_item("deliverable"),
    ),
    ("DELETE", "/api/v1/projects/{project_id}/deliverables/{deliverable_id}"): _drafting(
        None, 204, kwargs=baseline_item("deliverable")
    ),
    ("POST", "/api/v1/projects/{project_id}/deliverables/{deliverable_id}/submit"): _drafting(
        None, 200, kwargs=baseline_item("deliverable")
    ),
    ("GET", "/api/v1/projects/{project_id}/budget-lines"): _financial(kwargs=project_a),
    ("POST", "/api/v1/projects/{project_id}/budget-lines"): _financial(
        201,
        kwargs=project_a,
        data=lambda side: {"category": "travel", "amount": "100.10", "currency": "EUR"},
    ),
    ("GET", "/api/v1/projects/{project_id}/budget-lines/{line_id}"): _financial(
        kwargs=baseline_item("budget_line")
    ),
    ("PATCH", "/api/v1/projects/{project_id}/budget-lines/{line_id}"): _financial(
        kwargs=baseline_item("budget_line"), data=lambda side: {"amount": "49000.00"}
    ),
    ("DELETE", "/api/v1/projects/{project_id}/budget-lines/{line_id}"): _financial(
        204, kwargs=baseline_item("budget_line")
    ),
    ("GET", "/api/v1/projects/{project_id}/quality-standards"): _reading(kwargs=project_a),
    ("POST", "/api/v1/projects/{project_id}/quality-standards"): _drafting(
        lambda side: {
            "title": f"Matrix standard {next(_serial)}",
            "criteria": "Checked by the client",
            "deliverable_ids": [side.baseline["deliverable"].pk],
        },
        kwargs=project_a,
    ),
    ("GET", "/api/v1/projects/{project_id}/quality-standards/{standard_id}"): _reading(
        kwargs=baseline_item("quality_standard")
    ),
    ("PATCH", "/api/v1/projects/{project_id}/quality-standards/{standard_id}"): _drafting(
        lambda side: {"title": "Matrix renamed standard", "deliverable_ids": []},
        200,
        kwargs=baseline_item("quality_standard"),
    ),
    ("DELETE", "/api/v1/projects/{project_id}/quality-standards/{standard_id}"): _drafting(
        None, 204, kwargs=baseline_item("quality_standard")
    ),
    ("GET", "/api/v1/projects/{project_id}/cost-entries"): _financial(kwargs=project_a),
    ("POST", "/api/v1/projects/{project_id}/cost-entries"): _financial(
        201,
        kwargs=project_a,
        data=lambda side: {
            "category": "travel",
            "date": "2026-02-01",
            "amount": "10.20",
            "currency": "EUR",
        },
    ),
    ("DELETE", "/api/v1/projects/{project_id}/cost-entries/{entry_id}"): _financial(
        204, kwargs=baseline_item("cost_entry")
    ),
    ("GET", "/api/v1/projects/{project_id}/time-entries"): _financial(kwargs=project_a),
    ("POST", "/api/v1/projects/{project_id}/time-entries"): _financial(
        201,
        kwargs=project_a,
        data=lambda side: {
            "person_id": side.pm.pk,
            "date": "2026-02-01",
            "hours": "2.5",
            "rate": "80.00",
        },
    ),
    ("DELETE", "/api/v1/projects/{project_id}/time-entries/{entry_id}"): _financial(
        204, kwargs=baseline_item("time_entry")
    ),
    ("GET", "/api/v1/projects/{project_id}/baseline-versions"): _reading(kwargs=project_a),
    ("POST", "/api/v1/projects/{project_id}/baseline-versions"): _drafting(
        lambda side: {"reason": "Matrix submission"}, kwargs=project_a
    ),
    ("GET", "/api/v1/projects/{project_id}/baseline-versions/{version_id}"): _reading(
        kwargs=baseline_version("signed")
    ),
    ("GET", "/api/v1/projects/{project_id}/baseline-versions/compare"): _reading(
        kwargs=project_a, query=two_baseline_versions
    ),
    ("POST", "/api/v1/projects/{project_id}/baseline-versions/{version_id}/withdraw"): _drafting(
        None, 200, kwargs=baseline_version("submitted")
    ),
    ("POST", "/api/v1/projects/{project_id}/rebaseline"): _drafting(
        lambda side: {"reason": "Matrix re-baseline"}, 200, kwargs=signed_project_a
    ),
    ("GET", "/api/v1/projects/{project_id}/progress"): _reading(kwargs=project_a),
    # --- acting on feedback: the team reads and records improvements; the managers handle
    # follow-ups, share improvements and rate the period ------------------------------------
    ("GET", "/api/v1/projects/{project_id}/follow-ups"): [
        api_case(kwargs=project_a, ok=each(200, ON_PROJECT_A))
    ],
    ("GET", "/api/v1/projects/{project_id}/follow-ups/{follow_up_id}"): [
        api_case(kwargs=follow_up_of, ok=each(200, ON_PROJECT_A))
    ],
    ("POST", "/api/v1/projects/{project_id}/follow-ups/{follow_up_id}/handle"): [
        api_case(
            kwargs=follow_up_of,
            data=lambda side: {"handling": "Called them"},
            ok=each(200, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("GET", "/api/v1/projects/{project_id}/improvements"): [
        api_case(kwargs=project_a, ok=each(200, ON_PROJECT_A))
    ],
    ("POST", "/api/v1/projects/{project_id}/improvements"): [
        api_case(
            kwargs=project_a,
            data=lambda side: {"title": "Weekly demo", "owner_id": side.member.pk},
            ok=each(201, ON_PROJECT_A),
        )
    ],
    ("GET", "/api/v1/projects/{project_id}/improvements/{improvement_id}"): [
        api_case(kwargs=improvement_api_of, ok=each(200, ON_PROJECT_A))
    ],
    ("PATCH", "/api/v1/projects/{project_id}/improvements/{improvement_id}"): [
        api_case(
            kwargs=improvement_api_of,
            data=lambda side: {"status": "done", "we_did": "A demo every Friday"},
            ok=each(200, ON_PROJECT_A),
        )
    ],
    ("GET", "/api/v1/projects/{project_id}/pm-ratings"): [
        api_case(kwargs=project_a, ok=each(200, ON_PROJECT_A))
    ],
    ("POST", "/api/v1/projects/{project_id}/pm-ratings"): [
        api_case(
            kwargs=project_a,
            data=lambda side: {**pm_rating_form(side), "progress": 4},
            ok=each(201, MANAGERS),
            denied={"member": 403},
        )
    ],
    # --- client meetings ------------------------------------------------------------------
    ("GET", "/api/v1/projects/{project_id}/meetings"): [
        api_case(kwargs=project_a, ok=each(200, ON_PROJECT_A))
    ],
    ("POST", "/api/v1/projects/{project_id}/meetings"): [
        api_case(
            kwargs=project_a,
            data=lambda side: {
                "title": "Matrix API meeting",
                "start": "2027-05-04T10:00:00",
                "end": "2027-05-04T11:00:00",
                "time_zone": "Asia/Shanghai",
                "attendee_ids": [side.pm.pk],
                "contact_ids": [side.contact_a.pk],
            },
            ok=each(201, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("GET", "/api/v1/projects/{project_id}/meetings/{number}"): [
        api_case(kwargs=meeting_at("scheduled"), ok=each(200, ON_PROJECT_A))
    ],
    ("PATCH", "/api/v1/projects/{project_id}/meetings/{number}"): [
        api_case(
            kwargs=meeting_at("scheduled"),
            data=lambda side: {"title": "Renamed", "place": "Room 2"},
            ok=each(200, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("POST", "/api/v1/projects/{project_id}/meetings/{number}/cancel"): [
        api_case(
            kwargs=meeting_at("scheduled"),
            data=lambda side: {"reason": "Holiday"},
            ok=each(200, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("GET", "/api/v1/projects/{project_id}/meetings/{number}/agenda-items"): [
        api_case(kwargs=agenda_item_of, ok=each(200, ON_PROJECT_A))
    ],
    ("POST", "/api/v1/projects/{project_id}/meetings/{number}/agenda-items"): [
        api_case(
            kwargs=meeting_at("scheduled"),
            data=lambda side: {"title": "Risks", "time_box": 15, "owner_user_id": side.pm.pk},
            ok=each(201, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("POST", "/api/v1/projects/{project_id}/meetings/{number}/send-update"): [
        api_case(kwargs=meeting_at("scheduled"), ok=each(200, MANAGERS), denied={"member": 403})
    ],
    ("GET", "/api/v1/projects/{project_id}/meetings/{number}/agenda-proposals"): [
        api_case(kwargs=meeting_at("scheduled"), ok=each(200, MANAGERS), denied={"member": 403})
    ],
    ("POST", "/api/v1/projects/{project_id}/meetings/{number}/agenda-items/carry"): [
        api_case(
            kwargs=meeting_at("scheduled"),
            data=lambda side: {"source": "milestone", "object_id": side.baseline["milestone"].pk},
            ok=each(201, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("GET", "/api/v1/projects/{project_id}/action-items"): [
        api_case(kwargs=project_a, ok=each(200, ON_PROJECT_A))
    ],
    ("POST", "/api/v1/projects/{project_id}/action-items"): [
        api_case(
            kwargs=meeting_at("held"),
            data=lambda side: {
                "what": "Send the plan",
                "due_date": (timezone.localdate() + timedelta(days=4)).isoformat(),
                "owner_contact_id": side.contact_a.pk,
            },
            ok=each(201, MANAGERS),
            denied={"member": 403},
        )
    ],
    # its owner (the team member) or the project's managers
    ("POST", "/api/v1/projects/{project_id}/action-items/{action_item_id}/close"): [
        api_case(
            kwargs=lambda side: {"project_id": side.project_a.pk, **action_item_of("member")(side)},
            data=lambda side: {"note": "Done"},
            ok=each(200, ON_PROJECT_A),
        )
    ],
    ("GET", "/api/v1/projects/{project_id}/action-items/{action_item_id}"): [
        api_case(
            kwargs=lambda side: {"project_id": side.project_a.pk, **action_item_of("member")(side)},
            ok=each(200, ON_PROJECT_A),
        )
    ],
    ("GET", "/api/v1/projects/{project_id}/meetings/{number}/decisions"): [
        api_case(kwargs=decision_of, ok=each(200, ON_PROJECT_A))
    ],
    ("POST", "/api/v1/projects/{project_id}/meetings/{number}/decisions"): [
        api_case(
            kwargs=meeting_at("held"),
            data=lambda side: {"text": "Ship", "decided_by_contact_id": side.contact_a.pk},
            ok=each(201, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("GET", "/api/v1/projects/{project_id}/meetings/{number}/minutes"): [
        api_case(kwargs=meeting_at("published"), ok=each(200, ON_PROJECT_A))
    ],
    ("GET", "/api/v1/projects/{project_id}/meetings/{number}/minutes/draft"): [
        api_case(kwargs=meeting_at("held"), ok=each(200, ON_PROJECT_A))
    ],
    ("PUT", "/api/v1/projects/{project_id}/meetings/{number}/minutes/draft"): [
        api_case(
            kwargs=meeting_at("started"),
            data=lambda side: {
                "present_user_ids": [side.pm.pk],
                "present_contact_ids": [side.contact_a.pk],
                "summary": "Agreed the plan.",
            },
            ok=each(200, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("POST", "/api/v1/projects/{project_id}/meetings/{number}/minutes/publish"): [
        api_case(
            kwargs=meeting_at("held"),
            data=lambda side: {},
            ok=each(201, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("GET", "/api/v1/projects/{project_id}/meetings/{number}/agenda-items/{item_id}"): [
        api_case(kwargs=agenda_item_of, ok=each(200, ON_PROJECT_A))
    ],
    ("PATCH", "/api/v1/projects/{project_id}/meetings/{number}/agenda-items/{item_id}"): [
        api_case(
            kwargs=agenda_item_of,
            data=lambda side: {"title": "Progress and risks", "time_box": 20},
            ok=each(200, MANAGERS),
            denied={"member": 403},
        )
    ],
    ("DELETE", "/api/v1/projects/{project_id}/meetings/{number}/agenda-items/{item_id}"): [
        api_case(kwargs=agenda_item_of, ok=each(204, MANAGERS), denied={"member": 403})
    ],
    ("GET", "/api/v1/projects/{project_id}/meetings/{number}/decisions/{decision_id}"): [
        api_case(kwargs=decision_of, ok=each(200, ON_PROJECT_A))
    ],
    ("DELETE", "/api/v1/projects/{project_id}/meetings/{number}/decisions/{decision_id}"): [
        api_case(kwargs=decision_of, ok=each(204, MANAGERS), denied={"member": 403})
    ],
    ("GET", "/api/v1/portal/projects/{project_id}/meetings"): [
        portal_api_case(kwargs=project_a, ok={"contact_a": 200})
    ],
    ("GET", "/api/v1/portal/projects/{project_id}/meetings/{number}"): [
        portal_api_case(kwargs=meeting_at("published"), ok={"contact_a": 200})
    ],
    ("POST", "/api/v1/portal/projects/{project_id}/meetings/{number}/minutes/answer"): [
        portal_api_case(
            kwargs=meeting_at("published"),
            data=lambda side: {"answer": "confirm"},
            ok={"contact_a": 200},
        )
    ],
    ("GET", "/api/v1/portal/action-items"): [portal_api_case(scoped=False, ok=each(200, CONTACTS))],
    ("POST", "/api/v1/portal/action-items/{action_item_id}/close"): [
        portal_api_case(
            kwargs=action_item_of("contact_a"),
            data=lambda side: {"note": "Sent"},
            ok={"contact_a": 200},
        )
    ],
}


# --- what exists --------------------------------------------------------------------------


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        else:
            route = prefix + str(entry.pattern)
            if entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
            else:
                name = f"<unnamed> /{route}"
            yield name, route, entry


def _is_api_operation(pattern: URLPattern) -> bool:
    return getattr(pattern.callback, "__module__", "").startswith("ninja.operation")


def _schema_operations() -> dict[tuple[str, str], str]:
    schema = api.get_openapi_schema()
    return {
        (method.upper(), path): operation.get("operationId", "")
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }


def url_routes() -> dict[str, str]:
    """Every page URL name (ninja operations excluded: they are API operations)."""
    return {
        name: route
        for name, route, pattern in _walk(get_resolver().url_patterns)
        if not _is_api_operation(pattern)
    }


def test_every_url_pattern_is_in_the_matrix() -> None:
    routes = url_routes()
    missing = sorted(set(routes) - set(PAGES))
    stale = sorted(set(PAGES) - set(routes))
    assert not missing, (
        "URL patterns not covered by the authorization matrix (add them to PAGES in "
        f"tests/test_authorization_matrix.py): {[f'{n} (/{routes[n]})' for n in missing]}"
    )
    assert not stale, f"PAGES names URL patterns that no longer exist: {stale}"


def test_every_ninja_route_is_an_operation_in_the_schema() -> None:
    """A ninja operation hidden from the schema would escape OPERATIONS: it must be listed."""
    operation_ids = set(_schema_operations().values())
    hidden = sorted(
        name
        for name, _route, pattern in _walk(get_resolver().url_patterns)
        if _is_api_operation(pattern) and name.split(":")[-1] not in operation_ids
    )
    assert not hidden, (
        f"API routes missing from the OpenAPI schema, so not covered by OPERATIONS: {hidden}"
    )


def test_every_api_operation_is_in_the_matrix() -> None:
    operations = set(_schema_operations())
    missing = sorted(operations - set(OPERATIONS))
    stale = sorted(set(OPERATIONS) - operations)
    assert not missing, (
        "API operations not covered by the authorization matrix (add them to OPERATIONS in "
        f"tests/test_authorization_matrix.py): {missing}"
    )
    assert not stale, f"OPERATIONS names API operations that no longer exist: {stale}"


def _all_cases() -> Iterator[tuple[str, Case]]:
    for name, cases in PAGES.items():
        for case in cases:
            yield name, case
    for (method, path), cases in OPERATIONS.items():
        for case in cases:
            yield f"{method} {path}", case


def test_matrix_is_well_formed() -> None:
    """Every route has a positive control (someone succeeds), so the matrix cannot pass by
    denying everything; role names are real."""
    problems = []
    for key, cases in [*PAGES.items(), *((f"{m} {p}", c) for (m, p), c in OPERATIONS.items())]:
        successes = [
            (case.tag, role)
            for case in cases
            for role in ROLES
            if isinstance(case.expect(role), int) and 200 <= int(case.expect(role)) < 400
        ]
        if not successes and key not in {"api:api-root", "api:unknown"}:  # always 404
            problems.append(f"{key}: no role succeeds (add a positive control)")
        tags = [case.tag for case in cases]
        if len(tags) != len(set(tags)):
            problems.append(f"{key}: give each case a distinct label: {tags}")
        for case in cases:
            for role in [*case.ok, *case.denied, *(case.foreign or {})]:
                if role not in SAME_ORG:
                    problems.append(f"{key}[{case.tag}]: unknown role {role!r}")
            if overlap := set(case.ok) & set(case.denied):
                problems.append(f"{key}[{case.tag}]: both allowed and denied: {overlap}")
    assert not problems, "\n".join(problems)


# --- the world, built once for the module --------------------------------------------------


@pytest.fixture(scope="module")
def matrix_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Two organisations, with an API token for each member (and a portal API token for each
    contact) and an email in each outbox.

    Built once inside a transaction that is rolled back after the module; each test runs in a
    nested savepoint (pytest-django's ``db``), so writes made by one test are undone."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        world = World(one=build_side("one"), two=build_side("two"))
        for side in (world.one, world.two):
            side.extra["tokens"] = {
                role: api_token_create(actor=side.actor(getattr(side, role)), name="matrix")[1]
                for role in MEMBERS
            } | {
                role: contact_api_token_create(
                    actor=side.contact_actor(getattr(side, role)), name="matrix"
                )[1]
                for role in CONTACTS
            }
            side.extra["sessions"] = {
                role: _client(_user_of(side, role))
                .cookies[django_settings.SESSION_COOKIE_NAME]
                .value
                for role in SAME_ORG
            }
            side.extra["email"] = OutboundEmail.objects.create(
                organisation=side.organisation,
                to="someone@example.test",
                subject=f"Hello from {side.organisation.name}",
                body_text="Hello",
                language="en",
                kind="matrix",
            )
            side.extra["notifications"] = {
                role: Notification.objects.create(
                    organisation=side.organisation,
                    user=_user_of(side, role),
                    side="contact" if role in CONTACTS else "member",
                    language="en",
                    kind="report_answer" if role in CONTACTS else "report_question",
                    title=f"Notification of {role} of {side.organisation.name}",
                    link="/portal/" if role in CONTACTS else "/app/",
                )
                for role in ("pm", "contact_a")
            }
    try:
        yield world
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _user_of(side: Side, role: str) -> User:
    if role in CONTACTS:
        user = getattr(side, role).user
        assert user is not None
        return user
    return getattr(side, role)


def _fingerprint(organisation: Organisation) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the organisation, field by field (volatile bookkeeping fields excepted)."""
    scoped: list[tuple[type[models.Model], dict[str, Any], set[str]]] = [
        (Organisation, {"pk": organisation.pk}, set()),
        (Membership, {"organisation": organisation}, set()),
        (Invitation, {"organisation": organisation}, set()),
        (ApiToken, {"organisation": organisation}, {"last_used_at"}),
        (Client, {"organisation": organisation}, set()),
        (Contact, {"organisation": organisation}, set()),
        (ClientImport, {"organisation": organisation}, set()),
        (PortalInvitation, {"contact__organisation": organisation}, set()),
        (Project, {"organisation": organisation}, set()),
        (ProjectMember, {"project__organisation": organisation}, set()),
        (AuditEvent, {"organisation": organisation}, set()),
        (OutboundEmail, {"organisation": organisation}, set()),
        (Notification, {"organisation": organisation}, set()),
        (NotificationPreference, {"user__memberships__organisation": organisation}, set()),
        (NotificationPreference, {"user__contacts__organisation": organisation}, set()),
        (ChangeRequest, {"project__organisation": organisation}, set()),
        (CostImpact, {"change_request__project__organisation": organisation}, set()),
        (Decision, {"change_request__project__organisation": organisation}, set()),
        (StatusReport, {"project__organisation": organisation}, set()),
        (ReportAcknowledgement, {"report__project__organisation": organisation}, set()),
        (ReportThread, {"report__project__organisation": organisation}, set()),
        (ReportMessage, {"thread__report__project__organisation": organisation}, set()),
        (Objective, {"project__organisation": organisation}, set()),
        (Milestone, {"project__organisation": organisation}, set()),
        (Deliverable, {"project__organisation": organisation}, set()),
        (DeliverableDecision, {"deliverable__project__organisation": organisation}, set()),
        (BudgetLine, {"project__organisation": organisation}, set()),
        (QualityStandard, {"project__organisation": organisation}, set()),
        (BaselineVersion, {"project__organisation": organisation}, set()),
        (CostEntry, {"project__organisation": organisation}, set()),
        (TimeEntry, {"project__organisation": organisation}, set()),
        (Stakeholder, {"project__organisation": organisation}, set()),
        (PlanItem, {"project__organisation": organisation}, set()),
        (PlanItem.audience.through, {"planitem__project__organisation": organisation}, set()),
        (Interaction, {"organisation": organisation}, set()),
        (Interaction.contacts.through, {"interaction__organisation": organisation}, set()),
        (Thread, {"project__organisation": organisation}, set()),
        (Message, {"thread__project__organisation": organisation}, set()),
        (MessageAttachment, {"message__thread__project__organisation": organisation}, set()),
        (ThreadRead, {"thread__project__organisation": organisation}, set()),
        (MeetingSeries, {"project__organisation": organisation}, set()),
        (Meeting, {"project__organisation": organisation}, set()),
        (AgendaItem, {"meeting__project__organisation": organisation}, set()),
        (Minutes, {"meeting__project__organisation": organisation}, set()),
        (MinutesVersion, {"minutes__meeting__project__organisation": organisation}, set()),
        (
            MinutesResponse,
            {"version__minutes__meeting__project__organisation": organisation},
            set(),
        ),
        (MeetingDecision, {"meeting__project__organisation": organisation}, set()),
        (ActionItem, {"project__organisation": organisation}, set()),
        (Risk, {"project__organisation": organisation}, set()),
        (Issue, {"project__organisation": organisation}, set()),
        (Conflict, {"organisation": organisation}, set()),
        (Conflict.team_parties.through, {"conflict__organisation": organisation}, set()),
        (Conflict.contact_parties.through, {"conflict__organisation": organisation}, set()),
        (ConflictStep, {"conflict__organisation": organisation}, set()),
        (Evidence, {"conflict__organisation": organisation}, set()),
        (Evidence, {"issue__project__organisation": organisation}, set()),
        (Closure, {"project__organisation": organisation}, set()),
        (CheckIn, {"project__organisation": organisation}, set()),
        (ClosureSettings, {"organisation": organisation}, set()),
        (Lesson, {"organisation": organisation}, set()),
        (LessonTerm, {"organisation": organisation}, set()),
        (WebhookSubscription, {"organisation": organisation}, set()),
        (WebhookDelivery, {"organisation": organisation}, set()),
        (WebhookAttempt, {"delivery__organisation": organisation}, set()),
        (OrganisationExport, {"organisation": organisation}, set()),
    ]
    result = {}
    for model, filters, volatile in scoped:
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in volatile]
        rows = model._default_manager.filter(**filters).order_by("pk").values_list(*fields)
        result[f"{model.__name__} {sorted(filters)}"] = list(rows)
    return result


def _markers(side: Side) -> list[str]:
    """Text that identifies the owning side; none of it may reach the other organisation."""
    return [
        side.organisation.name,
        side.client_a.name,
        side.client_b.name,
        side.project_a.code,
        side.project_a_draft.code,
        side.project_b.code,
        side.contact_a.email,
        side.contact_b.email,
        side.owner.email,
        side.pm.email,
    ]


# One request handler for every test client: loading the middleware (WhiteNoise scans the
# static files) once per client would dominate the run time.
_HANDLER = ClientHandler(enforce_csrf_checks=False)


def _client(user: User | None = None, session: str | None = None) -> HttpClient:
    http = HttpClient()
    http.handler = _HANDLER
    if user is not None:
        http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if session is not None:
        http.cookies[django_settings.SESSION_COOKIE_NAME] = session
    return http


def _params() -> Iterator[Any]:
    for key, case in _all_cases():
        for role in ROLES:
            yield pytest.param(key, case, role, id="|".join(filter(None, [key, case.tag, role])))


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "case", "role"), list(_params()))
def test_matrix(matrix_world: World, settings: Any, key: str, case: Case, role: str) -> None:
    settings.SIGNUP_OPEN = True  # the sign-up page exists in the default configuration
    owner = matrix_world.one
    acting = matrix_world.two if role.startswith("x_") else matrix_world.one
    base = role.removeprefix("x_")

    headers: dict[str, str] = {}
    http = _client()
    if role != "anon":
        if case.api and (base in MEMBERS or case.portal_api):
            headers["Authorization"] = f"Bearer {acting.extra['tokens'][base]}"
        else:
            http = _client(session=acting.extra["sessions"][base])  # signed in once per module

    kwargs = case.kwargs(owner)
    if case.api:
        method, template = key.split(" ", 1)
        path = template.format(**kwargs)
    else:
        method, path = case.method, reverse(key, kwargs=kwargs)
    data = case.data(owner) if case.data else None
    query = case.query(owner) if case.query else None

    expected = case.expect(role)
    # A write that is denied, or that comes from the other organisation, changes nothing.
    must_not_write = method != "GET" and (
        role.startswith("x_") or not (isinstance(expected, int) and 200 <= expected < 400)
    )
    before = _fingerprint(owner.organisation) if must_not_write else None
    if case.api:
        response = http.generic(
            method,
            f"{path}?{urlencode(query)}" if query else path,
            data=json.dumps(data) if data is not None else "",
            content_type="application/json",
            headers=headers,
        )
    elif method == "GET":
        response = http.get(path, query)
    else:
        assert method == "POST", f"{key}: pages are requested with GET or POST"
        response = http.post(path, data or {})
    after = _fingerprint(owner.organisation) if must_not_write else None

    where = f"{role} {method} {path}{f' {query}' if query else ''}"
    # A download streams its file; read it (which also closes it).
    content = b"".join(response.streaming_content) if response.streaming else response.content
    body = content[:500].decode(errors="replace")
    if expected == LOGIN:
        assert response.status_code == 302, f"{where}: expected a sign-in redirect, got " + (
            f"{response.status_code}: {body}"
        )
        location = urlsplit(response["Location"])
        assert location.path == reverse("accounts:login"), f"{where}: redirected to {location}"
        wanted = f"{path}?{urlencode(query)}" if query else path
        assert parse_qs(location.query).get("next") == [wanted], f"{where}: {location}"
    else:
        assert response.status_code == expected, (
            f"{where}: expected {expected}, got {response.status_code}: {body}"
        )
        if response.status_code == 302 and not case.public:
            assert not response["Location"].startswith(reverse("accounts:login")), (
                f"{where}: expected success but was sent to sign in: {response['Location']}"
            )

    assert before == after, f"{where}: answered {response.status_code} but changed data"

    if role.startswith("x_") and response.status_code == 200 and not case.public:
        content = content.decode(errors="replace")
        leaked = [marker for marker in _markers(owner) if marker in content]
        assert not leaked, f"{where}: the other organisation's page shows {leaked}"
