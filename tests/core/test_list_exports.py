"""Every list's CSV and Excel export, parsed back: the heading in the reader's language, the
rows the page lists with the same filters (every page of them), nothing of another client,
project or organisation, and no cell a spreadsheet would run as a formula.

Every export is one line in ``EXPORTS``: the list page, who asks, and how to make a row they
see and a row they do not; the row they see is named like a formula."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient
from openpyxl import load_workbook

from rapport.core import export
from tests import factories
from tests.conftest import World, login

pytestmark = pytest.mark.django_db

_serial = itertools.count(1)
FORMULA = "=HYPERLINK(1)"


def _name(kind: str) -> str:
    """A text a row is found by; the ones a reader sees start like a formula."""
    return f"{kind} {next(_serial)}"


# --- parsing ----------------------------------------------------------------------------------


def _csv(response: Any) -> list[list[str]]:
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())  # a spreadsheet reads UTF-8 by this mark
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _xlsx(response: Any) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [
        ["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)
    ]


def parse(response: Any, fmt: str) -> list[list[Any]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    return _csv(response) if fmt == "csv" else _xlsx(response)


def texts(rows: list[list[Any]]) -> list[str]:
    return [str(cell) for row in rows for cell in row]


# --- the exports ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    """``page`` is the list's path (its export is ``<page>export.csv``, or ``export`` names
    the export's path when it differs); ``seen`` makes a row ``role`` sees and returns a text
    only that row holds, ``unseen`` one they must not get."""

    page: Callable[[World], str]
    role: str
    seen: Callable[[World], str]
    unseen: Callable[[World], str]
    export: Callable[[World], str] | None = None
    page_list: str = "page"  # the context name of the page's paginated list
    query: dict[str, Any] | Callable[[World], dict[str, Any]] = field(default_factory=dict)

    def params(self, world: World) -> dict[str, Any]:
        return self.query(world) if callable(self.query) else self.query

    def export_path(self, world: World, fmt: str) -> str:
        base = self.export(world) if self.export else f"{self.page(world)}export"
        return f"{base}.{fmt}"


def _user(world: World, role: str) -> Any:
    if role.startswith("contact"):
        return getattr(world.one, role).user
    return getattr(world.one, role)


def client_seen(world: World) -> str:
    name = f"{FORMULA} {_name('Client')}"
    factories.ProjectMemberFactory(
        project=factories.ProjectFactory(
            client=factories.ClientFactory(organisation=world.one.organisation, name=name),
            pm=world.one.pm,
        ),
        user=world.one.member,
    )
    return name


def client_unseen(world: World) -> str:
    """A client of the same organisation whose projects the member is not on, and one of the
    other organisation."""
    factories.ClientFactory(organisation=world.one.organisation, name="Hidden client one")
    factories.ClientFactory(organisation=world.two.organisation, name="Hidden client two")
    return "Hidden client"


def contact_seen(world: World) -> str:
    name = f"{FORMULA} {_name('Contact')}"
    factories.ContactFactory(client=world.one.client_a, full_name=name)
    return name


def contact_unseen(world: World) -> str:
    factories.ContactFactory(client=world.one.client_b, full_name="Hidden contact of B")
    factories.ContactFactory(client=world.two.client_a, full_name="Hidden contact two")
    return "Hidden contact"


def project_seen(world: World) -> str:
    name = f"{FORMULA} {_name('Project')}"
    project = factories.ProjectFactory(client=world.one.client_a, pm=world.one.pm, name=name)
    factories.ProjectMemberFactory(project=project, user=world.one.member)
    return name


def project_unseen(world: World) -> str:
    factories.ProjectFactory(client=world.one.client_b, pm=world.one.pm, name="Hidden project")
    factories.ProjectFactory(client=world.two.client_a, pm=world.two.pm, name="Hidden project 2")
    return "Hidden project"


def project_of_the_other_org(world: World) -> str:
    factories.ProjectFactory(client=world.two.client_a, pm=world.two.pm, name="Hidden project")
    return "Hidden project"


def member_seen(world: World) -> str:
    from rapport.tenancy.models import Membership, Role

    name = f"{FORMULA} {_name('Member')}"
    user = factories.UserFactory(full_name=name)
    Membership.objects.create(organisation=world.one.organisation, user=user, role=Role.MEMBER)
    return name


def member_unseen(world: World) -> str:
    return world.two.pm.full_name


def _pm(world: World, side: str = "one") -> Any:
    here = getattr(world, side)
    return here.actor(here.pm)


def _change_request(
    world: World, title: str, *, side: str = "one", project: str = "project_a", submit: bool = True
) -> None:
    from rapport.changes import services as cr

    here = getattr(world, side)
    cr.change_request_create(
        actor=_pm(world, side),
        project=getattr(here, project),
        title=title,
        description="More",
        submit=submit,
    )


def change_request_seen(world: World) -> str:
    title = f"{FORMULA} {_name('Change')}"
    _change_request(world, title)
    return title


def change_request_unseen(world: World) -> str:
    """Of another project and of the other organisation; a draft, which a contact never sees."""
    _change_request(world, "Hidden change of B", project="project_b")
    _change_request(world, "Hidden change two", side="two")
    _change_request(world, "Hidden change draft", submit=False)
    return "Hidden change"


def _report(world: World, summary: str, *, side: str = "one", publish: bool = True) -> None:
    from rapport.reports import services as reports

    here = getattr(world, side)
    pm = _pm(world, side)
    last = here.project_a.status_reports.order_by("-period_end").first()
    start = last.period_end + timedelta(days=1) if last else here.project_a.start_date
    report = reports.report_draft(
        actor=pm, project=here.project_a, period_start=start, period_end=start + timedelta(6)
    )
    report = reports.report_update(actor=pm, report=report, summary=summary)
    if publish:
        reports.report_publish(actor=pm, report=report)


def report_seen(world: World) -> str:
    summary = f"{FORMULA} {_name('Summary')}"
    _report(world, summary)
    return summary


def report_unseen(world: World) -> str:
    _report(world, "Hidden summary two", side="two")
    _report(world, "Hidden summary draft", publish=False)  # a contact never sees a draft
    return "Hidden summary"


def risk_seen(world: World) -> str:
    from rapport.risks import services as risks

    title = f"{FORMULA} {_name('Risk')}"
    risks.risk_create(
        actor=_pm(world),
        project=world.one.project_a,
        title=title,
        probability=2,
        impact=3,
        owner_id=world.one.member.pk,
        mitigation="-watch it",
    )
    return title


def risk_unseen(world: World) -> str:
    from rapport.risks import services as risks

    for side, project in (("one", "project_b"), ("two", "project_a")):
        here = getattr(world, side)
        risks.risk_create(
            actor=_pm(world, side),
            project=getattr(here, project),
            title="Hidden risk",
            probability=1,
            impact=1,
            owner_id=here.pm.pk,
        )
    return "Hidden risk"


def issue_seen(world: World) -> str:
    from rapport.risks import services as risks

    title = f"{FORMULA} {_name('Issue')}"
    risks.issue_create(
        actor=_pm(world),
        project=world.one.project_a,
        title=title,
        owner_id=world.one.member.pk,
        affects_budget=True,
        proposed_solution="+more people",
    )
    return title


def issue_unseen(world: World) -> str:
    from rapport.risks import services as risks

    for side, project in (("one", "project_b"), ("two", "project_a")):
        here = getattr(world, side)
        risks.issue_create(
            actor=_pm(world, side),
            project=getattr(here, project),
            title="Hidden issue",
            owner_id=here.pm.pk,
        )
    return "Hidden issue"


def _conflict(world: World, title: str, *, side: str = "one", client: str = "client_a") -> None:
    from rapport.risks import conflicts

    here = getattr(world, side)
    conflicts.conflict_create(
        actor=_pm(world, side),
        client=getattr(here, client),
        title=title,
        root_causes=["scope", "communication"],
        strategy="mediation",
    )


def conflict_seen(world: World) -> str:
    title = f"{FORMULA} {_name('Conflict')}"
    _conflict(world, title)
    return title


def conflict_unseen(world: World) -> str:
    _conflict(world, "Hidden conflict two", side="two")
    return "Hidden conflict"


def conflict_of_client_b(world: World) -> str:
    """Filtered to client A, the register leaves client B's conflicts out."""
    _conflict(world, "Hidden conflict of B", client="client_b")
    return conflict_unseen(world)


