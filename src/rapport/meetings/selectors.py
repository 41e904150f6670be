"""Every read of meetings and action items starts from what the actor can see: members the
meetings of the projects they see; contacts the meetings they are invited to, and the action
items they own, on their clients' published projects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from rapport.changes.models import OPEN_STATES, ChangeRequest
from rapport.changes.models import State as ChangeState
from rapport.meetings.models import (
    ActionItem,
    AgendaItem,
    Decision,
    Meeting,
    MinutesResponse,
    MinutesVersion,
)
from rapport.projects.models import Milestone, Project
from rapport.projects.selectors import managed_by, projects_visible_to
from rapport.tenancy.actors import Actor


def meetings_visible_to(actor: Actor) -> QuerySet[Meeting]:
    projects = projects_visible_to(actor)
    if actor.is_member:
        return Meeting.objects.filter(project__in=projects)
    if actor.is_contact:
        invited = Meeting.client_attendees.through.objects.filter(
            meeting=OuterRef("pk"), contact_id__in=actor.contact_ids
        )
        return Meeting.objects.filter(Exists(invited), project__in=projects)
    return Meeting.objects.none()


def action_items_visible_to(actor: Actor) -> QuerySet[ActionItem]:
    """Members: the action items of the projects they see. Contacts: those they own."""
    projects = projects_visible_to(actor)
    if actor.is_member:
        return ActionItem.objects.filter(project__in=projects)
    if actor.is_contact:
        return ActionItem.objects.filter(
            project__in=projects, owner_contact_id__in=actor.contact_ids
        )
    return ActionItem.objects.none()


# --- meetings ---------------------------------------------------------------------------------


def meeting_list(*, actor: Actor, project: Project, when: str = "") -> QuerySet[Meeting]:
    """``when``: "upcoming" (scheduled, not yet ended) or "past" (the others); else all."""
    meetings = (
        meetings_visible_to(actor)
        .filter(project=project)
        .select_related("organiser", "series", "minutes")
        .annotate(
            agenda_count=Count("agenda_items", distinct=True),
            versions=Count("minutes__versions", distinct=True),
        )
    )
    now = timezone.now()
    if when == "upcoming":
        meetings = meetings.filter(state=Meeting.State.SCHEDULED, end__gte=now).order_by(
            "start", "id"
        )
    elif when == "past":
        meetings = meetings.filter(Q(end__lt=now) | ~Q(state=Meeting.State.SCHEDULED)).order_by(
            "-start", "-id"
        )
    else:
        meetings = meetings.order_by("-start", "-id")
    return meetings


def meeting_get(*, actor: Actor, project: Project, number: int) -> Meeting:
    return get_object_or_404(
        meetings_visible_to(actor)
        .filter(project=project)
        .select_related("project__client", "project__pm", "organiser", "series", "plan_item")
        .prefetch_related("attendees", "client_attendees"),
        number=number,
    )


def agenda(*, meeting: Meeting) -> list[AgendaItem]:
    return list(
        meeting.agenda_items.select_related(
            "owner_user", "owner_contact", "action_item", "milestone", "change_request"
        )
        .prefetch_related("decisions__decided_by_user", "decisions__decided_by_contact")
        .order_by("order", "id")
    )


@dataclass(frozen=True)
class Proposal:
    """Something the agenda should cover that it does not yet: an open action item of an
    earlier meeting, an overdue milestone, or a pending change request."""

    source: str
    object_id: int
    title: str
    detail: str
    overdue_days: int = 0

    @property
    def key(self) -> str:
        return f"{self.source}:{self.object_id}"


def agenda_proposals(*, meeting: Meeting, today: date | None = None) -> list[Proposal]:
    """What to carry into this meeting's agenda, in three queries. Only what the client may see
    is proposed (the agenda goes to the client): client-visible milestones, change requests
    that left the PM's drafts."""
    day = today or timezone.localdate()
    on_agenda = meeting.agenda_items.values_list(
        "source", "action_item_id", "milestone_id", "change_request_id"
    )
    taken: set[tuple[str, int | None]] = set()
    for _source, action_item_id, milestone_id, change_request_id in on_agenda:
        taken.add((AgendaItem.Source.ACTION_ITEM, action_item_id))
        taken.add((AgendaItem.Source.MILESTONE, milestone_id))
        taken.add((AgendaItem.Source.CHANGE_REQUEST, change_request_id))
    proposals: list[Proposal] = []
    action_items = (
        ActionItem.objects.filter(project_id=meeting.project_id, status=ActionItem.Status.OPEN)
        .filter(Q(meeting__isnull=True) | Q(meeting__start__lt=meeting.start))
        .exclude(meeting=meeting)
        .select_related("owner_user", "owner_contact", "meeting")
        .order_by("due_date", "id")
    )
    for item in action_items:
        if (AgendaItem.Source.ACTION_ITEM, item.pk) in taken:
            continue
        proposals.append(
            Proposal(
                source=AgendaItem.Source.ACTION_ITEM,
                object_id=item.pk,
                title=item.what,
                detail=f"{item.owner} · {item.due_date.isoformat()}",
                overdue_days=item.overdue_days(day),
            )
        )
    for milestone in Milestone.objects.filter(
        project_id=meeting.project_id, client_visible=True, done_date__isnull=True
    ).order_by("baseline_date", "id"):
        due = min(milestone.baseline_date, milestone.forecast_date or milestone.baseline_date)
        if due >= day or (AgendaItem.Source.MILESTONE, milestone.pk) in taken:
            continue
        proposals.append(
            Proposal(
                source=AgendaItem.Source.MILESTONE,
                object_id=milestone.pk,
                title=milestone.name,
                detail=due.isoformat(),
                overdue_days=(day - due).days,
            )
        )
    pending = OPEN_STATES - {ChangeState.DRAFT}
    for change_request in ChangeRequest.objects.filter(
        project_id=meeting.project_id, state__in=pending
    ).order_by("number"):
        if (AgendaItem.Source.CHANGE_REQUEST, change_request.pk) in taken:
            continue
        proposals.append(
            Proposal(
                source=AgendaItem.Source.CHANGE_REQUEST,
                object_id=change_request.pk,
                title=f"{change_request.reference} {change_request.title}",
                detail=change_request.get_state_display(),
            )
        )
    return proposals


