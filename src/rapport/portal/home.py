"""What the client portal's home and project pages put together from the other apps' portal
selectors: what waits for the contact, and a project's timeline. Each source is one query
(or a fixed few) and is cut to a limit, so the pages run the same queries whatever the number
of projects and items."""

from __future__ import annotations

from dataclasses import InitVar, dataclass
from datetime import date, datetime
from typing import cast

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rapport.changes import selectors as change_selectors
from rapport.clients.models import Contact
from rapport.closure import selectors as closure_selectors
from rapport.core import versions
from rapport.feedback import selectors as feedback_selectors
from rapport.meetings import selectors as meeting_selectors
from rapport.meetings.models import ActionItem
from rapport.messaging import selectors as message_selectors
from rapport.projects import selectors as project_selectors
from rapport.projects.models import BaselineVersion, Project
from rapport.reports import selectors as report_selectors
from rapport.tenancy.actors import Actor

LIMIT = 25  # lines per kind and per group; what waits beyond is reached from the project pages
KEPT = 60  # seconds: what falls due with time, and changes made outside the services
# The apps whose records no source of ``waiting_for`` reads: a message, a touchpoint or a risk
# leaves what waits for the contact kept.
UNREAD = frozenset(("communication", "messaging", "risks"))


@dataclass(frozen=True)
class Waiting:
    """One thing the contact is asked to do, and the page where they do it. Plain text only,
    as it is kept in the cache (in the contact's language): the project's id and name, not
    the project."""

    kind: str
    action: str
    title: str
    project: InitVar[Project]
    since: date
    url: str
    due: date | None = None
    project_id: int = 0
    project_name: str = ""

    def __post_init__(self, project: Project) -> None:
        object.__setattr__(self, "action", str(self.action))
        object.__setattr__(self, "title", str(self.title))
        object.__setattr__(self, "project_id", project.pk)
        object.__setattr__(self, "project_name", project.name)


def _day(moment: datetime | None) -> date:
    return timezone.localdate(moment) if moment else timezone.localdate()


def _approvals(actor: Actor) -> list[Waiting]:
    """What the contact's approval is asked for; empty unless they are their client's
    approver (minutes: any invited contact)."""
    lines = [
        Waiting(
            "baseline",
            _("Sign off the baseline"),
            _("Baseline version %(number)s") % {"number": version.number},
            version.project,
            _day(version.submitted_at),
            reverse("portal:project", args=[version.project_id]) + "#sign-off",
        )
        for version in project_selectors.baselines_awaiting_signoff(actor=actor)[: LIMIT + 1]
    ]
    lines += [
        Waiting(
            "change_request",
            _("Decide on the change request"),
            f"{change_request.reference} {change_request.title}",
            change_request.project,
            _day(change_request.updated_at),
            reverse(
                "portal_changes:detail", args=[change_request.project_id, change_request.number]
            ),
        )
        for change_request in change_selectors.change_requests_awaiting_decision(actor=actor)[
            : LIMIT + 1
        ]
    ]
    lines += [
        Waiting(
            "deliverable",
            _("Accept or reject the deliverable"),
            deliverable.name,
            deliverable.project,
            _day(deliverable.submitted_at),
            reverse("portal:project", args=[deliverable.project_id])
            + f"#deliverable-{deliverable.pk}",
        )
        for deliverable in project_selectors.deliverables_awaiting_acceptance(actor=actor)[
            : LIMIT + 1
        ]
    ]
    lines += [
        Waiting(
            "minutes",
            _("Confirm the minutes"),
            str(version.minutes.meeting.title),
            version.minutes.meeting.project,
            _day(version.published_at),
            reverse(
                "portal_meetings:detail",
                args=[version.minutes.meeting.project_id, version.minutes.meeting.number],
            ),
            due=_day(version.confirm_by),
        )
        for version in meeting_selectors.minutes_awaiting_answer(actor=actor)[: LIMIT + 1]
    ]
    lines += [
        Waiting(
            "closure",
            _("Accept the project's closure"),
            _("Closure report"),
            closure.project,
            _day(closure.closed_at),
            reverse("portal_closure:detail", args=[closure.project_id]),
        )
        for closure in closure_selectors.closures_awaiting_acceptance(actor=actor)[: LIMIT + 1]
    ]
    return lines


def _acknowledgements(actor: Actor) -> list[Waiting]:
    return [
        Waiting(
            "report",
            _("Acknowledge the status report"),
            _("Status report %(reference)s") % {"reference": report.reference},
            report.project,
            _day(report.published_at),
            reverse("portal_reports:detail", args=[report.project_id, report.number]),
        )
        for report in report_selectors.reports_awaiting_acknowledgement(actor=actor)[: LIMIT + 1]
    ]


def _surveys(actor: Actor) -> list[Waiting]:
    return [
        Waiting(
            "survey",
            _("Answer the survey"),
            invitation.survey.title,
            invitation.survey.project,
            _day(invitation.last_sent_at or invitation.survey.created_at),
            reverse(
                "portal_feedback:answer",
                args=[invitation.survey.project_id, invitation.survey_id],
            ),
            due=_day(invitation.survey.expires_at),
        )
        for invitation in feedback_selectors.open_invitations_for(actor=actor)[: LIMIT + 1]
    ]


def _action_items(actor: Actor) -> list[Waiting]:
    return [
        Waiting(
            "action_item",
            _("Close your action item"),
            item.what,
            item.project,
            _day(item.created_at),
            reverse("portal_meetings:action_item_close", args=[item.pk]),
            due=item.due_date,
        )
        for item in meeting_selectors.action_item_list(actor=actor, status=ActionItem.Status.OPEN)[
            : LIMIT + 1
        ]
    ]