def _meeting(world: World, title: str, *, side: str = "one", project: str = "project_a") -> None:
    from django.utils import timezone

    from rapport.meetings.models import Meeting

    here = getattr(world, side)
    start = timezone.now() + timedelta(days=2)
    Meeting.objects.create(
        project=getattr(here, project),
        number=Meeting.objects.filter(project=getattr(here, project)).count() + 1,
        title=title,
        start=start,
        end=start + timedelta(hours=1),
        time_zone="UTC",
        organiser=here.pm,
        uid=f"export-{next(_serial)}@rapport",
    )


def meeting_seen(world: World) -> str:
    title = f"{FORMULA} {_name('Meeting')}"
    _meeting(world, title)
    return title


def meeting_unseen(world: World) -> str:
    _meeting(world, "Hidden meeting of B", project="project_b")
    _meeting(world, "Hidden meeting two", side="two")
    return "Hidden meeting"


def portal_meeting_seen(world: World) -> str:
    """A meeting contact A is invited to; one they are not invited to stays out."""
    from rapport.meetings.models import Meeting

    title = f"{FORMULA} {_name('Meeting')}"
    _meeting(world, title)
    Meeting.objects.get(title=title).client_attendees.add(world.one.contact_a)
    return title


def portal_meeting_unseen(world: World) -> str:
    _meeting(world, "Hidden meeting not invited")
    return meeting_unseen(world)


