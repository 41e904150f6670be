"""The query-count guard: a list page or list endpoint runs the same number of queries with 2
rows as with 50. A count that grows with the data is an N+1: fix it in the selector with
``select_related``/``prefetch_related``/annotations, never by raising the expectation.

Every list is one line in ``LISTS``: the URL, who asks, and how to add ``n`` rows of what the
page lists."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.audit import services as audit
from rapport.notify.models import OutboundEmail
from rapport.tenancy.models import Invitation, Membership, Role
from rapport.tenancy.services import api_token_create, contact_api_token_create
from tests import factories
from tests.conftest import Side, World, login

pytestmark = pytest.mark.django_db

_serial = itertools.count(1)
WAY_FORWARD = "Way forward: a second designer joins on Monday."


# --- row makers: add ``n`` rows of what a page lists --------------------------------------


def checkins(side: Side, n: int) -> None:
    """Due check-ins of closed projects managed by side.pm, with different contacts."""
    from rapport.closure.models import CheckIn

    for _ in range(n):
        project = factories.ProjectFactory(client=side.client_a, pm=side.pm, status="closed")
        CheckIn.objects.create(
            project=project,
            contact=factories.ContactFactory(client=side.client_a),
            months=1,
            due_on=timezone.localdate(),
        )


def lessons(side: Side, n: int) -> None:
    """Lessons of project A (client A), in both languages, that the library and project A's
    suggestions list."""
    from rapport.lessons import services as lesson_services

    pm = side.actor(side.pm)
    for i in range(n):
        lesson_services.lesson_create(
            actor=pm,
            project_id=side.project_b.pk,
            title=f"Scope lesson {i} 需求变更",
            what_happened="The scope grew. 范围扩大。",
            recommendation="Use change requests.",
            category="change",
            tags=[f"tag{i}"],
            language="en" if i % 2 else "zh-hans",
        )


def shared_lessons(side: Side, n: int) -> None:
    """Lessons shared with client A, each of another published project of client A, and as
    many internal ones, which the portal never lists."""
    from rapport.lessons import services as lesson_services

    pm = side.actor(side.pm)
    for i in range(n):
        project = factories.published(factories.ProjectFactory(client=side.client_a, pm=side.pm))
        for shared in (True, False):
            lesson_services.lesson_create(
                actor=pm,
                project_id=project.pk,
                title=f"Weekly demo {i} 每周演示",
                what_happened="The client saw the product late.",
                recommendation="Show it every week.",
                category="communication",
                shared_with_client=shared,
            )


def shared_lessons_of_project_a(side: Side, n: int) -> None:
    from rapport.lessons import services as lesson_services

    for i in range(n):
        lesson_services.lesson_create(
            actor=side.actor(side.pm),
            project_id=side.project_a.pk,
            title=f"Agree the scope {i}",
            what_happened="The scope grew.",
            recommendation="Write it down.",
            category="change",
            tags=[f"tag{i}"],
            shared_with_client=True,
        )


def clients(side: Side, n: int) -> None:
    """Clients, each with a contact and a project (the list counts both)."""
    for _ in range(n):
        client = factories.ClientFactory(organisation=side.organisation)
        factories.ContactFactory(client=client)
        factories.ProjectFactory(client=client, pm=side.pm)


IMPORT_HEADERS = ["Client name", "Contact name", "Email", "Language"]


def client_import_url(side: Side) -> str:
    """side.pm's pending import, its rows added by ``import_rows``."""
    from rapport.clients.import_files import guess_mapping
    from rapport.clients.models import ClientImport

    client_import = ClientImport.objects.create(
        organisation=side.organisation,
        owner=side.pm,
        file_name="clients.csv",
        headers=IMPORT_HEADERS,
        mapping=guess_mapping(IMPORT_HEADERS),
    )
    return f"/app/clients/import/{client_import.pk}/"


def import_rows(side: Side, n: int) -> None:
    """Rows for existing clients (with a contact each), new clients, and rows with errors."""
    from rapport.clients.models import ClientImport

    client_import = ClientImport.objects.get(owner=side.pm)
    for _ in range(n):
        client = factories.ClientFactory(organisation=side.organisation)
        contact = factories.ContactFactory(client=client, email=f"c{next(_serial)}@x.test")
        number = len(client_import.rows) + 2
        client_import.rows += [
            [number, [client.name, "New person", f"new{number}@x.test", "en"]],
            [number + 1, [client.name, "Taken", contact.email, "xx"]],
            [number + 2, [f"New client {number}", "Person", "bad@", "zh-hans"]],
        ]
    client_import.save()


def scored_clients(side: Side, n: int) -> None:
    """Clients with a health snapshot each, in every band (the list sorts by the score)."""
    from rapport.clients.models import ClientHealthSnapshot

    for i in range(n):
        client = factories.ClientFactory(organisation=side.organisation)
        factories.ProjectFactory(client=client, pm=side.pm)
        ClientHealthSnapshot.objects.create(
            organisation=side.organisation,
            client=client,
            day=timezone.localdate(),
            score=(i * 37) % 101,
            computed_at=timezone.now(),
        )


def projects(side: Side, n: int) -> None:
    """Published projects of client A, managed by different PMs, with side.pm and side.member
    on each team (so the pm, the member and contact A all see every one)."""
    for _ in range(n):
        pm = factories.UserFactory()
        Membership.objects.create(organisation=side.organisation, user=pm, role=Role.PM)
        project = factories.published(factories.ProjectFactory(client=side.client_a, pm=pm))
        factories.ProjectMemberFactory(project=project, user=side.member)
        factories.ProjectMemberFactory(project=project, user=side.pm)


def project_team(side: Side, n: int) -> None:
    """Team members of project A, each a member of the organisation."""
    for _ in range(n):
        user = factories.UserFactory()
        Membership.objects.create(organisation=side.organisation, user=user, role=Role.MEMBER)
        factories.ProjectMemberFactory(project=side.project_a, user=user)


def contacts(side: Side, n: int) -> None:
    """Contacts of client A, half of them with a portal login."""
    for i in range(n):
        if i % 2:
            factories.portal_contact(side.client_a)
        else:
            factories.ContactFactory(client=side.client_a)


def client_a_history(side: Side, n: int) -> None:
    """Contacts, projects and audit events of client A: everything its page shows."""
    contacts(side, n)
    for _ in range(n):
        factories.ProjectFactory(client=side.client_a, pm=side.pm)
        audit.record(
            actor=side.actor(side.pm), action="updated", obj=side.client_a, changes={"x": [1, 2]}
        )


def team(side: Side, n: int) -> None:
    """Members of the organisation and pending invitations."""
    for _ in range(n):
        Membership.objects.create(organisation=side.organisation, user=factories.UserFactory())
        k = next(_serial)
        Invitation.objects.create(
            organisation=side.organisation,
            email=f"invitee{k}@example.test",
            role=Role.MEMBER,
            token_hash=f"query-count-{k}",
            invited_by=side.owner,
            expires_at=timezone.now() + timedelta(days=3),
        )


def audit_events(side: Side, n: int) -> None:
    """Audit events by different people about different kinds of record."""
    records = [side.client_a, side.contact_a, side.project_a, side.organisation]
    people = [side.owner, side.admin, side.pm]
    for i in range(n):
        audit.record(
            actor=side.actor(people[i % len(people)]),
            action="updated",
            obj=records[i % len(records)],
            changes={"name": ["old", "new"]},
        )


def emails(side: Side, n: int) -> None:
    for i in range(n):
        OutboundEmail.objects.create(
            organisation=side.organisation,
            to=f"person{i}@example.test",
            subject="Hello",
            body_text="Hello",
            language="en",
            kind="test",
        )


def organisation_exports(side: Side, n: int) -> None:
    """Exports asked for by different owners, in every state."""
    from rapport.portability.models import OrganisationExport

    states = list(OrganisationExport.Status)
    for i in range(n):
        owner = factories.UserFactory()
        Membership.objects.create(organisation=side.organisation, user=owner, role=Role.OWNER)
        OrganisationExport.objects.create(
            organisation=side.organisation,
            requested_by=owner,
            status=states[i % len(states)],
            size=1000 + i,
        )


def _notifications(side: Side, n: int, *, to: str, kind: str) -> None:
    """Events emailed (and so notified) through the real service, every other one read."""
    from rapport.notify.models import Notification
    from rapport.notify.services import email_queue

    for i in range(n):
        email_queue(
            to=to,
            template=kind,
            context={"name": "Someone", "reference": f"SR-{i}", "link": "http://testserver/"},
            language="en",
            kind=kind,
            organisation_id=side.organisation.pk,
        )
    latest = Notification.objects.filter(email=to).order_by("-pk")[:n]
    Notification.objects.filter(pk__in=[row.pk for row in latest][::2]).update(
        read_at=timezone.now()
    )


def member_notifications(side: Side, n: int) -> None:
    _notifications(side, n, to=side.pm.email, kind="report_question")


def contact_notifications(side: Side, n: int) -> None:
    _notifications(side, n, to=side.contact_a.email, kind="report_answer")


def tokens(side: Side, n: int) -> None:
    for i in range(n):
        api_token_create(actor=side.actor(side.owner), name=f"token {i}")


def project_a_team(side: Side, n: int) -> None:
    """Team members and history of project A: everything its page shows."""
    for _ in range(n):
        user = factories.UserFactory()
        Membership.objects.create(organisation=side.organisation, user=user, role=Role.MEMBER)
        factories.ProjectMemberFactory(project=side.project_a, user=user)
        audit.record(
            actor=side.actor(side.pm), action="updated", obj=side.project_a, changes={"x": [1, 2]}
        )


def baseline_page_rows(side: Side, n: int) -> None:
    """Project A's baseline as its pages show it: objectives with owners, milestones (some
    done) with deliverables decided by the client and under quality standards, budget lines,
    versions; and costs and hours by different people."""
    from decimal import Decimal

    from rapport.projects import baseline
    from rapport.projects.models import (
        BaselineVersion,
        BudgetLine,
        CostEntry,
        Deliverable,
        DeliverableDecision,
        Milestone,
        Objective,
        QualityStandard,
        TimeEntry,
    )

    project = side.project_a
    for i in range(n):
        day = project.start_date + timedelta(days=i % 300)
        person = factories.UserFactory()
        Membership.objects.create(organisation=side.organisation, user=person, role=Role.MEMBER)
        Objective.objects.create(
            project=project,
            statement=f"Page objective {i} for the client",
            due_date=day,
            owner=person,
        )
        milestone = Milestone.objects.create(
            project=project,
            name=f"Page milestone {i}",
            baseline_date=day,
            done_date=day if i % 2 else None,
            client_visible=bool(i % 3),
        )
        deliverable = Deliverable.objects.create(
            project=project,
            milestone=milestone,
            name=f"Page deliverable {i}",
            acceptance_criteria="x",
        )
        DeliverableDecision.objects.create(
            deliverable=deliverable, contact=side.contact_a, decision="rejected", criteria_shown="x"
        )
        QualityStandard.objects.create(
            project=project, title=f"Page standard {i}"
        ).deliverables.set([deliverable])
        category = ("labour", "travel", "licences", "other")[i % 4]
        BudgetLine.objects.create(project=project, category=category, amount=Decimal("10.10"))
        CostEntry.objects.create(project=project, category=category, date=day, amount=Decimal("1"))
        TimeEntry.objects.create(
            project=project, person=person, date=day, hours=Decimal("1"), rate=Decimal("9.99")
        )
    snapshot = baseline.build_snapshot(project)
    start = max(project.baseline_versions.values_list("number", flat=True), default=0) + 1
    for number in range(start, start + n):
        BaselineVersion.objects.create(
            project=project,
            number=number,
            status=BaselineVersion.Status.SUPERSEDED,
            snapshot=snapshot,
            client_snapshot=baseline.client_projection(snapshot),
            client_snapshot_sha256="-",
            submitted_by=side.pm,
            decided_by=side.contact_a,
        )


