"""Global search for members: one source per kind of record, each reading through its own
app's selector scoped to the actor, so a search never shows what the person could not open.
Each source runs one query (lessons: their BM25 ranking's few), whatever the data size."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from rapport.changes.selectors import change_requests_visible_to
from rapport.clients.selectors import clients_visible_to, contacts_visible_to
from rapport.lessons.selectors import lesson_search, lessons_visible_to
from rapport.meetings.selectors import meetings_visible_to
from rapport.messaging.selectors import messages_visible_to
from rapport.projects.selectors import projects_visible_to
from rapport.reports.selectors import reports_visible_to
from rapport.search.highlight import highlight, snippet
from rapport.search.query import SearchQuery
from rapport.tenancy.actors import Actor

PER_KIND = 5


@dataclass(frozen=True)
class Hit:
    title: SafeString
    url: str
    snippet: SafeString
    context: str  # where the record lives: its client or project


@dataclass(frozen=True)
class Source:
    """A kind of record: how to read it for an actor, which fields a search looks in (the
    one named ``title`` first, its matches ranked first), and how a match is shown."""

    kind: str
    label: Promise
    rows: Callable[[Actor], QuerySet[Any]]
    fields: tuple[str, ...]
    order: tuple[str, ...]
    hit: Callable[[Any, Sequence[str]], Hit]
    title: str = ""
    listed_here: bool = True  # its full list is the search page's ``?kind=``

    def matching(self, actor: Actor, terms: Sequence[str]) -> QuerySet[Any]:
        """Rows containing every term in one of the fields, in any letter case; ``icontains``
        escapes ``%``, ``_`` and ``\\`` so they are matched literally."""
        rows = self.rows(actor)
        for term in terms:
            rows = rows.filter(_any_field(self.fields, term))
        if self.title:
            in_title = Q(*(Q(**{f"{self.title}__icontains": term}) for term in terms))
            rows = rows.annotate(
                title_rank=Case(
                    When(in_title, then=Value(0)), default=1, output_field=IntegerField()
                )
            )
            return rows.order_by("title_rank", *self.order)
        return rows.order_by(*self.order)

    def first(self, actor: Actor, terms: Sequence[str], count: int) -> list[Any]:
        return list(self.matching(actor, terms)[:count])

    def full_list_url(self, query: SearchQuery) -> str:
        """This kind's every match, a page at a time."""
        return f"{reverse('search:results')}?{urlencode({'q': query.text, 'kind': self.kind})}"


class LessonSource(Source):
    """Lessons are ranked by the library's bilingual BM25 search, and listed in full there."""

    def matching(self, actor: Actor, terms: Sequence[str]) -> QuerySet[Any]:
        raise NotImplementedError("lessons are listed by the library, not paginated here")

    def first(self, actor: Actor, terms: Sequence[str], count: int) -> list[Any]:
        return lesson_search(actor=actor, query=" ".join(terms), limit=count)

    def full_list_url(self, query: SearchQuery) -> str:
        return f"{reverse('lessons:library')}?{urlencode({'q': ' '.join(query.terms)})}"


def _any_field(fields: tuple[str, ...], term: str) -> Q:
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": term})
    return condition


def _place(project: Any) -> str:
    return f"{project.name} · {project.client.name}"


def _client(client: Any, terms: Sequence[str]) -> Hit:
    return Hit(
        title=highlight(client.name, terms),
        url=reverse("clients:detail", args=[client.pk]),
        snippet=snippet([client.notes], terms),
        context="",
    )


def _contact(contact: Any, terms: Sequence[str]) -> Hit:
    return Hit(
        title=highlight(contact.full_name, terms),
        url=reverse("clients:contact_detail", args=[contact.pk]),
        snippet=snippet([contact.job_title, contact.email, contact.phone], terms),
        context=contact.client.name,
    )


def _project(project: Any, terms: Sequence[str]) -> Hit:
    return Hit(
        title=highlight(
            f"{project.name} ({project.code})" if project.code else project.name, terms
        ),
        url=reverse("projects:detail", args=[project.pk]),
        snippet=snippet([project.description], terms),
        context=project.client.name,
    )


def _change_request(change_request: Any, terms: Sequence[str]) -> Hit:
    return Hit(
        title=highlight(str(change_request), terms),
        url=reverse("changes:detail", args=[change_request.project_id, change_request.number]),
        snippet=snippet([change_request.description, change_request.reason], terms),
        context=_place(change_request.project),
    )