def portal_risk_seen(world: World) -> str:
    from rapport.risks import services as risks

    title = f"{FORMULA} {_name('Risk')}"
    risks.risk_create(
        actor=_pm(world),
        project=world.one.project_a,
        title=title,
        probability=2,
        impact=3,
        owner_id=world.one.member.pk,
        mitigation="-watch it",
        contingency="Hidden risk plan, never for the client",
        client_visible=True,
    )
    return title


def portal_risk_unseen(world: World) -> str:
    """An internal risk of the same project (and its owner's name), and the others'."""
    from rapport.risks import services as risks

    risks.risk_create(
        actor=_pm(world),
        project=world.one.project_a,
        title="Hidden risk internal",
        probability=5,
        impact=5,
        owner_id=world.one.pm.pk,
    )
    return risk_unseen(world)


def portal_issue_seen(world: World) -> str:
    from rapport.risks import services as risks

    title = issue_seen(world)
    issue = world.one.project_a.issues.get(title=title)
    risks.issue_share(actor=_pm(world), issue=issue)
    return title


def portal_issue_unseen(world: World) -> str:
    """An issue of the same project not shared with the client, and the others'."""
    return issue_unseen(world)


def _lesson(world: World, title: str, *, side: str = "one", shared: bool = True) -> None:
    from rapport.lessons import services as lessons

    here = getattr(world, side)
    lessons.lesson_create(
        actor=_pm(world, side),
        project_id=here.project_a.pk,
        title=title,
        what_happened="The scope grew.",
        recommendation="-use change requests",
        category="change",
        shared_with_client=shared,
    )


def lesson_seen(world: World) -> str:
    title = f"{FORMULA} {_name('Lesson')}"
    _lesson(world, title)
    return title


def lesson_unseen(world: World) -> str:
    _lesson(world, "Hidden lesson two", side="two")
    return "Hidden lesson"


def portal_lesson_unseen(world: World) -> str:
    _lesson(world, "Hidden lesson internal", shared=False)
    return lesson_unseen(world)


def _email(world: World, subject: str, *, side: str = "one") -> None:
    from rapport.notify.models import OutboundEmail

    OutboundEmail.objects.create(
        organisation=getattr(world, side).organisation,
        to="someone@example.test",
        subject=subject,
        body_text="Hello",
        language="en",
        kind="change_request_submitted",
    )


def email_seen(world: World) -> str:
    subject = f"{FORMULA} {_name('Email')}"
    _email(world, subject)
    return subject