def portal_baseline_rows(side: Side, n: int) -> None:
    """Client-visible milestones of project A with deliverables awaiting acceptance, in a
    baseline version the client signed, and one more awaiting sign-off."""
    from rapport.projects import baseline_services
    from rapport.projects.models import Deliverable, Milestone

    project, pm = side.project_a, side.actor(side.pm)
    for i in range(n):
        milestone = Milestone.objects.create(
            project=project,
            name=f"Portal milestone {i}",
            baseline_date=project.start_date + timedelta(days=i % 300),
        )
        Deliverable.objects.create(
            project=project,
            milestone=milestone,
            name=f"Portal deliverable {i}",
            acceptance_criteria="x",
            status=Deliverable.Status.SUBMITTED,
        )
    pending = project.baseline_versions.filter(status="submitted").first()
    if pending is not None:
        baseline_services.baseline_withdraw(actor=pm, version=pending)
    version = baseline_services.baseline_submit(actor=pm, project=project, reason="More")
    baseline_services.baseline_sign(actor=side.contact_actor(side.contact_a), version=version)
    baseline_services.project_rebaseline(actor=pm, project=project, reason="Even more")
    baseline_services.item_update(
        actor=pm, item=side.baseline["milestone"], name=f"Design approved {n}"
    )
    baseline_services.baseline_submit(actor=pm, project=project)


def feedback_rows(side: Side, n: int) -> None:
    """Surveys sent to new contacts of client A, half answered, and feedback recorded by the
    team member with a contact named."""
    from rapport.clients.models import Contact
    from rapport.feedback import services as feedback

    pm, member = side.actor(side.pm), side.actor(side.member)
    for i in range(n):
        contact = Contact.objects.create(
            organisation=side.organisation,
            client=side.client_a,
            full_name=f"Respondent {next(_serial)}",
            email=f"respondent{next(_serial)}@client.test",
        )
        survey = feedback.survey_send(actor=pm, project=side.project_a, contact_ids=[contact.pk])
        if i % 2:
            invitation = survey.invitations.get()
            values = {
                f"q{q.pk}": {"rating": "3", "nps": "7", "text": "ok"}[q.kind]
                for q in survey.template.questions.all()
            }
            feedback.survey_answer(invitation=invitation, values=values, actor=pm)
        feedback.feedback_record(
            actor=member,
            project=side.project_a,
            source="call",
            received_on=timezone.localdate(),
            contact_id=contact.pk,
            progress=1 + i % 5,
        )


def surveys_to_contact_a(side: Side, n: int) -> None:
    """Open surveys of project A sent to contact A, each of another template."""
    from rapport.feedback import services as feedback
    from rapport.feedback import template_services

    pm = side.actor(side.pm)
    question = {"kind": "rating", "dimension": "quality", "text_en": "Q", "text_zh": "问"}
    for _ in range(n):
        template = template_services.template_save(
            actor=pm, name=f"Template {next(_serial)}", questions=[question]
        )
        feedback.survey_send(
            actor=pm,
            project=side.project_a,
            contact_ids=[side.contact_a.pk],
            template_id=template.pk,
        )


def survey_templates(side: Side, n: int) -> None:
    """Survey templates of the organisation, each with a rating and a text question."""
    from rapport.feedback.models import Question, SurveyTemplate

    for _ in range(n):
        template = SurveyTemplate.objects.create(
            organisation=side.organisation, name=f"Template {next(_serial)}"
        )
        Question.objects.create(
            template=template, kind="rating", dimension="quality", text_en="Q", text_zh="问"
        )
        Question.objects.create(template=template, kind="text", text_en="T", text_zh="文")


def improvement_rows(side: Side, n: int) -> None:
    """Improvement actions with different owners, from feedback, half shown to the client."""
    from rapport.feedback import followups
    from rapport.feedback import services as feedback

    pm = side.actor(side.pm)
    for i in range(n):
        owner = factories.UserFactory()
        Membership.objects.create(organisation=side.organisation, user=owner, role=Role.MEMBER)
        factories.ProjectMemberFactory(project=side.project_a, user=owner)
        source = feedback.feedback_record(
            actor=pm,
            project=side.project_a,
            source="email",
            received_on=timezone.localdate(),
            quality=1 + i % 5,
        )
        followups.improvement_save(
            actor=pm,
            project=side.project_a,
            title=f"Improve {next(_serial)}",
            owner_id=owner.pk,
            you_said="Too slow",
            shareable=bool(i % 2),
            feedback_id=source.pk,
        )


def pm_ratings(side: Side, n: int) -> None:
    """The PM's ratings of successive periods, with client feedback in each."""
    from rapport.feedback import followups
    from rapport.feedback import services as feedback

    pm = side.actor(side.pm)
    today = timezone.localdate()
    for i in range(n):
        day = today - timedelta(days=7 * i)
        feedback.feedback_record(
            actor=pm, project=side.project_a, source="call", received_on=day, progress=1 + i % 5
        )
        followups.pm_rating_record(
            actor=pm,
            project=side.project_a,
            period_start=day - timedelta(days=6),
            period_end=day,
            progress=4,
            quality=3,
        )


