"""Every read of threads starts from the projects the actor sees: a team member those they
work on, a client contact their own client's published projects. Unread counts and waiting
times are computed in the same query as the list, whatever its length."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import Expression
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from rapport.messaging.models import Message, MessageAttachment, Thread, ThreadRead
from rapport.projects.models import Project, ProjectMember
from rapport.projects.selectors import projects_visible_to
from rapport.tenancy.actors import Actor

RESPONSE_WINDOW_DAYS = 90
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


def unread_count(actor: Actor) -> Expression:
    """Per thread: the messages of others written after the actor last read it."""
    others = Message.objects.filter(thread=OuterRef("pk"))
    if actor.is_member:
        others = others.exclude(author_user=actor.user)
    else:
        others = others.exclude(author_contact_id__in=actor.contact_ids)
    read_at = ThreadRead.objects.filter(thread=OuterRef("thread_id"), user=actor.user).values(
        "last_read_at"
    )[:1]
    unread = others.annotate(read_at=Subquery(read_at)).filter(
        Q(read_at__isnull=True) | Q(created_at__gt=F("read_at"))
    )
    return _count(unread)


def thread_list(*, actor: Actor, project: Project) -> QuerySet[Thread]:
    return (
        threads_visible_to(actor)
        .filter(project=project)
        .select_related("created_by_user", "created_by_contact")
        .annotate(
            message_count=_count(Message.objects.filter(thread=OuterRef("pk"))),
            unread=unread_count(actor),
        )
        .order_by("-last_message_at", "-id")
    )


def unread_thread_count(*, actor: Actor, project: Project) -> int:
    """How many of the project's threads have messages the actor has not read."""
    if actor.user is None:
        return 0
    return (
        threads_visible_to(actor)
        .filter(project=project)
        .annotate(unread=unread_count(actor))
        .filter(unread__gt=0)
        .count()
    )


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