def email_unseen(world: World) -> str:
    _email(world, "Hidden email two", side="two")
    return "Hidden email"


def _notification(
    world: World, title: str, user: Any, side: str = "member", org: Any = None
) -> None:
    from rapport.notify.models import Notification

    Notification.objects.create(
        organisation=org,
        user=user,
        side=side,
        language="en",
        kind="change_request_submitted",
        title=title,
    )


def notification_seen(world: World) -> str:
    title = f"{FORMULA} {_name('Notification')}"
    _notification(world, title, world.one.member, org=world.one.organisation)
    return title


def notification_unseen(world: World) -> str:
    """Another member's, and the member's own in another side (the portal)."""
    _notification(world, "Hidden note of the PM", world.one.pm, org=world.one.organisation)
    _notification(world, "Hidden note portal", world.one.member, side="contact")
    return "Hidden note"


def portal_notification_seen(world: World) -> str:
    title = f"{FORMULA} {_name('Notification')}"
    _notification(world, title, world.one.contact_a.user, side="contact")
    return title


def portal_notification_unseen(world: World) -> str:
    _notification(world, "Hidden note of B", world.one.contact_b.user, side="contact")
    return "Hidden note"


def _action_item(
    world: World, what: str, *, side: str = "one", project: str = "project_a", **owner: Any
) -> None:
    from django.utils import timezone

    from rapport.meetings.models import ActionItem

    here = getattr(world, side)
    ActionItem.objects.create(
        project=getattr(here, project),
        what=what,
        due_date=timezone.localdate() + timedelta(days=3),
        **(owner or {"owner_user": here.pm}),
    )


def action_item_seen(world: World) -> str:
    """Owned by the team member (their own list) and one by contact A (theirs)."""
    what = f"{FORMULA} {_name('Action')}"
    _action_item(world, what, owner_user=world.one.member)
    _action_item(world, what, owner_contact=world.one.contact_a)
    return what


def action_item_unseen(world: World) -> str:
    _action_item(world, "Hidden action of B", project="project_b")
    _action_item(world, "Hidden action two", side="two")
    _action_item(world, "Hidden action done", status="done", owner_user=world.one.member)
    return "Hidden action"


def _stakeholder(
    world: World, name: str, *, side: str = "one", project: str = "project_a", plan: bool = True
) -> None:
    from django.utils import timezone

    from rapport.communication import services as comm

    here = getattr(world, side)
    pm = _pm(world, side)
    target = getattr(here, project)
    contact = factories.ContactFactory(client=target.client, full_name=name)
    comm.stakeholder_add(
        actor=pm,
        project=target,
        contact=contact,
        influence="high",
        interest="low",
        notes="@internal",
    )
    if plan:
        comm.plan_item_create(
            actor=pm,
            project=target,
            audience=[contact],
            owner_id=here.pm.pk,
            title=f"Call {name}",
            channel="video",
            cadence_days=7,
            starts_on=timezone.localdate() - timedelta(days=3),
            fulfilled_by="interaction",
        )
    comm.interaction_log(
        actor=pm,
        client=target.client,
        project=target,
        contacts=[contact],
        occurred_at=timezone.now() - timedelta(days=1),
        channel="video",
        kind="decision",
        summary=f"Spoke with {name}",
    )


def stakeholder_seen(world: World) -> str:
    name = f"{FORMULA} {_name('Stakeholder')}"
    _stakeholder(world, name)
    return name


def stakeholder_unseen(world: World) -> str:
    _stakeholder(world, "Hidden person of B", project="project_b")
    _stakeholder(world, "Hidden person two", side="two")
    return "Hidden person"


def _thread(world: World, subject: str, *, side: str = "one", project: str = "project_a") -> None:
    from rapport.messaging import services as messaging

    here = getattr(world, side)
    messaging.thread_open(
        actor=_pm(world, side), project=getattr(here, project), subject=subject, body="Hello"
    )


def thread_seen(world: World) -> str:
    subject = f"{FORMULA} {_name('Question')}"
    _thread(world, subject)
    return subject