def _report(report: Any, terms: Sequence[str]) -> Hit:
    title = _("Status report #%(number)s, %(start)s – %(end)s") % {
        "number": report.number,
        "start": date_format(report.period_start, "SHORT_DATE_FORMAT"),
        "end": date_format(report.period_end, "SHORT_DATE_FORMAT"),
    }
    return Hit(
        title=highlight(title, terms),
        url=reverse("reports:detail", args=[report.project_id, report.number]),
        snippet=snippet(
            [report.summary, report.achievements, report.problems, report.asks, report.next_steps],
            terms,
        ),
        context=_place(report.project),
    )


def _meeting(meeting: Any, terms: Sequence[str]) -> Hit:
    return Hit(
        title=highlight(meeting.title, terms),
        url=reverse("meetings:detail", args=[meeting.project_id, meeting.number]),
        snippet=snippet([meeting.place, meeting.minutes_summary or ""], terms),
        context=_place(meeting.project),
    )


def _lesson(lesson: Any, terms: Sequence[str]) -> Hit:
    return Hit(
        title=highlight(lesson.title, terms),
        url=f"{reverse('lessons:library')}?{urlencode({'q': ' '.join(terms)})}",
        snippet=snippet(
            [lesson.what_happened, lesson.impact, lesson.root_cause, lesson.recommendation],
            terms,
        ),
        context=lesson.client.name if lesson.client else "",
    )


def _message(message: Any, terms: Sequence[str]) -> Hit:
    thread = message.thread
    url = reverse("messages_app:thread", args=[thread.project_id, thread.pk])
    return Hit(
        title=highlight(thread.subject, terms),
        url=f"{url}#message-{message.pk}",
        snippet=snippet([message.body], terms),
        context=_place(thread.project),
    )


SOURCES: tuple[Source, ...] = (
    Source(
        kind="clients",
        label=_("Clients"),
        rows=lambda actor: clients_visible_to(actor),
        fields=("name", "notes"),
        title="name",
        order=("name", "id"),
        hit=_client,
    ),
    Source(
        kind="contacts",
        label=_("Contacts"),
        rows=lambda actor: contacts_visible_to(actor).select_related("client"),
        fields=("full_name", "email", "job_title", "phone"),
        title="full_name",
        order=("full_name", "id"),
        hit=_contact,
    ),
    Source(
        kind="projects",
        label=_("Projects"),
        rows=lambda actor: projects_visible_to(actor).select_related("client"),
        fields=("name", "code", "description"),
        title="name",
        order=("-start_date", "-id"),
        hit=_project,
    ),
    Source(
        kind="changes",
        label=_("Change requests"),
        rows=lambda actor: change_requests_visible_to(actor).select_related("project__client"),
        fields=("title", "description", "reason"),
        title="title",
        order=("-created_at", "-id"),
        hit=_change_request,
    ),
    Source(
        kind="reports",
        label=_("Status reports"),
        rows=lambda actor: reports_visible_to(actor).select_related("project__client"),
        fields=("summary", "achievements", "problems", "asks", "next_steps"),
        order=("-period_end", "-id"),
        hit=_report,
    ),
    Source(
        kind="meetings",
        label=_("Meetings"),
        rows=lambda actor: (
            meetings_visible_to(actor)
            .select_related("project__client")
            .annotate(minutes_summary=F("minutes__summary"))
        ),
        fields=("title", "place", "minutes__summary"),
        title="title",
        order=("-start", "-id"),
        hit=_meeting,
    ),
    LessonSource(
        kind="lessons",
        label=_("Lessons learned"),
        rows=lambda actor: lessons_visible_to(actor),
        fields=(),
        order=(),
        hit=_lesson,
        listed_here=False,
    ),
    Source(
        kind="messages",
        label=_("Messages"),
        rows=lambda actor: messages_visible_to(actor).select_related("thread__project__client"),
        fields=("thread__subject", "body"),
        order=("-created_at", "-id"),
        hit=_message,
    ),
)
LISTED_HERE = {source.kind: source for source in SOURCES if source.listed_here}


@dataclass(frozen=True)
class Group:
    kind: str
    label: Promise
    hits: list[Hit]
    more_url: str  # the kind's full list for this search; empty when every match is shown


def search(*, actor: Actor, query: SearchQuery, per_kind: int = PER_KIND) -> list[Group]:
    """The first matches of every kind that has any, in a fixed order of kinds."""
    if not query.terms:
        return []
    groups = []
    for source in SOURCES:
        rows = source.first(actor, query.terms, per_kind + 1)
        if rows:
            more = source.full_list_url(query) if len(rows) > per_kind else ""
            hits = [source.hit(row, query.terms) for row in rows[:per_kind]]
            groups.append(Group(source.kind, source.label, hits, more))
    return groups
