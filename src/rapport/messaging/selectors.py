"""Every read of threads starts from the projects the actor sees: a team member those they
work on, a client contact their own client's published projects. Unread counts and waiting
times are computed in the same query as the list, whatever its length."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import (
    Count,
    Exists,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import Expression
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from rapport.messaging.models import Message, MessageAttachment, Thread
from rapport.projects.models import Project, ProjectMember
from rapport.projects.selectors import projects_visible_to
from rapport.tenancy.actors import Actor

RESPONSE_WINDOW_DAYS = 90
NEVER = datetime(1970, 1, 1, tzinfo=UTC)  # the last read of a thread never read
MAX_ANSWERS = 5000  # the response-time figures read at most this many answers, newest first


def threads_visible_to(actor: Actor) -> QuerySet[Thread]:
    if not (actor.is_member or actor.is_contact):
        return Thread.objects.none()
    return Thread.objects.filter(project__in=projects_visible_to(actor))


def messages_visible_to(actor: Actor) -> QuerySet[Message]:
    """The messages of the threads the actor sees."""
    return Message.objects.filter(thread__in=threads_visible_to(actor))


def _count(messages: QuerySet[Message]) -> Expression:
    return Coalesce(
        Subquery(messages.order_by().values("thread").annotate(n=Count("pk")).values("n")), 0
    )


def _unread(actor: Actor) -> QuerySet[Message]:
    """Per thread of ``_with_read``: the messages of others written after the actor last read
    it (all of them if never). The time they are compared with is the outer row's, so each
    thread reads its range of the ``message_thread_time`` index once."""
    since = Coalesce(OuterRef("actor_read__last_read_at"), Value(NEVER))
    unread = Message.objects.filter(thread=OuterRef("pk"), created_at__gt=since)
    if actor.is_member:
        return unread.exclude(author_user=actor.user)
    return unread.exclude(author_contact_id__in=actor.contact_ids)


def _with_read(threads: QuerySet[Thread], actor: Actor) -> QuerySet[Thread]:
    """Each thread joined to the actor's own read of it (``actor_read``), if any."""
    return threads.annotate(
        actor_read=FilteredRelation("reads", condition=Q(reads__user=actor.user))
    )


def thread_list(*, actor: Actor, project: Project) -> QuerySet[Thread]:
    return (
        _with_read(threads_visible_to(actor).filter(project=project), actor)
        .select_related("created_by_user", "created_by_contact")
        .annotate(
            message_count=_count(Message.objects.filter(thread=OuterRef("pk"))),
            unread=_count(_unread(actor)),
        )
        .order_by("-last_message_at", "-id")
    )


def unread_thread_count(*, actor: Actor, project: Project) -> int:
    """How many of the project's threads have messages the actor has not read."""
    if actor.user is None:
        return 0
    threads = _with_read(threads_visible_to(actor).filter(project=project), actor)
    return threads.filter(Exists(_unread(actor))).count()


def thread_get(*, actor: Actor, project: Project, thread_id: int) -> Thread:
    return get_object_or_404(
        threads_visible_to(actor)
        .filter(project=project)
        .select_related("project__client", "created_by_user", "created_by_contact"),
        pk=thread_id,
    )


def thread_messages(*, thread: Thread) -> QuerySet[Message]:
    return (
        thread.messages.select_related("author_user", "author_contact")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def attachment_get(*, actor: Actor, thread: Thread, attachment_id: int) -> MessageAttachment:
    return get_object_or_404(
        MessageAttachment.objects.filter(
            message__thread__in=threads_visible_to(actor), message__thread=thread
        ),
        pk=attachment_id,
    )


# --- waiting for the team ---------------------------------------------------------------------


def waiting_threads(*, actor: Actor) -> QuerySet[Thread]:
    """Threads of the member's own projects (managed or on the team) where the client waits
    for an answer, the longest wait first."""
    if not actor.is_member or actor.user is None:
        return Thread.objects.none()
    on_team = ProjectMember.objects.filter(project=OuterRef("project_id"), user=actor.user)
    return (
        threads_visible_to(actor)
        .filter(waiting_since__isnull=False)
        .filter(Q(project__pm=actor.user) | Q(Exists(on_team)))
        .select_related("project__client")
        .order_by("waiting_since", "id")
    )


# --- how long the client waits ----------------------------------------------------------------


@dataclass(frozen=True)
class Waits:
    answers: int
    median_seconds: int | None
    longest_seconds: int | None

    @classmethod
    def of(cls, seconds: list[int]) -> Waits:
        if not seconds:
            return cls(0, None, None)
        return cls(len(seconds), round(statistics.median(seconds)), max(seconds))


@dataclass(frozen=True)
class PersonWaits:
    name: str
    waits: Waits


@dataclass(frozen=True)
class ResponseTimes:
    days: int
    overall: Waits
    by_person: list[PersonWaits]


def response_times(
    *, project: Project, now: datetime | None = None, days: int = RESPONSE_WINDOW_DAYS
) -> ResponseTimes:
    """How long the client waited for the team's answers over the last ``days``: the median
    and the longest wait, overall and per team member who answered (one query)."""
    since = (now or timezone.now()) - timedelta(days=days)
    rows = list(
        Message.objects.filter(
            thread__project=project, response_seconds__isnull=False, created_at__gte=since
        )
        .order_by("-created_at")
        .values_list(
            "author_user_id", "author_user__full_name", "author_user__email", "response_seconds"
        )[:MAX_ANSWERS]
    )
    people: dict[int | None, tuple[str, list[int]]] = {}
    waits: list[int] = []
    for user_id, full_name, email, seconds in rows:
        if seconds is not None:
            people.setdefault(user_id, (full_name or email, []))[1].append(seconds)
            waits.append(seconds)
    return ResponseTimes(
        days=days,
        overall=Waits.of(waits),
        by_person=sorted(
            (PersonWaits(name, Waits.of(seconds)) for name, seconds in people.values()),
            key=lambda person: (-person.waits.answers, person.name),
        ),
    )


def recent_messages(*, actor: Actor, limit: int = 10) -> list[Message]:
    """The newest messages of every thread the actor sees, across their projects."""
    return list(
        messages_visible_to(actor)
        .select_related("thread__project", "author_user", "author_contact")
        .order_by("-created_at", "-id")[:limit]
    )


def project_attachments(
    *, actor: Actor, project: Project, limit: int = 100
) -> list[MessageAttachment]:
    """The files shared in the project's threads, newest first."""
    return list(
        MessageAttachment.objects.filter(
            message__thread__in=threads_visible_to(actor), message__thread__project=project
        )
        .select_related("message__thread")
        .order_by("-message__created_at", "-id")[:limit]
    )