def thread_unseen(world: World) -> str:
    _thread(world, "Hidden question of B", project="project_b")
    _thread(world, "Hidden question two", side="two")
    return "Hidden question"


def _feedback(world: World, comment: str, *, side: str = "one", project: str = "project_a") -> None:
    from django.utils import timezone

    from rapport.feedback import services as feedback

    here = getattr(world, side)
    feedback.feedback_record(
        actor=_pm(world, side),
        project=getattr(here, project),
        source="call",
        received_on=timezone.localdate(),
        contact_id=here.contact_a.pk if project == "project_a" else None,
        comment=comment,
        progress=4,
        nps=9,
    )


def feedback_seen(world: World) -> str:
    comment = f"{FORMULA} {_name('Feedback')}"
    _feedback(world, comment)
    return comment


def feedback_unseen(world: World) -> str:
    _feedback(world, "Hidden feedback of B", project="project_b")
    _feedback(world, "Hidden feedback two", side="two")
    return "Hidden feedback"


def audit_seen(world: World) -> str:
    from rapport.audit import services as audit

    name = f"{FORMULA} {_name('Record')}"
    world.one.client_a.name = name
    world.one.client_a.save()
    audit.record(
        actor=_pm(world), action="updated", obj=world.one.client_a, changes={"name": ["old", name]}
    )
    return name


def audit_unseen(world: World) -> str:
    from rapport.audit import services as audit

    world.two.client_a.name = "Hidden record two"
    world.two.client_a.save()
    audit.record(
        actor=_pm(world, "two"),
        action="updated",
        obj=world.two.client_a,
        changes={"name": ["old", "Hidden record two"]},
    )
    return "Hidden record"


def _webhook(world: World, description: str, *, side: str = "one") -> Any:
    from rapport.webhooks import services as webhook_services
    from rapport.webhooks.models import WebhookDelivery

    here = getattr(world, side)
    subscription = webhook_services.subscription_create(
        actor=here.actor(here.admin),
        url=f"https://hooks{next(_serial)}.example.com/in",
        events=["issue.shared"],
        description=description,
    )
    WebhookDelivery.objects.create(
        organisation=here.organisation,
        subscription=subscription,
        event="issue.shared",
        payload={"secret-ish": description},
        attempts=1,
        last_status_code=500,
    )
    return subscription


def webhook_seen(world: World) -> str:
    description = f"{FORMULA} {_name('Hook')}"
    _webhook(world, description)
    return description


def webhook_unseen(world: World) -> str:
    _webhook(world, "Hidden hook two", side="two")
    return "Hidden hook"


def first_webhook(world: World) -> str:
    from rapport.webhooks.models import WebhookSubscription

    subscription = (
        WebhookSubscription.objects.filter(organisation=world.one.organisation)
        .order_by("pk")
        .first()
    )
    if subscription is None:
        subscription = _webhook(world, "The hook")
    return f"/app/settings/webhooks/{subscription.pk}/"


def delivery_seen(world: World) -> str:
    first_webhook(world)
    return "500"  # its response code; the payload never leaves


def delivery_unseen(world: World) -> str:
    from rapport.webhooks.models import WebhookDelivery

    subscription = _webhook(world, "Another hook")
    WebhookDelivery.objects.filter(subscription=subscription).update(last_status_code=418)
    _webhook(world, "Hidden hook two", side="two")
    return "418"


def _actuals(
    world: World, description: str, *, side: str = "one", project: str = "project_a"
) -> None:
    from datetime import date
    from decimal import Decimal

    from rapport.projects.models import CostEntry, TimeEntry

    here = getattr(world, side)
    target = getattr(here, project)
    CostEntry.objects.create(
        project=target,
        category="licences",
        date=date(2026, 3, 2),
        amount=Decimal("1200.50"),
        description=description,
    )
    TimeEntry.objects.create(
        project=target,
        person=here.pm,
        date=date(2026, 3, 3),
        hours=Decimal("7.5"),
        rate=Decimal("100"),
        description=description,
    )


def actuals_seen(world: World) -> str:
    description = f"{FORMULA} {_name('Spent')}"
    _actuals(world, description)
    return description


