"""The member's home ("today"): what needs them, in priority order, one section per kind of
thread the article says a PM keeps alive.

Each source reads one app's scoped selector and returns its first lines (in its own order)
and how many there are; a section merges its sources' lines, the longest wait or the most
overdue first. Every source runs a fixed number of queries, so the page and the count in the
navigation do not grow with the number of projects. A line disappears when its item is
handled because each selector asks for what is still waiting."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import InitVar, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rapport.changes import selectors as changes
from rapport.changes.models import ChangeRequest
from rapport.closure.checkins import checkins_due
from rapport.communication import selectors as communication
from rapport.core import waiting_cache
from rapport.feedback import followups
from rapport.feedback.models import Dimension
from rapport.meetings import selectors as meetings
from rapport.meetings.models import MinutesVersion
from rapport.messaging import selectors as messaging
from rapport.projects import selectors as projects
from rapport.projects.models import Project
from rapport.reports import selectors as reports
from rapport.reports import thread_selectors as report_questions
from rapport.reports.schedule import next_report_due
from rapport.risks import selectors as risks
from rapport.risks.models import Conflict
from rapport.tenancy.actors import Actor

LIMIT = 10  # lines per section on the home page; the rest behind "N more"


@dataclass(frozen=True)
class Line:
    """One thing waiting: where it is handled, what it is, and since when or by when. Plain
    text only, as it is kept in the cache (in the reader's language): the project's and the
    client's names, not the project."""

    url: str
    title: str
    what: str | Promise
    project: InitVar[Project | None] = None
    project_name: str = ""
    client_name: str = ""
    waited: timedelta | None = None  # how long it has been waiting
    due: date | None = None
    overdue_days: int = 0
    note: str = ""
    handle_url: str = ""  # a follow-up is handled right on the home page

    def __post_init__(self, project: Project | None) -> None:
        object.__setattr__(self, "what", str(self.what))
        if project is not None:
            object.__setattr__(self, "project_name", project.name)
            object.__setattr__(self, "client_name", self.client_name or project.client.name)

    @property
    def urgency(self) -> float:
        """Days waited or overdue: the section lists the largest first."""
        if self.waited is not None:
            return self.waited.total_seconds() / 86400
        return float(self.overdue_days)


@dataclass(frozen=True)
class Moment:
    actor: Actor
    now: datetime
    today: date


Lines = tuple[list[Line], int]
Source = Callable[[Moment, int], Lines]


def _from[M: Model](queryset: QuerySet[M], stop: int, line: Callable[[M], Line]) -> Lines:
    """The first ``stop`` rows as lines, and how many rows there are (two queries)."""
    total = queryset.count()
    rows = list(queryset[:stop]) if stop and total else []
    return [line(row) for row in rows], total


def _listed(lines: list[Line], stop: int) -> Lines:
    return lines[:stop], len(lines)


# --- the sources ----------------------------------------------------------------------------


def touchpoints(moment: Moment, stop: int) -> Lines:
    if not stop:  # counted: no item is read in full
        return [], communication.attention_count(actor=moment.actor, today=moment.today)
    due = communication.attention(actor=moment.actor, today=moment.today)
    return _listed(
        [
            Line(
                url=reverse("communication:overview", args=[t.item.project_id]),
                title=t.item.title,
                what=t.item.get_channel_display(),
                project=t.item.project,
                due=t.due.next_due,
                overdue_days=max(t.due.overdue_days, 0),
            )
            for t in due
        ],
        stop,
    )


def client_messages(moment: Moment, stop: int) -> Lines:
    return _from(
        messaging.waiting_threads(actor=moment.actor),
        stop,
        lambda thread: Line(
            url=reverse("messages_app:thread", args=[thread.project_id, thread.pk]),
            title=thread.subject,
            what=_("Message"),
            project=thread.project,
            waited=moment.now - (thread.waiting_since or moment.now),
        ),
    )


def report_threads(moment: Moment, stop: int) -> Lines:
    return _from(
        report_questions.questions_waiting(actor=moment.actor),
        stop,
        lambda thread: Line(
            url=reverse("reports:detail", args=[thread.report.project_id, thread.report.number])
            + f"#thread-{thread.pk}",
            title=thread.report.reference,
            what=_("Question on a status report"),
            project=thread.report.project,
            waited=moment.now - (thread.waiting_since or moment.now),
        ),
    )


def _change_request(moment: Moment, what: str | Promise) -> Callable[[ChangeRequest], Line]:
    def line(change_request: ChangeRequest) -> Line:
        return Line(
            url=reverse(
                "changes:detail",
                args=[change_request.project_id, change_request.number],
            ),
            title=str(change_request),
            what=what or change_request.get_state_display(),
            project=change_request.project,
            waited=moment.now - change_request.updated_at,
        )

    return line


def change_requests_to_assess(moment: Moment, stop: int) -> Lines:
    return _from(changes.awaiting_pm(actor=moment.actor), stop, _change_request(moment, what=""))


def change_requests_to_approve(moment: Moment, stop: int) -> Lines:
    return _from(
        changes.awaiting_internal_approval(actor=moment.actor),
        stop,
        _change_request(moment, what=_("Change request awaiting your internal approval")),
    )


def change_requests_with_client(moment: Moment, stop: int) -> Lines:
    return _from(
        changes.awaiting_client(actor=moment.actor),
        stop,
        _change_request(moment, what=_("Change request awaiting the client's decision")),
    )


def _minutes(moment: Moment, what: str | Promise) -> Callable[[MinutesVersion], Line]:
    def line(version: MinutesVersion) -> Line:
        meeting = version.minutes.meeting
        return Line(
            url=reverse("meetings:minutes", args=[meeting.project_id, meeting.number]),
            title=meeting.title,
            what=what,
            project=meeting.project,
            waited=moment.now - version.published_at,
        )

    return line


def minutes_corrections(moment: Moment, stop: int) -> Lines:
    return _from(
        meetings.minutes_corrections_requested(actor=moment.actor),
        stop,
        _minutes(moment, _("Correction to the minutes proposed")),
    )


def minutes_to_confirm(moment: Moment, stop: int) -> Lines:
    return _from(
        meetings.minutes_awaiting_confirmation(actor=moment.actor),
        stop,
        _minutes(moment, _("Minutes awaiting the client's confirmation")),
    )


def baselines(moment: Moment, stop: int) -> Lines:
    return _from(
        projects.baselines_awaiting_client(actor=moment.actor),
        stop,
        lambda version: Line(
            url=reverse("projects:version", args=[version.project_id, version.pk]),
            title=str(version),
            what=_("Baseline awaiting the client's sign-off"),
            project=version.project,
            waited=moment.now - version.submitted_at,
        ),
    )


def deliverables(moment: Moment, stop: int) -> Lines:
    return _from(
        projects.deliverables_awaiting_client(actor=moment.actor),
        stop,
        lambda deliverable: Line(
            url=reverse("projects:baseline", args=[deliverable.project_id])
            + f"#deliverable-{deliverable.pk}",
            title=deliverable.name,
            what=_("Deliverable awaiting the client's acceptance"),
            project=deliverable.project,
            waited=moment.now - (deliverable.submitted_at or deliverable.updated_at),
        ),
    )


def action_items(moment: Moment, stop: int) -> Lines:
    return _from(
        meetings.overdue_action_items_of(actor=moment.actor, today=moment.today),
        stop,
        lambda item: Line(
            url=reverse("meetings:action_item_close", args=[item.pk]),
            title=item.what,
            what=str(item.owner),
            project=item.project,
            due=item.due_date,
            overdue_days=(moment.today - item.due_date).days,
        ),
    )


def reports_due(moment: Moment, stop: int) -> Lines:
    lines = []
    for project in reports.projects_with_report_cadence(actor=moment.actor):
        last_end = project.last_period_end  # type: ignore[attr-defined]
        due = next_report_due(project, last_period_end=last_end)
        if due is not None and due <= moment.today:
            lines.append(
                Line(
                    url=reverse("reports:create", args=[project.pk]),
                    title=str(project.get_report_cadence_display()),
                    what=_("Status report due"),
                    project=project,
                    due=due,
                    overdue_days=(moment.today - due).days,
                )
            )
    return _listed(sorted(lines, key=lambda line: -line.overdue_days), stop)


def report_drafts(moment: Moment, stop: int) -> Lines:
    return _from(
        reports.drafts_of(actor=moment.actor),
        stop,
        lambda report: Line(
            url=reverse("reports:detail", args=[report.project_id, report.number]),
            title=str(report),
            what=_("Drafted, not published"),
            project=report.project,
            waited=moment.now - report.created_at,
        ),
    )


def _joined(parts: Iterable[str]) -> str:
    """Parts joined the reader's way: "a, b" in English, "a，b" in Chinese."""
    return str(pgettext_lazy("list separator", ", ")).join(parts)


def _score_label(name: str) -> str:
    return str(Dimension(name).label) if name in Dimension.values else str(_("Recommendation"))


def feedback_follow_ups(moment: Moment, stop: int) -> Lines:
    return _from(
        followups.follow_ups_open(actor=moment.actor),
        stop,
        lambda follow_up: Line(
            url=reverse("feedback:list", args=[follow_up.project_id])
            + f"#feedback-{follow_up.feedback_id}",
            title=_joined(
                f"{_score_label(name)} {score}" for name, score in follow_up.low_scores.items()
            ),
            what=_("Low feedback"),
            project=follow_up.project,
            due=follow_up.due_date,
            overdue_days=max((moment.today - follow_up.due_date).days, 0),
            note=follow_up.feedback.comment,
            handle_url=reverse(
                "feedback:follow_up_handle", args=[follow_up.project_id, follow_up.pk]
            ),
        ),
    )


def conflicts(moment: Moment, stop: int) -> Lines:
    return _from(
        risks.conflicts_visible_to(moment.actor)
        .filter(status=Conflict.Status.OPEN)
        .select_related("client", "project__client")
        .order_by("created_at", "id"),
        stop,
        lambda conflict: Line(
            url=reverse("risks:conflict_detail", args=[conflict.pk]),
            title=str(conflict),
            what=conflict.get_escalation_level_display(),
            project=conflict.project,
            client_name=conflict.client.name,
            waited=moment.now - conflict.created_at,
        ),
    )


def checkins(moment: Moment, stop: int) -> Lines:
    return _from(
        checkins_due(actor=moment.actor, today=moment.today),
        stop,
        lambda checkin: Line(
            url=reverse("closure:detail", args=[checkin.project_id]) + "#checkins",
            title=checkin.contact.full_name,
            what=_("Check-in after closing"),
            project=checkin.project,
            due=checkin.due_on,
            overdue_days=(moment.today - checkin.due_on).days,
        ),
    )


def expectation_gaps(moment: Moment, stop: int) -> Lines:
    ratings = list(followups.latest_pm_ratings(actor=moment.actor))
    lines = [
        Line(
            url=reverse("feedback:gap", args=[rating.project_id]),
            title=_joined(
                str(_("%(label)s: %(pm)s / %(client)s"))
                % {"label": gap.label, "pm": gap.pm, "client": gap.client}
                for gap in gaps
                if gap.flagged
            ),
            what=_("Your rating / the client's"),
            project=rating.project,
        )
        for rating, gaps in followups.expectation_gaps(ratings)
        if any(gap.flagged for gap in gaps)
    ]
    return _listed(lines, stop)


# --- sections -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """``reads``: the apps whose records its sources read besides projects, clients and the
    organisation's people (any change to those works every section out again), and those
    whose services write such records in passing (minutes and check-ins log touchpoints).
    The home page keeps the section until one of them changes (``waiting_cache``)."""

    key: str
    heading: str | Promise
    sources: tuple[Source, ...]
    reads: tuple[str, ...]
    testid: str = ""

    def lines(self, moment: Moment, start: int, stop: int) -> Lines:
        """Lines ``start``..``stop`` of the merged sources, most urgent first, and the total."""
        merged: list[Line] = []
        total = 0
        for source in self.sources:
            lines, count = source(moment, stop)
            merged.extend(lines)
            total += count
        merged.sort(key=lambda line: -line.urgency)
        return merged[start:stop], total


SECTIONS: tuple[Section, ...] = (
    Section(
        "touchpoints",
        _("Touchpoints due and overdue"),
        (touchpoints,),
        reads=("communication", "reports", "meetings", "closure"),
    ),
    Section(
        "messages",
        _("Client messages waiting for an answer"),
        (client_messages,),
        reads=("messaging",),
        testid="messages-waiting",
    ),
    Section(
        "questions",
        _("Client questions on status reports waiting for an answer"),
        (report_threads,),
        reads=("reports",),
    ),
    Section(
        "on-you",
        _("Decisions waiting on you"),
        (change_requests_to_assess, change_requests_to_approve, minutes_corrections),
        reads=("changes", "meetings"),
    ),
    Section(
        "on-client",
        _("Decisions waiting on the client"),
        (baselines, change_requests_with_client, deliverables, minutes_to_confirm),
        reads=("changes", "meetings"),
    ),
    Section(
        "action-items",
        _("Overdue action items"),
        (action_items,),
        reads=("meetings", "changes"),
    ),
    Section(
        "reports",
        _("Status reports due or drafted"),
        (reports_due, report_drafts),
        reads=("reports",),
    ),
    Section(
        "follow-ups",
        _("Low feedback to follow up"),
        (feedback_follow_ups,),
        reads=("feedback",),
        testid="feedback-follow-ups",
    ),
    Section("conflicts", pgettext_lazy("home", "Open conflicts"), (conflicts,), reads=("risks",)),
    Section(
        "checkins",
        _("Check-ins due with clients of closed projects"),
        (checkins,),
        reads=("closure", "communication"),
        testid="checkins-due",
    ),
    Section("gaps", _("Expectation gaps"), (expectation_gaps,), reads=("feedback",)),
)
BY_KEY = {section.key: section for section in SECTIONS}


@dataclass(frozen=True)
class Shown:
    """A section as the home page shows it, kept in the cache by the section's key (its
    heading is a lazy translation, slow to unpickle)."""

    key: str
    lines: list[Line]
    total: int
    more: int = 0

    @property
    def section(self) -> Section:
        return BY_KEY[self.key]


def moment_of(actor: Actor) -> Moment:
    return Moment(actor=actor, now=timezone.now(), today=timezone.localdate())


def shown(section: Section, moment: Moment, limit: int = LIMIT) -> Shown | None:
    """The section's first ``limit`` lines, or None when nothing waits in it."""
    lines, total = section.lines(moment, 0, limit)
    return Shown(section.key, lines, total, more=total - len(lines)) if total else None