def risks_and_issues(side: Side, n: int) -> None:
    """Risks of project A owned by different team members, in every status and score, some
    client-visible, some occurred into issues; issues with different owners, some shared,
    some resolved."""
    from rapport.risks import services as risks

    pm = side.actor(side.pm)
    for i in range(n):
        owner = factories.UserFactory()
        Membership.objects.create(organisation=side.organisation, user=owner, role=Role.MEMBER)
        factories.ProjectMemberFactory(project=side.project_a, user=owner)
        risk = risks.risk_create(
            actor=pm,
            project=side.project_a,
            title=f"Risk {next(_serial)}",
            probability=1 + i % 5,
            impact=1 + (i // 5) % 5,
            owner_id=owner.pk,
            mitigation="Watch it" if i % 2 else "",
            contingency="Plan B",
            client_visible=bool(i % 3),
        )
        if i % 4 == 1:
            risks.risk_update(actor=pm, risk=risk, status="mitigating")
        if i % 4 == 2:
            issue = risks.risk_occurred(actor=pm, risk=risk)
            risks.issue_share(actor=pm, issue=issue)
        issue = risks.issue_create(
            actor=pm,
            project=side.project_a,
            title=f"Issue {next(_serial)}",
            owner_id=owner.pk,
            affects_budget=bool(i % 2),
            proposed_solution="A way forward",
            due_date=timezone.localdate() - timedelta(days=i % 7),
        )
        if i % 3 == 0:
            issue = risks.issue_share(actor=pm, issue=issue)
        if i % 5 == 0:
            risks.issue_resolve(actor=pm, issue=issue, resolution="Done")


def risk_history(side: Side, n: int) -> None:
    """Updates to project A's first risk (made on first use) by different people."""
    from rapport.risks import services as risks
    from rapport.risks.models import Risk

    risk = Risk.objects.filter(project=side.project_a, number=1).first()
    if risk is None:
        risk = risks.risk_create(
            actor=side.actor(side.pm),
            project=side.project_a,
            title="Watched risk",
            probability=2,
            impact=2,
            owner_id=side.pm.pk,
        )
    people = [side.pm, side.member, side.admin]
    for i in range(n):
        risk = risks.risk_update(
            actor=side.actor(people[i % 3]), risk=risk, mitigation=f"Step {next(_serial)}"
        )


def conflicts_of_client_a(side: Side, n: int) -> None:
    """Conflicts of client A, on project A or the client at large, with several root causes
    and parties, some closed."""
    from rapport.risks import conflicts

    pm = side.actor(side.pm)
    causes = ["communication", "expectations", "resources", "scope", "personal", "other"]
    for i in range(n):
        conflict = conflicts.conflict_create(
            actor=pm,
            client=side.client_a,
            title=f"Conflict {next(_serial)}",
            root_causes=causes[i % 6 : i % 6 + 2],
            project_id=side.project_a.pk if i % 2 else None,
            team_party_ids=[side.pm.pk, side.member.pk],
            contact_party_ids=[side.contact_a.pk],
            strategy="mediation",
        )
        if i % 3 == 0:
            conflicts.conflict_close(actor=pm, conflict=conflict, resolution="Agreed")


def conflict_timeline_parties(side: Side, n: int) -> None:
    """Conflicts of client A, then parties and steps on the first of them."""
    conflicts_of_client_a(side, n)
    conflict_timeline_and_evidence(side, n // 4)


def _first_conflict(side: Side) -> str:
    """The page of client A's first conflict (made on first use)."""
    from rapport.risks import conflicts
    from rapport.risks.models import Conflict

    conflict = Conflict.objects.filter(client=side.client_a).order_by("number").first()
    if conflict is None:
        conflict = conflicts.conflict_create(
            actor=side.actor(side.pm),
            client=side.client_a,
            title="Watched conflict",
            root_causes=["expectations"],
        )
    return f"/app/conflicts/{conflict.pk}/"


def conflict_timeline_and_evidence(side: Side, n: int) -> None:
    """On that conflict: parties, steps by different people, and linked change requests the
    client decided on, status reports it acknowledged and issues shared with it."""
    from rapport.changes import services as cr
    from rapport.reports import services as reports
    from rapport.risks import conflicts
    from rapport.risks import services as risks
    from rapport.risks.models import Conflict

    conflict = Conflict.objects.filter(client=side.client_a).order_by("number").first()
    assert conflict is not None
    pm, client = side.actor(side.pm), side.contact_actor(side.contact_a)
    last = side.project_a.status_reports.order_by("-period_end").first()
    start = last.period_end + timedelta(days=1) if last else side.project_a.start_date
    for i in range(n):
        person = factories.UserFactory()
        Membership.objects.create(organisation=side.organisation, user=person, role=Role.MEMBER)
        contact = factories.portal_contact(side.client_a)
        conflicts.conflict_update(
            actor=pm,
            conflict=conflict,
            team_party_ids=[*conflict.team_parties.values_list("pk", flat=True), person.pk],
            contact_party_ids=[*conflict.contact_parties.values_list("pk", flat=True), contact.pk],
        )
        conflicts.conflict_step_add(
            actor=pm, conflict=conflict, description=f"Step {i}", taken_by_id=person.pk
        )
        kind = i % 3
        if kind == 0:
            change = cr.change_request_create(
                actor=pm, project=side.project_a, title=f"Change {i}", description="x", submit=True
            )
            change = cr.change_request_evaluate(
                actor=pm, change_request=change, schedule_days=1, recommendation="approve"
            )
            change = cr.change_request_send_for_approval(actor=pm, change_request=change)
            cr.change_request_decide(actor=client, change_request=change, decision="approve")
            conflicts.evidence_link(actor=pm, conflict=conflict, change_request_id=change.pk)
        elif kind == 1:
            report = reports.report_draft(
                actor=pm, project=side.project_a, period_start=start, period_end=start
            )
            start += timedelta(days=1)
            report = reports.report_publish(actor=pm, report=report)
            reports.report_acknowledge(actor=side.contact_actor(contact), report=report)
            conflicts.evidence_link(actor=pm, conflict=conflict, status_report_id=report.pk)
        else:
            issue = risks.issue_create(
                actor=pm,
                project=side.project_a,
                title=f"Issue {i}",
                owner_id=side.pm.pk,
                proposed_solution="A way forward",
            )
            risks.issue_share(actor=pm, issue=issue)
            conflicts.evidence_link(actor=pm, conflict=conflict, issue_id=issue.pk)


def issue_evidence(side: Side, n: int) -> None:
    """Change requests of project A linked to its first issue (made on first use)."""
    from rapport.changes import services as cr
    from rapport.risks import conflicts
    from rapport.risks.models import Issue

    issue = Issue.objects.get(project=side.project_a, number=1)
    pm = side.actor(side.pm)
    for i in range(n):
        change = cr.change_request_create(
            actor=pm, project=side.project_a, title=f"Change {i}", description="x", submit=True
        )
        conflicts.evidence_link(actor=pm, issue=issue, change_request_id=change.pk)


def _first_issue(side: Side) -> str:
    from rapport.risks import services as risks
    from rapport.risks.models import Issue

    if not Issue.objects.filter(project=side.project_a, number=1).exists():
        risks.issue_create(
            actor=side.actor(side.pm), project=side.project_a, title="Late", owner_id=side.pm.pk
        )
    return f"/app/projects/{side.project_a.pk}/issues/1/"


# --- the table: one line per list ---------------------------------------------------------


def webhooks(side: Side, n: int) -> None:
    from rapport.webhooks import services as webhook_services

    for _ in range(n):
        webhook_services.subscription_create(
            actor=side.actor(side.admin),
            url=f"https://hooks{next(_serial)}.example.com/in",
            events=["issue.shared", "closure.accepted"],
        )


def _the_webhook(side: Side) -> Any:
    from rapport.webhooks import services as webhook_services
    from rapport.webhooks.models import WebhookSubscription

    return WebhookSubscription.objects.filter(
        organisation=side.organisation, description="query counts"
    ).first() or webhook_services.subscription_create(
        actor=side.actor(side.admin),
        url="https://hooks.example.com/in",
        events=["issue.shared"],
        description="query counts",
    )


def webhook_deliveries(side: Side, n: int) -> None:
    """Deliveries of one subscription, each with two logged attempts."""
    from rapport.webhooks.models import WebhookAttempt, WebhookDelivery

    subscription = _the_webhook(side)
    for i in range(n):
        delivery = WebhookDelivery.objects.create(
            organisation=side.organisation,
            subscription=subscription,
            event="issue.shared",
            payload={"id": str(i), "event": "issue.shared", "data": {}},
            attempts=2,
            last_status_code=500,
        )
        for number in (1, 2):
            WebhookAttempt.objects.create(
                delivery=delivery, number=number, started_at=timezone.now(), status_code=500
            )


@dataclass(frozen=True)
class ListPage:
    url: Callable[[Side], str]
    role: str  # the Side attribute of the person who asks (a member, or a contact_*)
    rows: Callable[[Side, int], None]
    api: bool = False


def _exports(
    name: str, path: Callable[[Side], str], role: str, rows: Callable[[Side, int], None]
) -> dict[str, ListPage]:
    """A list's CSV and Excel exports (``path`` without ``.csv``/``.xlsx``)."""
    return {
        f"{name}_{fmt}": ListPage(lambda s, fmt=fmt: f"{path(s)}.{fmt}", role, rows)  # type: ignore[misc]
        for fmt in ("csv", "xlsx")
    }


def baseline_rows(side: Side, n: int) -> None:
    """Of each kind, on project A: objectives (with owners), milestones with deliverables
    under quality standards, budget lines, cost and time entries (by different people), and
    baseline versions."""
    from decimal import Decimal

    from rapport.projects import baseline
    from rapport.projects.models import (
        BaselineVersion,
        BudgetLine,
        CostEntry,
        Deliverable,
        Milestone,
        Objective,
        QualityStandard,
        TimeEntry,
    )

    project = side.project_a
    for i in range(n):
        day = project.start_date + timedelta(days=i % 300)
        person = factories.UserFactory()
        Membership.objects.create(organisation=side.organisation, user=person, role=Role.MEMBER)
        Objective.objects.create(
            project=project, statement=f"Objective {i} for the client", due_date=day, owner=person
        )
        milestone = Milestone.objects.create(
            project=project, name=f"Milestone {i}", baseline_date=day, done_date=day
        )
        deliverable = Deliverable.objects.create(
            project=project, milestone=milestone, name=f"Deliverable {i}", acceptance_criteria="x"
        )
        standard = QualityStandard.objects.create(project=project, title=f"Standard {i}")
        standard.deliverables.set([deliverable])
        category = ("labour", "travel", "licences", "other")[i % 4]
        BudgetLine.objects.create(project=project, category=category, amount=Decimal("10.10"))
        CostEntry.objects.create(project=project, category=category, date=day, amount=Decimal("1"))
        TimeEntry.objects.create(
            project=project, person=person, date=day, hours=Decimal("1"), rate=Decimal("9.99")
        )
    snapshot = baseline.build_snapshot(project)
    start = max(project.baseline_versions.values_list("number", flat=True), default=0) + 1
    for number in range(start, start + n):
        BaselineVersion.objects.create(
            project=project,
            number=number,
            status=BaselineVersion.Status.SUPERSEDED,
            snapshot=snapshot,
            client_snapshot=snapshot,
            client_snapshot_sha256="-",
            submitted_by=side.pm,
        )


def baseline_list(resource: str) -> ListPage:
    """An API list of project A's baseline, as its PM."""
    return ListPage(
        lambda s: f"/api/v1/projects/{s.project_a.pk}/{resource}", "pm", baseline_rows, api=True
    )


def change_requests(side: Side, n: int) -> None:
    """Change requests in several states, raised by the PM and by the client, with costs."""
    from rapport.changes import services as cr

    pm = side.actor(side.pm)
    for i in range(n):
        raiser = side.contact_actor(side.contact_a) if i % 2 else pm
        request = cr.change_request_create(
            actor=raiser,
            project=side.project_a,
            title=f"Change {next(_serial)}",
            description="More",
            submit=True,
            milestones=[side.baseline["milestone"].pk],
        )
        if i % 3 == 0:
            request = cr.change_request_evaluate(
                actor=pm,
                change_request=request,
                schedule_days=2,
                recommendation="approve",
                costs={"labour": "100", "travel": "20"},
            )
        if i % 6 == 0:  # the client sees its impact
            cr.change_request_send_for_approval(actor=pm, change_request=request)


def status_reports(side: Side, n: int) -> None:
    """Weekly status reports of project A after the last one, most published (the client
    sees those), some acknowledged, some correcting an earlier one."""
    from rapport.reports import services as reports

    pm = side.actor(side.pm)
    last = side.project_a.status_reports.order_by("-period_end").first()
    start = last.period_end + timedelta(days=1) if last else side.project_a.start_date
    for i in range(n):
        report = reports.report_draft(
            actor=pm, project=side.project_a, period_start=start, period_end=start + timedelta(6)
        )
        start += timedelta(days=7)
        if i % 4 == 3:
            continue  # a draft
        report = reports.report_update(actor=pm, report=report, problems=WAY_FORWARD)
        report = reports.report_publish(actor=pm, report=report)
        if i % 2:
            reports.report_acknowledge(actor=side.contact_actor(side.contact_a), report=report)
        if i % 5 == 0:
            correction = reports.report_draft(
                actor=pm,
                project=side.project_a,
                period_start=report.period_start,
                period_end=report.period_end,
                corrects=report,
            )
            reports.report_update(actor=pm, report=correction, problems=WAY_FORWARD)
            reports.report_publish(actor=pm, report=correction)


def communication_rows(side: Side, n: int) -> None:
    """For project A: stakeholders (new contacts of client A), plan items each with an audience,
    some done by reports, and touchpoints fulfilling them, some on the client at large."""
    from rapport.clients.models import Contact
    from rapport.communication import services as comm

    pm = side.actor(side.pm)
    for i in range(n):
        contact = Contact.objects.create(
            organisation=side.organisation,
            client=side.client_a,
            full_name=f"Person {next(_serial)}",
        )
        comm.stakeholder_add(
            actor=pm,
            project=side.project_a,
            contact=contact,
            influence="high" if i % 2 else "low",
            interest="high" if i % 3 else "low",
        )
        item = comm.plan_item_create(
            actor=pm,
            project=side.project_a,
            audience=[contact, side.contact_a],
            owner_id=side.pm.pk,
            title=f"Touchpoint {i}",
            channel="video",
            cadence_days=7,
            starts_on=timezone.localdate() - timedelta(days=30),
            fulfilled_by="status_report" if i % 4 == 0 else "interaction",
        )
        comm.interaction_log(
            actor=pm,
            client=side.client_a,
            project=side.project_a if i % 5 else None,
            contacts=[contact, side.contact_a],
            plan_item=item if i % 5 else None,
            occurred_at=timezone.now() - timedelta(days=i % 9),
            channel="video",
            kind="decision",
            summary=f"Call {i}",
        )


def first_published_report(side: Side) -> str:
    """The acknowledgements page of project A's first report, published on first call."""
    from rapport.reports import services as reports

    report = side.project_a.status_reports.filter(number=1).first()
    if report is None:
        pm = side.actor(side.pm)
        start = side.project_a.start_date
        report = reports.report_draft(
            actor=pm, project=side.project_a, period_start=start, period_end=start + timedelta(6)
        )
        reports.report_update(actor=pm, report=report, problems=WAY_FORWARD)
        reports.report_publish(actor=pm, report=report)
    return f"/app/projects/{side.project_a.pk}/reports/1/acknowledgements/"


def report_readers(side: Side, n: int) -> None:
    """Portal contacts of client A, every other one acknowledging report 1."""
    from rapport.reports import services as reports

    report = side.project_a.status_reports.get(number=1)
    for i in range(n):
        contact = factories.portal_contact(side.client_a)
        if i % 2:
            reports.report_acknowledge(actor=side.contact_actor(contact), report=report)


def _questioned_report(side: Side) -> int:
    """The number of project A's first published report (made on first use): its page lists
    the client's questions."""
    from rapport.reports import services as reports

    report = side.project_a.status_reports.filter(state="published").order_by("number").first()
    if report is None:
        pm = side.actor(side.pm)
        start = side.project_a.start_date
        report = reports.report_draft(
            actor=pm, project=side.project_a, period_start=start, period_end=start
        )
        report = reports.report_update(actor=pm, report=report, problems=WAY_FORWARD)
        report = reports.report_publish(actor=pm, report=report)
    return report.number


def report_questions(side: Side, n: int) -> None:
    """Questions on that report by different contacts of client A, each answered by a
    different admin and followed up (half of them wait again)."""
    from rapport.reports import threads
    from rapport.reports.models import StatusReport

    report = StatusReport.objects.get(project=side.project_a, number=_questioned_report(side))
    for i in range(n):
        contact = side.contact_actor(factories.portal_contact(side.client_a))
        thread = threads.report_thread_open(actor=contact, report=report, body=f"Question {i}")
        team = factories.UserFactory()
        Membership.objects.create(organisation=side.organisation, user=team, role=Role.ADMIN)
        threads.report_thread_answer(actor=side.actor(team), thread=thread, body=f"Answer {i}")
        if i % 2:
            threads.report_thread_follow_up(actor=contact, thread=thread, body="And then?")


def status_reports_with_questions(side: Side, n: int) -> None:
    """Status reports (see ``status_reports``), each published one with a question waiting."""
    from rapport.reports import threads

    status_reports(side, n)
    contact = side.contact_actor(side.contact_a)
    for report in side.project_a.status_reports.filter(state="published", threads=None):
        threads.report_thread_open(actor=contact, report=report, body="Why?")


def _draft_report_page(side: Side) -> str:
    """Project A's first report, a draft made on first use."""
    from rapport.reports import services as reports

    report = side.project_a.status_reports.filter(number=1).first()
    if report is None:
        report = reports.report_draft(
            actor=side.actor(side.pm),
            project=side.project_a,
            period_start=side.project_a.start_date,
            period_end=side.project_a.start_date,
        )
    return f"/app/projects/{side.project_a.pk}/reports/{report.number}/"


def risks_and_issues_read_again(side: Side, n: int) -> None:
    """Risks and issues, then the draft report reads the data again (it lists them all)."""
    from rapport.reports import services as reports

    risks_and_issues(side, n)
    report = side.project_a.status_reports.get(number=1)
    report = reports.report_refresh(actor=side.actor(side.pm), report=report)
    assert len(report.data["issues_open"]) >= n // 2


def _report_page(prefix: str) -> Callable[[Side], str]:
    return lambda s: f"{prefix}/projects/{s.project_a.pk}/reports/{_questioned_report(s)}/"


def _report_threads(prefix: str) -> Callable[[Side], str]:
    return lambda s: (
        f"{prefix}/projects/{s.project_a.pk}/status-reports/{_questioned_report(s)}/threads"
    )


def message_threads(side: Side, n: int) -> None:
    """Threads of project A opened by different client contacts and by the team, answered by
    different team members, some with files, some read by the asker."""
    from rapport.messaging import services as messaging
    from tests.messaging import samples

    for i in range(n):
        contact = factories.portal_contact(side.client_a) if i % 2 else side.contact_a
        opener = side.contact_actor(contact) if i % 3 else side.actor(side.member)
        thread = messaging.thread_open(
            actor=opener,
            project=side.project_a,
            subject=f"Question {next(_serial)}",
            body="Could you **check**?",
            attachments=[samples.png()] if i % 4 == 0 else [],
        )
        answerer = side.pm if i % 2 else side.member
        messaging.message_post(actor=side.actor(answerer), thread=thread, body="Checked.")
        if i % 5 == 0:
            messaging.thread_mark_read(actor=side.contact_actor(side.contact_a), thread=thread)


def conversation_page(prefix: str) -> Callable[[Side], str]:
    """The page of project A's long conversation, opened by the client on first call."""

    def url(side: Side) -> str:
        from rapport.messaging import services as messaging
        from rapport.messaging.models import Thread

        thread = Thread.objects.filter(project=side.project_a, subject="Long").first()
        if thread is None:
            thread = messaging.thread_open(
                actor=side.contact_actor(side.contact_a),
                project=side.project_a,
                subject="Long",
                body="Let us talk",
            )
        return f"/{prefix}/projects/{side.project_a.pk}/messages/{thread.pk}/"

    return url


def conversation_rows(side: Side, n: int) -> None:
    """Messages in the long conversation from both sides and several people, some with files."""
    from rapport.messaging import services as messaging
    from rapport.messaging.models import Thread
    from tests.messaging import samples

    thread = Thread.objects.get(project=side.project_a, subject="Long")
    for i in range(n):
        if i % 2:
            actor = side.contact_actor(factories.portal_contact(side.client_a))
        else:
            actor = side.actor(side.pm if i % 4 else side.member)
        messaging.message_post(
            actor=actor,
            thread=thread,
            body=f"Point {i}: *noted*",
            attachments=[samples.pdf(f"{i}.pdf"), samples.png()] if i % 3 == 0 else [],
        )


def waiting_threads(side: Side, n: int) -> None:
    """Client questions waiting for the PM on projects of different clients."""
    from rapport.messaging import services as messaging

    for _ in range(n):
        client = factories.ClientFactory(organisation=side.organisation)
        project = factories.published(factories.ProjectFactory(client=client, pm=side.pm))
        contact = factories.portal_contact(client)
        messaging.thread_open(
            actor=side.contact_actor(contact), project=project, subject="Help", body="Please"
        )


# --- client meetings ----------------------------------------------------------------------------


def _meeting_row(side: Side, *, days: int, number: int | None = None) -> Any:
    from rapport.meetings.models import Meeting

    start = (timezone.now() + timedelta(days=days)).replace(microsecond=0)
    if number is None:
        number = (
            side.project_a.meetings.order_by("-number").values_list("number", flat=True).first()
            or 0
        ) + 1
    meeting = Meeting.objects.create(
        project=side.project_a,
        number=number,
        title=f"Meeting {number}",
        start=start,
        end=start + timedelta(hours=1),
        time_zone="UTC",
        organiser=side.pm,
        uid=f"query-count-{number}-{next(_serial)}@rapport",
    )
    meeting.attendees.set([side.pm, side.member])
    meeting.client_attendees.set([side.contact_a])
    return meeting


def meetings(side: Side, n: int) -> None:
    """Meetings of project A (contact A invited), half of them held with published minutes,
    some in a series, each with an agenda item."""
    from rapport.meetings.models import AgendaItem, MeetingSeries, Minutes, MinutesVersion

    series = MeetingSeries.objects.create(
        project=side.project_a, frequency="weekly", count=2, uid=f"series-{next(_serial)}"
    )
    for i in range(n):
        meeting = _meeting_row(side, days=i - n // 2)
        AgendaItem.objects.create(meeting=meeting, title="Progress", owner_user=side.pm)
        if i % 3 == 0:
            meeting.series = series
            meeting.save(update_fields=["series"])
        if i % 2:
            meeting.state = "held"
            meeting.save(update_fields=["state"])
            minutes = Minutes.objects.create(meeting=meeting, recorded_by=side.pm)
            MinutesVersion.objects.create(
                minutes=minutes, number=1, content={}, confirm_by=timezone.now()
            )


def action_items(side: Side, n: int) -> None:
    """Action items of project A owned in turn by contact A, the team member and the PM, from
    meetings, some closed, some overdue."""
    from rapport.meetings.models import ActionItem

    meeting = _meeting_row(side, days=-3)
    for i in range(n):
        owner = [
            {"owner_contact": side.contact_a},
            {"owner_user": side.member},
            {"owner_user": side.pm},
        ][i % 3]
        ActionItem.objects.create(
            project=side.project_a,
            meeting=meeting if i % 2 else None,
            what=f"Action {i}",
            due_date=timezone.localdate() + timedelta(days=i - n // 2),
            status="done" if i % 5 == 0 else "open",
            closed_note="Done" if i % 5 == 0 else "",
            closed_by_user=side.pm if i % 5 == 0 else None,
            **owner,
        )


def _agenda_meeting(side: Side) -> int:
    """The number of project A's meeting tomorrow (made on first use)."""
    meeting = side.project_a.meetings.filter(title="Agenda meeting").first()
    if meeting is None:
        meeting = _meeting_row(side, days=1)
        meeting.title = "Agenda meeting"
        meeting.save(update_fields=["title"])
    return meeting.number


def agenda_rows(side: Side, n: int) -> None:
    """Agenda items of that meeting (owned by the team and the client), and what is proposed
    for it: open action items, overdue milestones, pending change requests."""
    from rapport.changes.models import ChangeRequest
    from rapport.meetings.models import ActionItem, AgendaItem
    from rapport.projects.models import Milestone

    meeting = side.project_a.meetings.get(number=_agenda_meeting(side))
    last = (
        side.project_a.change_requests.order_by("-number").values_list("number", flat=True).first()
        or 0
    )
    for i in range(n):
        AgendaItem.objects.create(
            meeting=meeting,
            title=f"Item {i}",
            order=i,
            **({"owner_user": side.member} if i % 2 else {"owner_contact": side.contact_a}),
        )
        ActionItem.objects.create(
            project=side.project_a,
            what=f"Open action {i}",
            owner_contact=side.contact_a,
            due_date=timezone.localdate() - timedelta(days=1),
        )
        Milestone.objects.create(
            project=side.project_a,
            name=f"Late {i}",
            baseline_date=timezone.localdate() - timedelta(days=i + 1),
        )
        ChangeRequest.objects.create(
            project=side.project_a,
            number=last + i + 1,
            title=f"Change {i}",
            description="x",
            state="submitted",
        )


def _decided_change_request(side: Side) -> int:
    """The number of project A's change request "Decided" (made on first use)."""
    from rapport.changes.models import ChangeRequest

    request = side.project_a.change_requests.filter(title="Decided").first()
    if request is None:
        last = side.project_a.change_requests.order_by("-number").first()
        request = ChangeRequest.objects.create(
            project=side.project_a,
            number=(last.number if last else 0) + 1,
            title="Decided",
            description="x",
            state="awaiting_approval",
        )
    return request.number


def change_request_decisions(side: Side, n: int) -> None:
    """Internal and client decisions on that change request, by the PM and by contact A."""
    from rapport.changes.models import Decision

    request = side.project_a.change_requests.get(number=_decided_change_request(side))
    for i in range(n):
        Decision.objects.create(
            change_request=request,
            kind="needs_information" if i % 2 else "internal_return",
            **({"contact": side.contact_a} if i % 2 else {"user": side.pm}),
            comment=f"Decision {i}",
            snapshot={"title": "Decided", "costs": {"labour": "100"}, "new_budget": "1"},
        )


def _minutes_meeting(side: Side) -> int:
    """The number of project A's held meeting "Minutes meeting" (made on first use)."""
    from rapport.meetings.models import Minutes

    meeting = side.project_a.meetings.filter(title="Minutes meeting").first()
    if meeting is None:
        meeting = _meeting_row(side, days=-1)
        meeting.title = "Minutes meeting"
        meeting.state = "held"
        meeting.save(update_fields=["title", "state"])
        Minutes.objects.create(meeting=meeting, recorded_by=side.pm)
    return meeting.number


def meeting_decisions(side: Side, n: int) -> None:
    """Decisions of that meeting, taken by the team and by the client."""
    from rapport.meetings.models import Decision

    meeting = side.project_a.meetings.get(number=_minutes_meeting(side))
    for i in range(n):
        Decision.objects.create(
            meeting=meeting,
            text=f"Decision {i}",
            **({"decided_by_user": side.pm} if i % 2 else {"decided_by_contact": side.contact_a}),
        )


def minutes_versions(side: Side, n: int) -> None:
    """Published versions of that meeting's minutes, each correcting the one before and
    answered by contact A."""
    from rapport.meetings.models import MinutesResponse, MinutesVersion

    meeting = side.project_a.meetings.get(number=_minutes_meeting(side))
    minutes = meeting.minutes
    last = minutes.versions.order_by("-number").first()
    for _ in range(n):
        last = MinutesVersion.objects.create(
            minutes=minutes,
            number=(last.number if last else 0) + 1,
            corrects=last,
            content={"summary": "x"},
            published_by=side.pm,
            confirm_by=timezone.now(),
        )
        MinutesResponse.objects.create(version=last, contact=side.contact_a, kind="confirmed")


def search_rows(side: Side, n: int) -> None:
    """Records of every kind global search reads, all containing the word searched for."""
    from tests.search.records import every_kind

    for _ in range(n):
        every_kind(side.project_a, pm=side.actor(side.pm), phrase="Quokka 需求")


def portfolio_projects(side: Side, n: int) -> None:
    """Projects of client A managed by side.pm, each with everything a portfolio row reads:
    milestones, budget, costs and hours, change requests (pending, and approved with a cost),
    an open risk and issue, feedback, a published report, a touchpoint and a message thread."""
    from decimal import Decimal

    from rapport.changes.models import ChangeRequest, CostImpact
    from rapport.communication.models import Interaction
    from rapport.feedback.models import Feedback
    from rapport.messaging.models import Thread
    from rapport.projects.models import BudgetLine, CostEntry, Milestone, TimeEntry
    from rapport.reports.models import StatusReport
    from rapport.risks.models import Issue, Risk

    today, now = timezone.localdate(), timezone.now()
    for i in range(n):
        project = factories.ProjectFactory(
            client=side.client_a,
            pm=side.pm,
            start_date=today - timedelta(days=60),
            end_date=today + timedelta(days=60 + i % 5),
        )
        Milestone.objects.create(
            project=project, name="Launch", baseline_date=today + timedelta(days=i % 40)
        )
        BudgetLine.objects.create(project=project, category="labour", amount=Decimal("1000"))
        CostEntry.objects.create(
            project=project, category="licences", date=today, amount=Decimal(i + 1)
        )
        TimeEntry.objects.create(
            project=project, person=side.pm, date=today, hours=Decimal("1"), rate=Decimal("50")
        )
        ChangeRequest.objects.create(
            project=project, number=1, title="Pending", description="x", state="submitted"
        )
        approved = ChangeRequest.objects.create(
            project=project,
            number=2,
            title="Approved",
            description="x",
            state="approved",
            schedule_days=3,
        )
        CostImpact.objects.create(change_request=approved, category="labour", amount=Decimal("5"))
        Risk.objects.create(
            project=project,
            number=1,
            title="Risk",
            probability=5,
            impact=4,
            score=20,
            owner=side.pm,
        )
        Issue.objects.create(
            project=project, number=1, title="Issue", owner=side.pm, due_date=today
        )
        Feedback.objects.create(
            organisation=side.organisation,
            project=project,
            source="call",
            received_on=today,
            progress=1 + i % 5,
        )
        StatusReport.objects.create(
            project=project, number=1, period_start=today, period_end=today, published_at=now
        )
        Interaction.objects.create(
            organisation=side.organisation,
            client=side.client_a,
            project=project,
            occurred_at=now,
            channel="call",
            summary="Call",
        )
        Thread.objects.create(project=project, subject="Hello", created_by_user=side.pm)


def portal_waiting_projects(side: Side, n: int) -> None:
    """Published projects of client A, each with one of every kind of thing waiting for
    contact A (a baseline to sign, a change request to decide, a deliverable to accept,
    minutes to confirm, a report to acknowledge, a survey, an action item), a message with a
    file; every other one closed, its closure awaiting acceptance."""
    from rapport.changes import services as cr
    from rapport.closure import services as closure
    from rapport.feedback import services as feedback
    from rapport.meetings import minutes as minutes_services
    from rapport.meetings import services as meeting_services
    from rapport.messaging import services as messaging
    from rapport.projects import baseline_services
    from rapport.reports import services as reports
    from tests.messaging import samples

    pm, contact = side.actor(side.pm), side.contact_actor(side.contact_a)
    today = timezone.localdate()
    for i in range(n):
        project = factories.published(factories.ProjectFactory(client=side.client_a, pm=side.pm))
        baseline = factories.baseline_for(project, pm=side.pm)
        baseline_services.baseline_submit(actor=pm, project=project)
        baseline_services.deliverable_submit(actor=pm, deliverable=baseline["deliverable"])
        request = cr.change_request_create(
            actor=contact, project=project, title=f"Change {next(_serial)}", description="More"
        )
        cr.change_request_evaluate(
            actor=pm, change_request=request, schedule_days=1, recommendation="approve"
        )
        cr.change_request_send_for_approval(actor=pm, change_request=request)
        report = reports.report_draft(
            actor=pm, project=project, period_start=today - timedelta(6), period_end=today
        )
        reports.report_publish(
            actor=pm, report=reports.report_update(actor=pm, report=report, problems=WAY_FORWARD)
        )
        feedback.survey_send(actor=pm, project=project, contact_ids=[side.contact_a.pk])
        minutes_services.action_item_create(
            actor=pm,
            project=project,
            what="Send the logo",
            due_date=today + timedelta(3),
            owner_contact_id=side.contact_a.pk,
        )
        start = (timezone.now() - timedelta(hours=2)).replace(microsecond=0)
        meeting = meeting_services.meeting_schedule(
            actor=pm,
            project=project,
            title="Weekly",
            start=start,
            end=start + timedelta(hours=1),
            time_zone="UTC",
            attendee_ids=[side.pm.pk],
            contact_ids=[side.contact_a.pk],
        )
        minutes_services.minutes_record(
            actor=pm,
            meeting=meeting,
            present_user_ids=[side.pm.pk],
            present_contact_ids=[side.contact_a.pk],
            summary="Agreed.",
        )
        minutes_services.minutes_publish(actor=pm, meeting=meeting)
        messaging.thread_open(
            actor=pm, project=project, subject="Files", body="Here", attachments=[samples.png()]
        )
        if i % 2:
            closure.closure_update(
                actor=pm, project=project, narrative="Done.", lessons="", budget_closed=True
            )
            closure.closure_close(
                actor=side.actor(side.admin), project=project, override_reason="Closed here."
            )


def home_projects(side: Side, n: int) -> None:
    """Projects of client A managed by side.pm, each with a line in every section of the home
    page: an overdue touchpoint, a client message and a report question waiting, a change
    request to assess and one with the client, a baseline, a deliverable, minutes to confirm
    and minutes with a correction, an overdue client action item, a report due and a draft, a
    low-feedback follow-up, an open conflict, a due check-in and an expectation gap."""
    from rapport.changes.models import ChangeRequest
    from rapport.closure.models import CheckIn
    from rapport.communication.models import PlanItem
    from rapport.feedback.followup_models import FollowUp, PmRating
    from rapport.feedback.models import Feedback
    from rapport.meetings.models import (
        ActionItem,
        Meeting,
        Minutes,
        MinutesResponse,
        MinutesVersion,
    )
    from rapport.messaging.models import Thread
    from rapport.projects.models import BaselineVersion, Deliverable, Milestone
    from rapport.reports.models import ReportThread, StatusReport
    from rapport.risks.models import Conflict

    today, now = timezone.localdate(), timezone.now()
    for i in range(n):
        serial = next(_serial)
        project = factories.published(
            factories.ProjectFactory(
                client=side.client_a,
                pm=side.pm,
                start_date=today - timedelta(days=90),
                report_cadence="weekly",
            )
        )
        PlanItem.objects.create(
            project=project,
            title="Weekly call",
            channel="call",
            cadence_days=7,
            owner=side.pm,
            starts_on=today - timedelta(days=30),
        ).audience.add(side.contact_a)
        Thread.objects.create(
            project=project, subject="Help", created_by_contact=side.contact_a, waiting_since=now
        )
        published = StatusReport.objects.create(
            project=project,
            number=1,
            period_start=today - timedelta(days=60),
            period_end=today - timedelta(days=53),
            state="published",
            published_at=now,
        )
        ReportThread.objects.create(report=published, opened_by=side.contact_a, waiting_since=now)
        if i % 2:  # half have a draft, the other half a report due
            StatusReport.objects.create(
                project=project, number=2, period_start=today, period_end=today
            )
        for number, state in ((1, "submitted"), (2, "awaiting_approval")):
            ChangeRequest.objects.create(
                project=project,
                number=number,
                title="Export",
                description="x",
                state=state,
                requested_by_contact=side.contact_a,
            )
        BaselineVersion.objects.create(
            project=project,
            number=1,
            snapshot={},
            client_snapshot={},
            client_snapshot_sha256="0" * 64,
            submitted_by=side.pm,
        )
        milestone = Milestone.objects.create(project=project, name="Launch", baseline_date=today)
        Deliverable.objects.create(
            project=project,
            milestone=milestone,
            name="Manual",
            acceptance_criteria="Complete",
            status="submitted",
            submitted_at=now,
        )
        for number, correction in ((1, False), (2, True)):
            meeting = Meeting.objects.create(
                project=project,
                number=number,
                title="Weekly status",
                start=now - timedelta(hours=2),
                end=now - timedelta(hours=1),
                time_zone="UTC",
                organiser=side.pm,
                state="held",
                uid=f"home-{serial}-{number}@rapport.test",
            )
            meeting.client_attendees.add(side.contact_a)
            version = MinutesVersion.objects.create(
                minutes=Minutes.objects.create(meeting=meeting, recorded_by=side.pm),
                number=1,
                content={},
                published_by=side.pm,
                confirm_by=now + timedelta(days=5),
            )
            if correction:
                MinutesResponse.objects.create(
                    version=version, contact=side.contact_a, kind="correction", comment="No."
                )
        ActionItem.objects.create(
            project=project,
            what="Send the data",
            owner_contact=side.contact_a,
            due_date=today - timedelta(days=2),
        )
        feedback = Feedback.objects.create(
            organisation=side.organisation,
            project=project,
            source="call",
            received_on=today,
            progress=1,
            comment="Too slow",
        )
        FollowUp.objects.create(
            feedback=feedback,
            project=project,
            assignee=side.pm,
            due_date=today,
            low_scores={"progress": 1},
        )
        PmRating.objects.create(
            project=project, period_start=today, period_end=today, progress=5, recorded_by=side.pm
        )
        Conflict.objects.create(
            organisation=side.organisation,
            client=side.client_a,
            project=project,
            number=serial,
            title="Scope dispute",
            root_causes=["expectations"],
        )
        closed = factories.ProjectFactory(client=side.client_a, pm=side.pm, status="closed")
        CheckIn.objects.create(project=closed, contact=side.contact_a, months=1, due_on=today)


LISTS: dict[str, ListPage] = {
    "clients:list": ListPage(lambda s: "/app/clients/", "owner", clients),
    "clients:list at risk first": ListPage(lambda s: "/app/clients/", "pm", scored_clients),
    "clients:list healthiest first": ListPage(
        lambda s: "/app/clients/?sort=healthy", "owner", scored_clients
    ),
    "clients:import_review": ListPage(client_import_url, "pm", import_rows),
    "projects:list": ListPage(lambda s: "/app/projects/", "owner", projects),
    "projects:list as pm": ListPage(lambda s: "/app/projects/", "pm", projects),
    "team:list": ListPage(lambda s: "/app/team/", "owner", team),
    "audit:list": ListPage(lambda s: "/app/audit/", "owner", audit_events),
    "outbox:list": ListPage(lambda s: "/app/outbox/", "admin", emails),
    "webhooks:list": ListPage(lambda s: "/app/settings/webhooks/", "admin", webhooks),
    "webhooks:detail": ListPage(
        lambda s: f"/app/settings/webhooks/{_the_webhook(s).pk}/", "admin", webhook_deliveries
    ),
    "GET /api/v1/webhooks": ListPage(lambda s: "/api/v1/webhooks", "owner", webhooks, api=True),
    "GET /api/v1/webhooks/{id}/deliveries": ListPage(
        lambda s: f"/api/v1/webhooks/{_the_webhook(s).pk}/deliveries",
        "admin",
        webhook_deliveries,
        api=True,
    ),
    "notifications:list": ListPage(lambda s: "/app/notifications/", "pm", member_notifications),
    "portal_notifications:list": ListPage(
        lambda s: "/portal/notifications/", "contact_a", contact_notifications
    ),
    "accounts:api_tokens": ListPage(lambda s: "/accounts/tokens/", "owner", tokens),
    "app:home": ListPage(lambda s: "/app/", "owner", projects),
    "portal:home": ListPage(lambda s: "/portal/", "contact_a", projects),
    "portal:home recent messages": ListPage(lambda s: "/portal/", "contact_a", message_threads),
    "portal:home action items": ListPage(lambda s: "/portal/", "contact_a", action_items),
    "portal:home status reports": ListPage(lambda s: "/portal/", "contact_a", status_reports),
    "portal:project timeline reports": ListPage(
        lambda s: f"/portal/projects/{s.project_a.pk}/", "contact_a", status_reports
    ),
    "portal:project timeline change requests": ListPage(
        lambda s: f"/portal/projects/{s.project_a.pk}/", "contact_a", change_requests
    ),
    "portal:project timeline minutes": ListPage(
        lambda s: f"/portal/projects/{s.project_a.pk}/", "contact_a", meetings
    ),
    "clients:detail": ListPage(lambda s: f"/app/clients/{s.client_a.pk}/", "pm", client_a_history),
    "projects:detail": ListPage(lambda s: f"/app/projects/{s.project_a.pk}/", "pm", project_a_team),
    "projects:detail progress": ListPage(
        lambda s: f"/app/projects/{s.project_a.pk}/", "pm", baseline_page_rows
    ),
    "projects:baseline": ListPage(
        lambda s: f"/app/projects/{s.project_a.pk}/baseline/", "pm", baseline_page_rows
    ),
    "projects:baseline as member": ListPage(
        lambda s: f"/app/projects/{s.project_a.pk}/baseline/", "member", baseline_page_rows
    ),
    "projects:actuals": ListPage(
        lambda s: f"/app/projects/{s.project_a.pk}/actuals/", "pm", baseline_page_rows
    ),
    "portal:project baseline": ListPage(
        lambda s: f"/portal/projects/{s.project_a.pk}/", "contact_a", portal_baseline_rows
    ),
    "GET /api/v1/clients": ListPage(lambda s: "/api/v1/clients", "owner", clients, api=True),
    "GET /api/v1/contacts": ListPage(lambda s: "/api/v1/contacts", "owner", contacts, api=True),
    "GET /api/v1/contacts?client_id": ListPage(
        lambda s: f"/api/v1/contacts?client_id={s.client_a.pk}", "pm", contacts, api=True
    ),
    "GET /api/v1/projects": ListPage(lambda s: "/api/v1/projects", "owner", projects, api=True),
    "GET /api/v1/projects as pm": ListPage(lambda s: "/api/v1/projects", "pm", projects, api=True),
    "GET /api/v1/memberships": ListPage(lambda s: "/api/v1/memberships", "pm", team, api=True),
    "GET /api/v1/invitations": ListPage(lambda s: "/api/v1/invitations", "admin", team, api=True),
    "GET /api/v1/projects/A/members": ListPage(
        lambda s: f"/api/v1/projects/{s.project_a.pk}/members", "member", project_team, api=True
    ),
    "GET /api/v1/projects/A/objectives": baseline_list("objectives"),
    "GET /api/v1/projects/A/milestones": baseline_list("milestones"),
    "GET /api/v1/projects/A/deliverables": baseline_list("deliverables"),
    "GET /api/v1/projects/A/budget-lines": baseline_list("budget-lines"),
    "GET /api/v1/projects/A/quality-standards": baseline_list("quality-standards"),
    "GET /api/v1/projects/A/cost-entries": baseline_list("cost-entries"),
    "GET /api/v1/projects/A/time-entries": baseline_list("time-entries"),
    "GET /api/v1/projects/A/baseline-versions": baseline_list("baseline-versions"),
    "GET /api/v1/projects/A/progress": baseline_list("progress"),
    "changes:list": ListPage(
        lambda s: f"/app/projects/{s.project_a.pk}/changes/", "pm", change_requests
    ),
    "portal_changes:list": ListPage(
        lambda s: f"/portal/projects/{s.project_a.pk}/changes/", "contact_a", change_requests
    ),
    "GET /api/v1/projects/A/change-requests": ListPage(
        lambda s: f"/api/v1/projects/{s.project_a.pk}/change-requests",
        "pm",
        change_requests,
        api=True,
    ),
    "communication:overview": ListPage(
        lambda s: f"/app/projects/{s.project_a.pk}/communication/", "pm", communication_rows
    ),
    "communication:log": ListPage(
        lambda s: f"/app/projects/{s.project_a.pk}/communication/touchpoints/",
        "member",
        communication_rows,
    ),
    "communication:client_log": ListPage(
        lambda s: f"/app/clients/{s.client_a.pk}/touchpoints/", "pm", communication_rows
    ),
    "clients:detail stakeholders": ListPage(
        lambda s: f"/app/clients/{s.client_a.pk}/", "pm", communication_rows
    ),
    "clients:contact_detail": ListPage(
        lambda s: f"/app/clients/contacts/{s.contact_a.pk}/", "pm", communication_rows
    ),
    "app:home touchpoints": ListPage(lambda s: "/app/", "pm", communication_rows),
    "app:home questions": ListPage(lambda s: "/app/", "pm", report_questions),
    "app:home check-ins": ListPage(lambda s: "/app/", "pm", checkins),
    "lessons:library": ListPage(lambda s: "/app/lessons/", "member", lessons),
    "lessons:library search": ListPage(lambda s: "/app/lessons/?q=scope+需求", "member", lessons),
    "search:results": ListPage(lambda s: "/app/search/?q=quokka+需求", "pm", search_rows),
    "search:results of a kind": ListPage(
        lambda s: "/app/search/?q=需求&kind=meetings", "member", search_rows
    ),
    "projects:detail suggested lessons": ListPage(
        lambda s: f"/app/projects/{s.project_a.pk}/", "pm", lessons
    ),
    "portal_lessons:list": ListPage(lambda s: "/portal/lessons/", "contact_a", shared_lessons),
    "portal_lessons:project": ListPage(
        lambda s: f"/portal/projects/{s.project_a.pk}/lessons/",
        "contact_a",
        shared_lessons_of_project_a,
    ),
    "GET /api/v1/lessons": ListPage(lambda s: "/api/v1/lessons", "member", lessons, api=True),
    "GET /api/v1/lessons search": ListPage(
        lambda s: "/api/v1/lessons?q=scope+需求&category=change", "member", lessons, api=True
    ),
    "GET /api/v1/projects/A/lesson-suggestions": ListPage(
        lambda s: f"/api/v1/projects/{s.project_a.pk}/lesson-suggestions", "pm", lessons, api=True
    ),
    "GET /api/v1/portal/lessons": ListPage(
        lambda s: "/api/v1/portal/lessons", "contact_a", shared_lessons, api=True
    ),
    "GET /api/v1/portal/lessons of project A": ListPage(
        lambda s: f"/api/v1/portal/lessons?project_id={s.project_a.pk}",
        "contact_a",
        shared_lessons_of_project_a,
        api=True,
    ),
    "GET /api/v1/checkins": ListPage(lambda s: "/api/v1/checkins", "pm", checkins, api=True),
    "GET /api/v1/checkins due": ListPage(
        lambda s: "/api/v1/checkins?status=due", "pm", checkins, api=True
    ),
    "GET /api/v1/projects/A/stakeholders": ListPage(
        lambda s: f"/api/v1/projects/{s.project_a.pk}/stakeholders",
        "pm",
        communication_rows,
        api=True,
    ),
    "GET /api/v1/projects/A/communication-plan": ListPage(
        lambda s: f"/api/v1/projects/{s.project_a.pk}/communication-plan",
        "member",
        communication_rows,
        api=True,
    ),
    "GET /api/v1/projects/A/touchpoints": ListPage(
        lambda s: f"/api/v1/projects/{s.project_a.pk}/touchpoints?channel=video",
        "member",
        communication_rows,
        api=True,
    ),
    "GET /api/v1/clients/A/touchpoints": ListPage(
        lambda s: f"/api/v1/clients/{s.client_a.pk}/touchpoints", "pm", communication_rows, api=True
    ),
    "GET /api/v1/clients/A/touchpoints?contact_id": ListPage(
        lambda s: f"/api/v1/clients/{s.client_a.pk}/touchpoints?contact_id={s.contact_a.pk}",
        "member",
        communication_rows,
        api=True,
    ),
    "GET /api/v1/communication/attention": ListPage(
        lambda s: "/api/v1/communication/attention", "pm", communication_rows, api=True
    ),
    "reports:list": ListPage(
        lambda s: f"/app/projects/{s.project_a.pk}/reports/", "pm", status_reports
    ),
    "reports:acknowledgements": ListPage(first_published_report, "pm", report_readers),
    "portal_reports:list": ListPage(
        lambda s: f"/portal/projects/{s.project_a.pk}/reports/", "contact_a", status_reports
    ),
    "GET /api/v1/projects/A/status-reports": ListPage(
        lambda s: f"/api/v1/projects/{s.project_a.pk}/status-reports",
        "pm",
        status_reports,
        api=True,
    ),
    "GET /api/v1/projects/A/status-reports as member": ListPage(
        lambda s: f"/api/v1/projects/{s.project_a.pk}/status-reports",
        "member",
        status_reports,
        api=True,
    ),
    "GET /api/v1/portal/projects/A/status-reports": ListPage(
        lambda s: f"/api/v1/portal/projects/{s.project_a.pk}/status-reports",
        "contact_a",
        status_reports,
        api=True,
    ),
    "messages_app:list": ListPage(
        lambda s: f"/app/projects/{s.project_a.pk}/messages/", "pm", message_threads
    ),
    "messages_app:thread": ListPage(conversation_page("app"), "pm", conversation_rows),
    "portal_messages:list": ListPage(
        lambda s: f"/portal/projects/{s.project_a.pk}/messages/", "contact_a", message_threads
    ),
    "portal_messages:thread": ListPage(conversation_page("portal"), "contact_a", conversation_rows),
    "app:home messages waiting": ListPage(lambda s: "/app/", "pm", waiting_threads),
    "projects:detail messages": ListPage(
        lambda s: f"/app/projects/{s.project_a.pk}/", "member", message_threads
    ),
    "portal:project messages": ListPage(
        lambda s: f"/portal/projects/{s.project_a.pk}/", "contact_a", message_threads
    ),
    "GET /api/v1/projects/A/threads": ListPage(
        lambda s: f"/api/v1/projects/{s.project_a.pk}/threads", "member", message_threads, api=True
    ),
    "GET /api/v1/projects/A/threads/long": ListPage(
        lambda s: (
            conversation_page("app")(s)
            .replace("/app/", "/api/v1/")
            .replace("/messages/", "/threads/")
            .rstrip("/")
        ),
        "pm",
        conversation_rows,
        api=True,
    ),
    "GET /api/v1/portal/projects/A/threads": ListPage(
        lambda s: f"/api/v1/portal/projects/{s.project_a.pk}/threads",
        "contact_a",
        message_threads,
        api=True,
    ),
    "GET /api/v1/portal/projects/A/threads/long": ListPage(
        lambda s: (
            conversation_page("portal")(s)
            .replace("/portal/", "/api/v1/portal/", 1)
            .replace("/messages/", "/threads/")
            .rstrip("/")
        ),
        "contact_a",
        conversation_rows,
        api=True,
    ),
    "GET /api/v1/portal/projects": ListPage(
        lambda s: "/api/v1/portal/projects", "contact_a", projects, api=True
    ),
    "GET /api/v1/portal/projects/A/change-requests": ListPage(
        lambda s: f"/api/v1/portal/projects/{s.project_a.pk}/change-requests",
        "contact_a",
        change_requests,
        api=True,
    ),
    "reports:list with questions": ListPage(
        lambda s: f"/app/projects/{s.project_a.pk}/reports/", "pm", status_reports_with_questions
    ),
    "reports:detail questions": ListPage(_report_page("/app"), "pm", report_questions),
    "reports:detail questions as member": ListPage(
        _report_page("/app"), "member", report_questions
    ),
    "portal_reports:detail questions": ListPage(
        _report_page("/portal"), "contact_a", report_questions
    ),
    "GET /api/v1/projects/A/status-reports/1/threads": ListPage(
        _report_threads("/api/v1"), "pm", report_questions, api=True
    ),
    "GET /api/v1/portal/projects/A/status-reports/1/threads": ListPage(
        _report_threads("/api/v1/portal"), "contact_a", report_questions, api=True
    ),
    "meetings:list": ListPage(
        lambda s: f"/app/projects/{s.project_a.pk}/meetings/", "member", meetings
    ),
    "portal_meetings:list": ListPage(
        lambda s: f"/portal/projects/{s.project_a.pk}/meetings/", "contact_a", meetings
    ),
    "meetings:detail agenda": ListPage(
        lambda s: f"/app/projects/{s.project_a.pk}/meetings/{_agenda_meeting(s)}/",
        "pm",
        agenda_rows,
    ),
    "GET /api/v1/projects/A/meetings/N/agenda-proposals": ListPage(
        lambda s: (
            f"/api/v1/projects/{s.project_a.pk}/meetings/{_agenda_meeting(s)}/agenda-proposals"
        ),
        "pm",
        agenda_rows,
        api=True,
    ),
    "portal_meetings:detail agenda": ListPage(
        lambda s: f"/portal/projects/{s.project_a.pk}/meetings/{_agenda_meeting(s)}/",
        "contact_a",
        agenda_rows,
    ),
    "meetings:action_items": ListPage(
        lambda s: f"/app/projects/{s.project_a.pk}/action-items/?status=all", "pm", action_items
    ),
    "meetings:my_action_items": ListPage(
        lambda s: "/app/action-items/?status=all", "member", action_items
    ),
    "portal_meetings:action_items": ListPage(
        lambda s: "/portal/action-items/?status=all", "contact_a", action_items
    ),
    "GET /api/v1/projects/A/meetings": ListPage(
        lambda s: f"/api/v1/projects/{s.project_a.pk}/meetings", "pm", meetings, api=True
    ),
    "GET /api/v1/projects/A/meetings/N/agenda-items": ListPage(
        lambda s: f"/api/v1/projects/{s.project_a.pk}/meetings/{_agenda_meeting(s)}/agenda-items",
        "member",
        agenda_rows,
        api=True,
    ),
    "GET /api/v1/projects/A/action-items": ListPage(
        lambda s: f"/api/v1/projects/{s.project_a.pk}/action-items", "pm", action_items, api=True
    ),
    "GET /api/v1/projects/A/meetings/N/decisions": ListPage(
        lambda s: f"/api/v1/projects/{s.project_a.pk}/meetings/{_minutes_meeting(s)}/decisions",
        "member",
        meeting_decisions,
        api=True,
    ),
    "GET /api/v1/projects/A/meetings/N/minutes": ListPage(
        lambda s: f"/api/v1/projects/{s.project_a.pk}/meetings/{_minutes_meeting(s)}/minutes",
        "pm",
        minutes_versions,
        api=True,
    ),
    "GET /api/v1/projects/A/change-requests/N/decisions": ListPage(
        lambda s: (
            f"/api/v1/projects/{s.project_a.pk}/change-requests/"
            f"{_decided_change_request(s)}/decisions"
        ),
        "member",
        change_request_decisions,
        api=True,
    ),
    "GET /api/v1/audit-events": ListPage(
        lambda s: "/api/v1/audit-events", "owner", audit_events, api=True
    ),
    "GET /api/v1/audit-events filtered": ListPage(
        lambda s: f"/api/v1/audit-events?object_type=project&actor_user_id={s.pm.pk}",
        "admin",
        audit_events,
        api=True,
    ),
    "GET /api/v1/portal/projects/A/meetings": ListPage(
        lambda s: f"/api/v1/portal/projects/{s.project_a.pk}/meetings",
        "contact_a",
        meetings,
        api=True,
    ),
    "GET /api/v1/portal/projects/A/meetings/N": ListPage(
        lambda s: f"/api/v1/portal/projects/{s.project_a.pk}/meetings/{_agenda_meeting(s)}",
        "contact_a",
        agenda_rows,
        api=True,
    ),
    "GET /api/v1/portal/action-items": ListPage(
        lambda s: "/api/v1/portal/action-items", "contact_a", action_items, api=True
    ),
    "feedback:list": ListPage(
        lambda s: f"/app/projects/{s.project_a.pk}/feedback/", "pm", feedback_rows
    ),
    "feedback:list with follow-ups": ListPage(
        lambda s: f"/app/projects/{s.project_a.pk}/feedback/", "pm", improvement_rows
    ),
    "api survey templates": ListPage(
        lambda s: "/api/v1/survey-templates", "pm", survey_templates, api=True
    ),
    "GET /api/v1/portal/projects/{id}/surveys": ListPage(
        lambda s: f"/api/v1/portal/projects/{s.project_a.pk}/surveys",
        "contact_a",
        surveys_to_contact_a,
        api=True,
    ),
    "GET /api/v1/portal/projects/{id}/we-did": ListPage(
        lambda s: f"/api/v1/portal/projects/{s.project_a.pk}/we-did",
        "contact_a",
        improvement_rows,
        api=True,
    ),
    "feedback_settings:templates": ListPage(
        lambda s: "/app/settings/feedback/templates/", "pm", survey_templates
    ),
    "feedback:schedules": ListPage(
        lambda s: f"/app/projects/{s.project_a.pk}/feedback/schedules/", "pm", survey_templates
    ),
    "api feedback": ListPage(
        lambda s: f"/api/v1/projects/{s.project_a.pk}/feedback", "pm", feedback_rows, api=True
    ),
    "api feedback filtered": ListPage(
        lambda s: f"/api/v1/projects/{s.project_a.pk}/feedback?source=survey&since=2020-01-01",
        "pm",
        feedback_rows,
        api=True,
    ),
    "api surveys": ListPage(
        lambda s: f"/api/v1/projects/{s.project_a.pk}/surveys", "pm", feedback_rows, api=True
    ),
    "feedback:analysis": ListPage(
        lambda s: f"/app/projects/{s.project_a.pk}/feedback/analysis/", "pm", feedback_rows
    ),
    "feedback:client_analysis": ListPage(
        lambda s: f"/app/clients/{s.client_a.pk}/feedback/analysis/", "pm", feedback_rows
    ),
    "feedback:org_analysis": ListPage(lambda s: "/app/feedback/analysis/", "owner", feedback_rows),
    "feedback:improvements": ListPage(
        lambda s: f"/app/projects/{s.project_a.pk}/feedback/improvements/", "pm", improvement_rows
    ),
    "feedback:gap": ListPage(
        lambda s: f"/app/projects/{s.project_a.pk}/feedback/gap/", "pm", pm_ratings
    ),
    "portal_feedback:we_did": ListPage(
        lambda s: f"/portal/projects/{s.project_a.pk}/we-did/", "contact_a", improvement_rows
    ),
    "app:home with feedback follow-ups": ListPage(lambda s: "/app/", "pm", improvement_rows),
    "risks:register": ListPage(
        lambda s: f"/app/projects/{s.project_a.pk}/risks/", "pm", risks_and_issues
    ),
    "risks:register as member": ListPage(
        lambda s: f"/app/projects/{s.project_a.pk}/risks/?status=open", "member", risks_and_issues
    ),
    "risks:issue_log": ListPage(
        lambda s: f"/app/projects/{s.project_a.pk}/issues/", "pm", risks_and_issues
    ),
    "risks:risk_detail history": ListPage(
        lambda s: f"/app/projects/{s.project_a.pk}/risks/1/", "pm", risk_history
    ),
    "portal_risks:list": ListPage(
        lambda s: f"/portal/projects/{s.project_a.pk}/risks/", "contact_a", risks_and_issues
    ),
    "risks:conflicts": ListPage(lambda s: "/app/conflicts/", "owner", conflicts_of_client_a),
    "risks:conflicts as pm": ListPage(
        lambda s: f"/app/conflicts/?client={s.client_a.pk}", "pm", conflicts_of_client_a
    ),
    "risks:conflict_detail": ListPage(_first_conflict, "pm", conflict_timeline_and_evidence),
    "risks:issue_detail evidence": ListPage(_first_issue, "member", issue_evidence),
    "GET /api/v1/projects/A/risks": ListPage(
        lambda s: f"/api/v1/projects/{s.project_a.pk}/risks", "member", risks_and_issues, api=True
    ),
    "GET /api/v1/projects/A/issues": ListPage(
        lambda s: f"/api/v1/projects/{s.project_a.pk}/issues", "pm", risks_and_issues, api=True
    ),
    "GET /api/v1/portal/projects/A/risks": ListPage(
        lambda s: f"/api/v1/portal/projects/{s.project_a.pk}/risks",
        "contact_a",
        risks_and_issues,
        api=True,
    ),
    "GET /api/v1/portal/projects/A/issues": ListPage(
        lambda s: f"/api/v1/portal/projects/{s.project_a.pk}/issues",
        "contact_a",
        risks_and_issues,
        api=True,
    ),
    "GET /api/v1/conflicts": ListPage(
        lambda s: "/api/v1/conflicts", "owner", conflict_timeline_parties, api=True
    ),
    "GET /api/v1/conflicts/1": ListPage(
        lambda s: _first_conflict(s).replace("/app/", "/api/v1/").rstrip("/"),
        "pm",
        conflict_timeline_and_evidence,
        api=True,
    ),
    "reports:detail risks and issues": ListPage(
        _draft_report_page, "pm", risks_and_issues_read_again
    ),
    "app:home every section": ListPage(lambda s: "/app/", "pm", home_projects),
    "app:home one section in full": ListPage(
        lambda s: "/app/?section=on-client", "pm", home_projects
    ),
    "projects:list counts what waits for the pm": ListPage(
        lambda s: "/app/projects/", "pm", home_projects
    ),
    **_exports("clients:export", lambda s: "/app/clients/export", "pm", scored_clients),
    **_exports(
        "clients:contact_export",
        lambda s: f"/app/clients/{s.client_a.pk}/contacts/export",
        "pm",
        communication_rows,
    ),
    **_exports("projects:export", lambda s: "/app/projects/export", "owner", projects),
    **_exports("team:export", lambda s: "/app/team/export", "member", team),
    **_exports(
        "changes:export",
        lambda s: f"/app/projects/{s.project_a.pk}/changes/export",
        "pm",
        change_requests,
    ),
    **_exports(
        "portal_changes:export",
        lambda s: f"/portal/projects/{s.project_a.pk}/changes/export",
        "contact_a",
        change_requests,
    ),
    **_exports(
        "reports:export",
        lambda s: f"/app/projects/{s.project_a.pk}/reports/export",
        "member",
        status_reports_with_questions,
    ),
    **_exports(
        "portal_reports:export",
        lambda s: f"/portal/projects/{s.project_a.pk}/reports/export",
        "contact_a",
        status_reports,
    ),
    **_exports(
        "risks:register_export",
        lambda s: f"/app/projects/{s.project_a.pk}/risks/export",
        "member",
        risks_and_issues,
    ),
    **_exports(
        "risks:issue_log_export",
        lambda s: f"/app/projects/{s.project_a.pk}/issues/export",
        "pm",
        risks_and_issues,
    ),
    **_exports(
        "risks:conflicts_export", lambda s: "/app/conflicts/export", "owner", conflicts_of_client_a
    ),
    **_exports(
        "meetings:export",
        lambda s: f"/app/projects/{s.project_a.pk}/meetings/export",
        "member",
        meetings,
    ),
    **_exports(
        "meetings:action_items_export",
        lambda s: f"/app/projects/{s.project_a.pk}/action-items/export",
        "pm",
        action_items,
    ),
    **_exports(
        "meetings:my_action_items_export",
        lambda s: "/app/action-items/export",
        "member",
        action_items,
    ),
    **_exports(
        "portal_meetings:action_items_export",
        lambda s: "/portal/action-items/export",
        "contact_a",
        action_items,
    ),
    **_exports(
        "communication:stakeholders_export",
        lambda s: f"/app/projects/{s.project_a.pk}/communication/stakeholders/export",
        "member",
        communication_rows,
    ),
    **_exports(
        "communication:plan_export",
        lambda s: f"/app/projects/{s.project_a.pk}/communication/plan/export",
        "pm",
        communication_rows,
    ),
    **_exports(
        "communication:log_export",
        lambda s: f"/app/projects/{s.project_a.pk}/communication/touchpoints/export",
        "member",
        communication_rows,
    ),
    **_exports(
        "communication:client_log_export",
        lambda s: f"/app/clients/{s.client_a.pk}/touchpoints/export",
        "pm",
        communication_rows,
    ),
    **_exports(
        "messages_app:export",
        lambda s: f"/app/projects/{s.project_a.pk}/messages/export",
        "pm",
        message_threads,
    ),
    **_exports(
        "portal_messages:export",
        lambda s: f"/portal/projects/{s.project_a.pk}/messages/export",
        "contact_a",
        message_threads,
    ),
    **_exports(
        "feedback:export",
        lambda s: f"/app/projects/{s.project_a.pk}/feedback/export",
        "pm",
        feedback_rows,
    ),
    **_exports("audit:export", lambda s: "/app/audit/export", "owner", audit_events),
    **_exports("webhooks:export", lambda s: "/app/settings/webhooks/export", "admin", webhooks),
    **_exports(
        "webhooks:deliveries_export",
        lambda s: f"/app/settings/webhooks/{_the_webhook(s).pk}/deliveries/export",
        "admin",
        webhook_deliveries,
    ),
    **_exports(
        "projects:costs_export",
        lambda s: f"/app/projects/{s.project_a.pk}/actuals/costs/export",
        "pm",
        baseline_page_rows,
    ),
    **_exports(
        "projects:hours_export",
        lambda s: f"/app/projects/{s.project_a.pk}/actuals/hours/export",
        "pm",
        baseline_page_rows,
    ),
    "portability:exports": ListPage(
        lambda s: "/app/settings/export/", "owner", organisation_exports
    ),
    "GET /api/v1/projects/{id}/follow-ups": ListPage(
        lambda s: f"/api/v1/projects/{s.project_a.pk}/follow-ups", "pm", improvement_rows, api=True
    ),
    "GET /api/v1/projects/{id}/improvements": ListPage(
        lambda s: f"/api/v1/projects/{s.project_a.pk}/improvements",
        "pm",
        improvement_rows,
        api=True,
    ),
    "GET /api/v1/projects/{id}/pm-ratings": ListPage(
        lambda s: f"/api/v1/projects/{s.project_a.pk}/pm-ratings", "pm", pm_ratings, api=True
    ),
    **_exports("lessons:export", lambda s: "/app/lessons/export", "member", lessons),
    **_exports(
        "portal_lessons:export", lambda s: "/portal/lessons/export", "contact_a", shared_lessons
    ),
    **_exports(
        "portal_meetings:export",
        lambda s: f"/portal/projects/{s.project_a.pk}/meetings/export",
        "contact_a",
        meetings,
    ),
    **_exports(
        "portal_risks:risks_export",
        lambda s: f"/portal/projects/{s.project_a.pk}/risks/export",
        "contact_a",
        risks_and_issues,
    ),
    **_exports(
        "portal_risks:issues_export",
        lambda s: f"/portal/projects/{s.project_a.pk}/risks/issues/export",
        "contact_a",
        risks_and_issues,
    ),
    **_exports("outbox:export", lambda s: "/app/outbox/export", "admin", emails),
    **_exports(
        "notifications:export", lambda s: "/app/notifications/export", "pm", member_notifications
    ),
    **_exports(
        "portal_notifications:export",
        lambda s: "/portal/notifications/export",
        "contact_a",
        contact_notifications,
    ),
    "portfolio": ListPage(lambda s: "/app/portfolio/", "owner", portfolio_projects),
    "portfolio as pm": ListPage(lambda s: "/app/portfolio/?sort=-slip", "pm", portfolio_projects),
    "portfolio export.csv": ListPage(
        lambda s: f"/app/portfolio/export.csv?client={s.client_a.pk}", "owner", portfolio_projects
    ),
    "portfolio export.xlsx": ListPage(
        lambda s: "/app/portfolio/export.xlsx?health=red", "pm", portfolio_projects
    ),
}


def _http(side: Side, page: ListPage) -> tuple[HttpClient, dict[str, str]]:
    person = getattr(side, page.role)
    user = person.user if page.role.startswith("contact") else person
    if page.api and page.role.startswith("contact"):
        _token, secret = contact_api_token_create(
            actor=side.contact_actor(person), name="query count"
        )
        return HttpClient(), {"Authorization": f"Bearer {secret}"}
    if page.api:
        _token, secret = api_token_create(actor=side.actor(user), name="query count")
        return HttpClient(), {"Authorization": f"Bearer {secret}"}
    return login(user), {}


def _queries(http: HttpClient, url: str, headers: dict[str, str]) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = http.get(url, headers=headers)
        if response.streaming:  # an export reads its rows while it streams them
            b"".join(response.streaming_content)
    assert response.status_code == 200, f"GET {url}: {response.status_code}"
    return [query["sql"] for query in captured.captured_queries]


def _listing(sql: list[str]) -> str:
    return "\n".join(f"  {i:3}. {statement}" for i, statement in enumerate(sql, 1))


@pytest.mark.parametrize("name", list(LISTS))
def test_query_count_does_not_grow_with_rows(world: World, name: str) -> None:
    page = LISTS[name]
    side = world.one
    http, headers = _http(side, page)
    url = page.url(side)

    page.rows(side, 2)
    _queries(http, url, headers)  # warm up: caches, a token's first "last used" stamp
    few = _queries(http, url, headers)
    page.rows(side, 48)
    _queries(http, url, headers)  # the new rows' audit events reset the navigation's counts
    many = _queries(http, url, headers)

    assert len(few) == len(many), (
        f"{name} (GET {url}) runs {len(few)} queries with 2 rows but {len(many)} with 50: "
        "an N+1 query. Fix the selector (select_related / prefetch_related).\n"
        f"With 2 rows:\n{_listing(few)}\nWith 50 rows:\n{_listing(many)}"
    )


@pytest.mark.parametrize(
    "url",
    ["/app/portfolio/", "/app/portfolio/export.csv?sort=-burn", "/app/portfolio/export.xlsx"],
)
def test_portfolio_runs_as_many_queries_for_200_projects_as_for_2(world: World, url: str) -> None:
    """The portfolio reads every project's stored health: at 200 projects it runs the
    queries it runs at 2, and every row is there. The projects here are written without the
    services, so the first read computes and stores their health: for 198 projects in the
    queries it takes for 2."""
    side = world.one
    http = login(side.owner)
    side.project_a.delete()  # start from the projects made here only
    side.project_a_draft.delete()
    side.project_b.delete()
    _queries(http, url, {})  # warm up: caches

    portfolio_projects(side, 2)
    fill_few = _queries(http, url, {})
    few = _queries(http, url, {})
    portfolio_projects(side, 198)
    fill_many = _queries(http, url, {})
    many = _queries(http, url, {})

    assert len(few) == len(many), (
        f"GET {url} runs {len(few)} queries with 2 projects but {len(many)} with 200.\n"
        f"With 2:\n{_listing(few)}\nWith 200:\n{_listing(many)}"
    )
    assert len(fill_few) == len(fill_many), (
        f"GET {url} computes 2 projects' health in {len(fill_few)} queries but 198 in "
        f"{len(fill_many)}.\nWith 2:\n{_listing(fill_few)}\nWith 198:\n{_listing(fill_many)}"
    )
    assert len(fill_many) > len(many)  # the rows were computed, then read
    assert len(many) <= 30, _listing(many)
    assert http.get("/app/portfolio/").context["total"] == 200


def test_home_runs_as_many_queries_for_200_projects_as_for_2(world: World) -> None:
    """Every section of the home page reads all of the PM's projects at once: at 200 projects
    with a line in every section it runs the queries it runs at 2, each section shows ten lines
    and counts the rest, and the navigation counts them all."""
    from rapport.core import today

    side = world.one
    http = login(side.pm)
    side.project_a.delete()  # start from the projects made here only
    side.project_a_draft.delete()
    side.project_b.delete()

    # The page keeps its sections while nothing changes through a service; the factories
    # write behind the services' back, so the cache is emptied to count the sections' queries.
    home_projects(side, 2)
    _queries(http, "/app/", {})
    cache.clear()
    few = _queries(http, "/app/", {})
    home_projects(side, 198)
    cache.clear()
    many = _queries(http, "/app/", {})

    assert len(few) == len(many), (
        f"GET /app/ runs {len(few)} queries with 2 projects but {len(many)} with 200.\n"
        f"With 2:\n{_listing(few)}\nWith 200:\n{_listing(many)}"
    )
    assert len(many) <= 45, _listing(many)
    response = http.get("/app/")
    sections = {shown.section.key: shown for shown in response.context["sections"]}
    assert list(sections) == [section.key for section in today.SECTIONS]
    assert all(len(shown.lines) == today.LIMIT for shown in sections.values())
    assert sections["on-client"].total == 200 * 4  # baseline, change request, deliverable, minutes
    assert sections["reports"].total == 200  # half due, half drafted
    assert f'data-testid="waiting-count">{sum(s.total for s in sections.values())}<' in (
        response.content.decode()
    )


def test_portal_home_runs_as_many_queries_for_20_projects_as_for_2(world: World) -> None:
    """Everything waiting for a contact, the latest reports and the past projects are read
    at once: at 20 projects, each with every kind of waiting item, the home runs the queries
    it runs at 2, and every item is listed."""
    side = world.one
    http = login(side.contact_a.user)

    # What waits is kept while nothing it reads changes: the cache is emptied before each
    # count, so that both count what the page runs to work it out.
    portal_waiting_projects(side, 2)
    _queries(http, "/portal/", {})
    cache.clear()
    few = _queries(http, "/portal/", {})
    portal_waiting_projects(side, 18)
    cache.clear()
    many = _queries(http, "/portal/", {})

    assert len(few) == len(many), (
        f"GET /portal/ runs {len(few)} queries with 2 projects but {len(many)} with 20.\n"
        f"With 2:\n{_listing(few)}\nWith 20:\n{_listing(many)}"
    )
    groups = {group.key: group for group in http.get("/portal/").context["waiting"]}
    assert len(groups["approvals"].lines) == 25 and groups["approvals"].more
    assert len(groups["surveys"].lines) == 20 and not groups["surveys"].more


def test_portal_home_lists_every_kind_waiting(world: World) -> None:
    side = world.one
    portal_waiting_projects(side, 2)
    waiting = login(side.contact_a.user).get("/portal/").context["waiting"]
    kinds = {line.kind for group in waiting for line in group.lines}
    assert kinds == {
        "baseline",
        "change_request",
        "deliverable",
        "minutes",
        "report",
        "survey",
        "action_item",
        "closure",
    }