def actuals_unseen(world: World) -> str:
    _actuals(world, "Hidden spend of B", project="project_b")
    _actuals(world, "Hidden spend two", side="two")
    return "Hidden spend"


EXPORTS: dict[str, Export] = {
    "portfolio": Export(lambda w: "/app/portfolio/", "pm", project_seen, project_of_the_other_org),
    "clients": Export(lambda w: "/app/clients/", "member", client_seen, client_unseen),
    "clients as owner": Export(
        lambda w: "/app/clients/",
        "owner",
        client_seen,
        lambda w: client_unseen(w) and "Hidden client two",
        query={"q": "HYPERLINK", "sort": "name"},
    ),
    "contacts of a client": Export(
        lambda w: f"/app/clients/{w.one.client_a.pk}/",
        "member",
        contact_seen,
        contact_unseen,
        export=lambda w: f"/app/clients/{w.one.client_a.pk}/contacts/export",
        page_list="contacts",
    ),
    "projects": Export(lambda w: "/app/projects/", "member", project_seen, project_unseen),
    "projects filtered": Export(
        lambda w: "/app/projects/",
        "pm",
        project_seen,
        project_unseen,
        query={"q": "HYPERLINK", "status": "active"},
    ),
    "team": Export(lambda w: "/app/team/", "member", member_seen, member_unseen),
    "change log": Export(
        lambda w: f"/app/projects/{w.one.project_a.pk}/changes/",
        "member",
        change_request_seen,
        lambda w: change_request_unseen(w) and "Hidden change t",
    ),
    "change log by state": Export(
        lambda w: f"/app/projects/{w.one.project_a.pk}/changes/",
        "pm",
        change_request_seen,
        lambda w: change_request_unseen(w) and "Hidden change",
        query={"state": "submitted"},
    ),
    "portal change requests": Export(
        lambda w: f"/portal/projects/{w.one.project_a.pk}/changes/",
        "contact_a",
        change_request_seen,
        change_request_unseen,
    ),
    "status reports": Export(
        lambda w: f"/app/projects/{w.one.project_a.pk}/reports/",
        "member",
        report_seen,
        lambda w: report_unseen(w) and "Hidden summary two",
    ),
    "portal status reports": Export(
        lambda w: f"/portal/projects/{w.one.project_a.pk}/reports/",
        "contact_a",
        report_seen,
        report_unseen,
    ),
    "risk register": Export(
        lambda w: f"/app/projects/{w.one.project_a.pk}/risks/",
        "member",
        risk_seen,
        risk_unseen,
        query={"status": "open"},
    ),
    "issue log": Export(
        lambda w: f"/app/projects/{w.one.project_a.pk}/issues/",
        "member",
        issue_seen,
        issue_unseen,
        query={"status": "open"},
    ),
    "conflict register": Export(lambda w: "/app/conflicts/", "pm", conflict_seen, conflict_unseen),
    "conflict register of a client": Export(
        lambda w: "/app/conflicts/",
        "pm",
        conflict_seen,
        conflict_of_client_b,
        query=lambda w: {"client": w.one.client_a.pk, "status": "open"},
    ),
    "meetings": Export(
        lambda w: f"/app/projects/{w.one.project_a.pk}/meetings/",
        "member",
        meeting_seen,
        meeting_unseen,
        query={"when": "upcoming"},
    ),
    "action items of a project": Export(
        lambda w: f"/app/projects/{w.one.project_a.pk}/action-items/",
        "member",
        action_item_seen,
        action_item_unseen,
    ),
    "my action items": Export(
        lambda w: "/app/action-items/", "member", action_item_seen, action_item_unseen
    ),
    "portal action items": Export(
        lambda w: "/portal/action-items/", "contact_a", action_item_seen, action_item_unseen
    ),
    "stakeholders": Export(
        lambda w: f"/app/projects/{w.one.project_a.pk}/communication/",
        "member",
        stakeholder_seen,
        stakeholder_unseen,
        export=lambda w: f"/app/projects/{w.one.project_a.pk}/communication/stakeholders/export",
        page_list="stakeholders",
    ),
    "communication plan": Export(
        lambda w: f"/app/projects/{w.one.project_a.pk}/communication/",
        "member",
        stakeholder_seen,  # named in the plan item's audience
        stakeholder_unseen,
        export=lambda w: f"/app/projects/{w.one.project_a.pk}/communication/plan/export",
        page_list="plan",
    ),
    "touchpoints of a project": Export(
        lambda w: f"/app/projects/{w.one.project_a.pk}/communication/touchpoints/",
        "member",
        stakeholder_seen,
        stakeholder_unseen,
        query={"channel": "video"},
    ),
    "touchpoints of a client": Export(
        lambda w: f"/app/clients/{w.one.client_a.pk}/touchpoints/",
        "member",
        stakeholder_seen,
        stakeholder_unseen,
    ),
    "messages": Export(
        lambda w: f"/app/projects/{w.one.project_a.pk}/messages/",
        "member",
        thread_seen,
        thread_unseen,
    ),
    "portal messages": Export(
        lambda w: f"/portal/projects/{w.one.project_a.pk}/messages/",
        "contact_a",
        thread_seen,
        thread_unseen,
    ),
    "feedback": Export(
        lambda w: f"/app/projects/{w.one.project_a.pk}/feedback/",
        "member",
        feedback_seen,
        feedback_unseen,
    ),
    "audit trail": Export(
        lambda w: "/app/audit/",
        "admin",
        audit_seen,
        audit_unseen,
        query={"action": "updated", "type": "client"},
    ),
    "webhooks": Export(lambda w: "/app/settings/webhooks/", "admin", webhook_seen, webhook_unseen),
    "webhook deliveries": Export(
        first_webhook,
        "admin",
        delivery_seen,
        delivery_unseen,
        export=lambda w: f"{first_webhook(w)}deliveries/export",
    ),
    "cost entries": Export(
        lambda w: f"/app/projects/{w.one.project_a.pk}/actuals/",
        "pm",
        actuals_seen,
        actuals_unseen,
        export=lambda w: f"/app/projects/{w.one.project_a.pk}/actuals/costs/export",
        page_list="cost_entries",
    ),
    "time entries": Export(
        lambda w: f"/app/projects/{w.one.project_a.pk}/actuals/",
        "pm",
        actuals_seen,
        actuals_unseen,
        export=lambda w: f"/app/projects/{w.one.project_a.pk}/actuals/hours/export",
        page_list="time_entries",
    ),
    "lessons library": Export(
        lambda w: "/app/lessons/", "member", lesson_seen, lesson_unseen, page_list="lessons"
    ),
    "lessons library searched": Export(
        lambda w: "/app/lessons/",
        "member",
        lesson_seen,
        lesson_unseen,
        page_list="lessons",
        query={"category": "change"},
    ),
    "portal lessons": Export(
        lambda w: "/portal/lessons/",
        "contact_a",
        lesson_seen,
        portal_lesson_unseen,
        page_list="lessons",
    ),
    "portal lessons of a project": Export(
        lambda w: f"/portal/projects/{w.one.project_a.pk}/lessons/",
        "contact_a",
        lesson_seen,
        portal_lesson_unseen,
        page_list="lessons",
    ),
    "portal meetings": Export(
        lambda w: f"/portal/projects/{w.one.project_a.pk}/meetings/",
        "contact_a",
        portal_meeting_seen,
        portal_meeting_unseen,
    ),
    "portal risks": Export(
        lambda w: f"/portal/projects/{w.one.project_a.pk}/risks/",
        "contact_a",
        portal_risk_seen,
        portal_risk_unseen,
        page_list="risks",
    ),
    "portal issues": Export(
        lambda w: f"/portal/projects/{w.one.project_a.pk}/risks/",
        "contact_a",
        portal_issue_seen,
        portal_issue_unseen,
        export=lambda w: f"/portal/projects/{w.one.project_a.pk}/risks/issues/export",
        page_list="issues",
    ),
    "outbox": Export(lambda w: "/app/outbox/", "admin", email_seen, email_unseen),
    "notifications": Export(
        lambda w: "/app/notifications/", "member", notification_seen, notification_unseen
    ),
    "portal notifications": Export(
        lambda w: "/portal/notifications/",
        "contact_a",
        portal_notification_seen,
        portal_notification_unseen,
    ),
}