def today(actor: Actor) -> list[Shown]:
    """Every section with something waiting, in priority order, ``LIMIT`` lines each; each
    section kept in the cache while nothing it reads changes."""
    moment = moment_of(actor)
    return waiting_cache.sections(actor, SECTIONS, lambda section: shown(section, moment))


def waiting_count(actor: Actor) -> int:
    """How many things wait for the member: the number beside Home in the navigation. Each
    section's total is read from the cache while nothing it reads changes, else counted."""
    if not actor.is_member:
        return 0
    moment = moment_of(actor)
    return waiting_cache.count(
        actor,
        SECTIONS,
        counted=lambda section: section.lines(moment, 0, 0)[1],
        total_of=lambda shown: shown.total if shown else 0,
    )


class SectionLines(Sequence[Line]):
    """One section's lines for the paginator: it counts them, then reads only its page."""

    def __init__(self, section: Section, actor: Actor) -> None:
        self.section, self.moment = section, moment_of(actor)
        self._total: int | None = None

    def __len__(self) -> int:
        if self._total is None:
            self._total = self.section.lines(self.moment, 0, 0)[1]
        return self._total

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return self.section.lines(self.moment, index.start or 0, index.stop or 0)[0]
        return self.section.lines(self.moment, index, index + 1)[0][0]