# --- minutes ----------------------------------------------------------------------------------


def decision_list(*, meeting: Meeting) -> QuerySet[Decision]:
    """A meeting's decisions (the meeting was resolved for the actor), in the order taken."""
    return meeting.decisions.order_by("id")


def versions(*, meeting: Meeting) -> list[MinutesVersion]:
    """The published versions of a meeting's minutes, newest first, with who answered."""
    if not hasattr(meeting, "minutes"):
        return []
    return list(
        MinutesVersion.objects.filter(minutes__meeting=meeting)
        .select_related("published_by", "corrects")
        .prefetch_related(
            Prefetch("responses", queryset=MinutesResponse.objects.select_related("contact"))
        )
        .order_by("-number")
    )


# --- action items -----------------------------------------------------------------------------


def action_item_list(
    *, actor: Actor, project: Project | None = None, status: str = "", mine: bool = False
) -> QuerySet[ActionItem]:
    items = action_items_visible_to(actor)
    if project is not None:
        items = items.filter(project=project)
    if mine and actor.is_member:
        items = items.filter(owner_user=actor.user)
    if status in ActionItem.Status.values:
        items = items.filter(status=status)
    return items.select_related(
        "project", "meeting", "owner_user", "owner_contact", "closed_by_user", "closed_by_contact"
    ).order_by("status", "due_date", "id")


def action_item_get(*, actor: Actor, action_item_id: int) -> ActionItem:
    return get_object_or_404(
        action_items_visible_to(actor).select_related(
            "project__client", "meeting", "owner_user", "owner_contact"
        ),
        pk=action_item_id,
    )


def overdue_action_items(*, project: Project, today: date) -> QuerySet[ActionItem]:
    return (
        ActionItem.objects.filter(
            project=project, status=ActionItem.Status.OPEN, due_date__lt=today
        )
        .select_related("owner_user", "owner_contact", "meeting")
        .order_by("due_date", "id")
    )