@pytest.mark.parametrize("fmt", export.FORMATS)
@pytest.mark.parametrize("name", list(EXPORTS))
def test_export_holds_the_rows_of_the_page(world: World, name: str, fmt: str) -> None:
    case = EXPORTS[name]
    seen = case.seen(world)
    unseen = case.unseen(world)
    http = login(_user(world, case.role))
    page = http.get(case.page(world), case.params(world))
    assert page.status_code == 200
    listed = page.context[case.page_list]
    listed = listed.paginator.count if hasattr(listed, "paginator") else len(listed)

    rows = parse(http.get(case.export_path(world, fmt), case.params(world)), fmt)

    cells = texts(rows)
    assert len(rows) == 1 + listed  # the heading, then every row of every page
    # shown as text, never run
    assert (f"'{seen}" if seen.startswith(FORMULA) else seen) in cells
    assert not [cell for cell in cells if unseen in cell]
    assert not [cell for cell in cells if cell[:1] in export.FORMULA_STARTS]


@pytest.mark.parametrize("name", list(EXPORTS))
def test_export_heading_in_the_readers_language(world: World, name: str) -> None:
    case = EXPORTS[name]
    user = _user(world, case.role)
    english = parse(login(user).get(case.export_path(world, "csv")), "csv")[0]
    user.language = "zh-hans"
    user.save()

    chinese = parse(login(user).get(case.export_path(world, "xlsx")), "xlsx")[0]

    assert len(chinese) == len(english)
    assert english[0].isascii()
    assert not chinese[0].isascii()