@dataclass(frozen=True)
class WaitingGroup:
    """One heading of the home's "waiting for you": its lines, soonest due and longest
    waiting first, at most ``LIMIT``; ``more`` is set when lines were left off."""

    key: str
    heading: str
    lines: list[Waiting]
    more: bool


def waiting_for_kept(*, actor: Actor) -> list[WaitingGroup]:
    """``waiting_for``, kept in the cache for the contact's day and language (what is due and
    the wording depend on both) until a record changes in their clients' organisations in an
    app it reads (every app but ``UNREAD``; see ``rapport.core.versions``), a minute at most."""
    organisation_ids = sorted(
        set(
            Contact.objects.filter(pk__in=actor.contact_ids).values_list(
                "client__organisation_id", flat=True
            )
        )
    )
    stamp = versions.of_every_app(organisation_ids).stamp(leaving_out=UNREAD)
    user_id = actor.user.pk if actor.user else None
    key = (
        f"portal:waiting:{translation.get_language()}:{timezone.localdate().isoformat()}:"
        f"{user_id}:{versions.digest(sorted(actor.contact_ids))}:{stamp}"
    )
    return cast(list[WaitingGroup], cache.get_or_set(key, lambda: waiting_for(actor=actor), KEPT))


def waiting_for(*, actor: Actor) -> list[WaitingGroup]:
    """Everything waiting for the contact, by kind of request; a kind with nothing waiting
    is left out."""
    groups = [
        ("approvals", _("Approvals"), _approvals(actor)),
        ("acknowledgements", _("Status reports to acknowledge"), _acknowledgements(actor)),
        ("surveys", _("Surveys to answer"), _surveys(actor)),
        ("action_items", _("Your action items"), _action_items(actor)),
    ]
    return [
        WaitingGroup(
            key,
            str(heading),
            sorted(lines, key=lambda line: (line.due or date.max, line.since))[:LIMIT],
            len(lines) > LIMIT,
        )
        for key, heading, lines in groups
        if lines
    ]


@dataclass(frozen=True)
class Event:
    """One dated line of a project's timeline; ``document`` links a file (a PDF, an
    attachment) when there is one."""

    kind: str
    label: str
    title: str
    when: date
    url: str = ""
    document: str = ""


def timeline(*, actor: Actor, project: Project) -> list[Event]:
    """The project's history as the client saw it, newest first."""
    pid = project.pk
    events = [
        Event(
            "milestone",
            _("Milestone done") if milestone.done_date else _("Milestone due"),
            milestone.name,
            milestone.done_date or milestone.forecast_date or milestone.baseline_date,
        )
        for milestone in project_selectors.client_visible_milestones(project=project)[:LIMIT]
    ]
    events += [
        Event(
            "report",
            _("Status report published"),
            _("Status report %(reference)s") % {"reference": report.reference},
            _day(report.published_at),
            reverse("portal_reports:detail", args=[pid, report.number]),
            reverse("portal_reports:pdf", args=[pid, report.number]),
        )
        for report in report_selectors.published_reports(actor=actor, project=project)
    ]
    decided = (BaselineVersion.Status.SIGNED, BaselineVersion.Status.RETURNED)
    events += [
        Event(
            "decision",
            _("Baseline signed off")
            if version.status == BaselineVersion.Status.SIGNED
            else _("Baseline sent back"),
            _("Baseline version %(number)s") % {"number": version.number},
            _day(version.decided_at),
            reverse("portal:version", args=[pid, version.pk]),
        )
        for version in project_selectors.versions_of(project=project, for_client=True).filter(
            status__in=decided, decided_at__isnull=False
        )[:LIMIT]
    ]
    events += [
        Event(
            "decision",
            decision.get_kind_display(),
            f"{decision.change_request.reference} {decision.change_request.title}",
            _day(decision.decided_at),
            reverse("portal_changes:detail", args=[pid, decision.change_request.number]),
        )
        for decision in change_selectors.client_decisions(actor=actor, project=project)[:LIMIT]
    ]
    events += [
        Event(
            "change_request",
            _("Change request raised"),
            f"{change_request.reference} {change_request.title}",
            _day(change_request.created_at),
            reverse("portal_changes:detail", args=[pid, change_request.number]),
        )
        for change_request in change_selectors.change_request_list(actor=actor, project=project)[
            :LIMIT
        ]
    ]
    events += _documents(actor, project)
    return sorted(events, key=lambda event: event.when, reverse=True)


def _documents(actor: Actor, project: Project) -> list[Event]:
    pid = project.pk
    events = [
        Event(
            "document",
            _("File shared in a message"),
            attachment.filename,
            _day(attachment.message.created_at),
            reverse("portal_messages:thread", args=[pid, attachment.message.thread_id]),
            reverse(
                "portal_messages:attachment",
                args=[pid, attachment.message.thread_id, attachment.pk],
            ),
        )
        for attachment in message_selectors.project_attachments(
            actor=actor, project=project, limit=LIMIT
        )
    ]
    events += [
        Event(
            "document",
            _("Minutes published"),
            str(meeting.title),
            _day(meeting.minutes_published_at),  # type: ignore[attr-defined]
            reverse("portal_meetings:detail", args=[pid, meeting.number]),
            reverse("portal_meetings:minutes_pdf", args=[pid, meeting.number]),
        )
        for meeting in meeting_selectors.meetings_with_minutes(
            actor=actor, project=project, limit=LIMIT
        )
    ]
    events += [
        Event(
            "document",
            _("Closure report"),
            project.name,
            _day(closure.closed_at),
            reverse("portal_closure:detail", args=[pid]),
            reverse("portal_closure:pdf", args=[pid]),
        )
        for closure in closure_selectors.published_closures(actor=actor, project=project)
    ]
    return events