# --- the client portal's home -----------------------------------------------------------------


def minutes_awaiting_answer(*, actor: Actor) -> QuerySet[MinutesVersion]:
    """The latest published minutes of the meetings the contact actor attended (was invited
    to) that none of the actor's contacts has confirmed or corrected, while the window is
    open."""
    newer = MinutesVersion.objects.filter(
        minutes=OuterRef("minutes"), number__gt=OuterRef("number")
    )
    answered = MinutesResponse.objects.filter(
        version=OuterRef("pk"), contact_id__in=actor.contact_ids or ()
    )
    return (
        MinutesVersion.objects.filter(
            minutes__meeting__in=meetings_visible_to(actor), confirm_by__gte=timezone.now()
        )
        .exclude(Exists(newer))
        .exclude(Exists(answered))
        .select_related("minutes__meeting__project")
        .order_by("confirm_by", "id")
    )


def meetings_with_minutes(*, actor: Actor, project: Project, limit: int = 100) -> list[Meeting]:
    """The project's meetings the actor sees whose minutes are published, newest minutes
    first, each with ``minutes_published_at`` (its latest version's)."""
    latest = (
        MinutesVersion.objects.filter(minutes__meeting=OuterRef("pk"))
        .order_by("-number")
        .values("published_at")[:1]
    )
    return list(
        meetings_visible_to(actor)
        .filter(project=project)
        .annotate(minutes_published_at=Subquery(latest))
        .filter(minutes_published_at__isnull=False)
        .order_by("-minutes_published_at", "-id")[:limit]
    )


def overdue_action_items_of(*, actor: Actor, today: date) -> QuerySet[ActionItem]:
    """Open action items past their day that are the member's: those they own, and those the
    client owns on the projects they manage."""
    if not actor.is_member or actor.user is None:
        return ActionItem.objects.none()
    return (
        action_items_visible_to(actor)
        .filter(status=ActionItem.Status.OPEN, due_date__lt=today)
        .filter(
            Q(owner_user=actor.user) | Q(owner_contact__isnull=False, project__in=managed_by(actor))
        )
        .select_related("project__client", "owner_user", "owner_contact")
        .order_by("due_date", "id")
    )


# --- minutes waiting (home page) ----------------------------------------------------------


def _latest_versions(actor: Actor) -> QuerySet[MinutesVersion]:
    """The latest published version of the minutes of each meeting the member manages."""
    newer = MinutesVersion.objects.filter(
        minutes_id=OuterRef("minutes_id"), number__gt=OuterRef("number")
    )
    return (
        MinutesVersion.objects.filter(
            minutes__meeting__project__in=managed_by(actor),
            minutes__meeting__state=Meeting.State.HELD,
        )
        .exclude(Exists(newer))
        .select_related("minutes__meeting__project__client")
        .order_by("published_at", "id")
    )


def minutes_awaiting_confirmation(*, actor: Actor) -> QuerySet[MinutesVersion]:
    """Latest minutes still inside their window that some client attendee has not answered."""
    invited = (
        Meeting.objects.filter(pk=OuterRef("minutes__meeting_id"))
        .annotate(n=Count("client_attendees"))
        .values("n")
    )
    answered = (
        MinutesResponse.objects.filter(version=OuterRef("pk"))
        .order_by()
        .values("version")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        _latest_versions(actor)
        .filter(confirm_by__gte=timezone.now())
        .annotate(
            invited=Coalesce(Subquery(invited, output_field=IntegerField()), 0),
            answered=Coalesce(Subquery(answered, output_field=IntegerField()), 0),
        )
        .filter(answered__lt=models.F("invited"))
    )


def minutes_corrections_requested(*, actor: Actor) -> QuerySet[MinutesVersion]:
    """Latest minutes on which a client attendee proposed a correction: the PM answers it by
    publishing a corrected version."""
    correction = MinutesResponse.objects.filter(
        version=OuterRef("pk"), kind=MinutesResponse.Kind.CORRECTION
    )
    return _latest_versions(actor).filter(Exists(correction))