def test_a_cell_that_looks_like_a_formula_is_text(world: World) -> None:
    for value in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert export.safe_text(value) == f"'{value}"
    assert export.safe_text("a=1") == "a=1"


def test_export_is_capped(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "MAX_ROWS", 2)
    for _ in range(3):
        project_seen(world)
    http: HttpClient = login(world.one.pm)
    assert len(parse(http.get("/app/projects/export.csv"), "csv")) == 1 + 2
    assert len(parse(http.get("/app/projects/export.xlsx"), "xlsx")) == 1 + 2


def test_dates_are_iso_money_and_counts_are_numbers_choices_are_labels(world: World) -> None:
    from datetime import datetime
    from decimal import Decimal

    description = actuals_seen(world)
    http = login(world.one.pm)
    url = f"/app/projects/{world.one.project_a.pk}/actuals/costs/export"
    csv_rows = parse(http.get(f"{url}.csv"), "csv")
    xlsx_rows = parse(http.get(f"{url}.xlsx"), "xlsx")

    assert csv_rows[0] == ["Date", "Category", "Description", "Amount", "Currency"]
    mine = next(row for row in csv_rows if row[2] == f"'{description}")
    assert mine == ["2026-03-02", "Licences", f"'{description}", "1200.50", "EUR"]
    mine_xlsx = next(row for row in xlsx_rows if row[2] == f"'{description}")
    assert mine_xlsx[0] == datetime(2026, 3, 2)  # a date cell, not text
    assert mine_xlsx[3] == 1200.5 and not isinstance(mine_xlsx[3], str)
    assert Decimal(mine[3]) == Decimal("1200.50")


def test_times_are_in_the_readers_time_zone(world: World) -> None:
    from datetime import UTC, datetime

    from rapport.changes.models import ChangeRequest

    world.one.pm.time_zone = "Asia/Shanghai"
    world.one.pm.save()
    change_request_seen(world)
    ChangeRequest.objects.filter(project=world.one.project_a).update(
        created_at=datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    )
    http = login(world.one.pm)
    url = f"/app/projects/{world.one.project_a.pk}/changes/export"
    csv_rows = parse(http.get(f"{url}.csv"), "csv")
    xlsx_rows = parse(http.get(f"{url}.xlsx"), "xlsx")
    assert csv_rows[1][-1] == "2026-03-03 07:30"  # UTC+8
    assert xlsx_rows[1][-1] == datetime(2026, 3, 3, 7, 30)
