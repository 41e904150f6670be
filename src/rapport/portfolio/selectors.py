"""The portfolio's rows: every project the actor may see (``projects_visible_to``), each with
its health, schedule slip, budget burn, last report, open change requests and last client
contact, filtered, sorted and paged in SQL.

Health, slip and burn are the stored computation of ``reports.health_store`` (the status
report's rules, ``reports.health.assess`` over ``reports.data.health_data``, for today; any
project whose row is missing or stale is computed first, all at once). The rest are
subqueries. The number of queries never depends on the number of projects, and neither does
the work in Python: only the page's rows are built."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, overload

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from rapport.changes.models import ChangeRequest
from rapport.clients.selectors import latest_health_score
from rapport.communication.models import Interaction
from rapport.messaging.models import Thread
from rapport.projects.models import Project, ProjectMember
from rapport.projects.selectors import projects_visible_to
from rapport.reports import health, health_store
from rapport.reports.health_store import PENDING_CHANGE_STATES
from rapport.reports.models import ProjectHealth, StatusReport
from rapport.tenancy.actors import Actor


@dataclass
class PortfolioRow:
    project: Project
    health: dict[str, Any]  # reports.health.assess: {"dimensions": {...}, "overall": colour}
    baseline_end: date
    forecast_end: date
    burn_percent: int | None  # None: no budget, or the reader may not see this project's money
    sees_financials: bool
    last_report: datetime | None
    open_changes: int
    last_contact: datetime | None
    client_health: int | None = None  # the client's latest health score, None if not scored

    @property
    def overall(self) -> str:
        return str(self.health["overall"])

    @property
    def slip_days(self) -> int:
        """Forecast end minus baseline end; zero when on time or early."""
        return (self.forecast_end - self.baseline_end).days

    def colour(self, dimension: str) -> str:
        return str(self.health["dimensions"][dimension]["colour"])

    @property
    def dimension_colours(self) -> list[str]:
        """Each dimension's colour, in the order of the portfolio's columns."""
        return [self.colour(name) for name in health.DIMENSION_LABELS]


def last_contact() -> Greatest | Coalesce:
    """The most recent exchange with the client about a project (``OuterRef("project_id")``):
    the later of the last touchpoint logged on it (a call, meeting, email… as it happened,
    either direction) and the last message in its portal threads. Both are real two-way
    contact; a published report or a survey sent is not, so neither counts."""
    touchpoint = Subquery(
        Interaction.objects.filter(project=OuterRef("project_id"), occurred_at__lte=timezone.now())
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )
    message = Subquery(
        Thread.objects.filter(project=OuterRef("project_id"), last_message_at__isnull=False)
        .order_by("-last_message_at")
        .values("last_message_at")[:1]
    )
    # GREATEST is NULL with a NULL on SQLite, not on PostgreSQL: never give it one
    return Greatest(Coalesce(touchpoint, message), Coalesce(message, touchpoint))


def _sees_financials(actor: Actor) -> Any:
    """Whether the actor may see the row's project's money (``can_view_financials`` in SQL):
    admins all, a PM their own, a member where granted."""
    if actor.is_admin:
        return Value(True)
    user_id = actor.user.pk if actor.user else 0
    granted = Q(
        Exists(
            ProjectMember.objects.filter(
                project=OuterRef("project_id"), user_id=user_id, can_see_financials=True
            )
        )
    )
    if actor.is_manager:
        granted |= Q(project__pm_id=user_id)
    return ExpressionWrapper(granted, output_field=BooleanField())


def portfolio_projects(
    *, actor: Actor, client_id: int | None = None, pm_id: int | None = None, status: str = ""
) -> QuerySet[Project]:
    projects = projects_visible_to(actor)
    if client_id is not None:
        projects = projects.filter(client_id=client_id)
    if pm_id is not None:
        projects = projects.filter(pm_id=pm_id)
    if status:
        projects = projects.filter(status=status)
    return projects


def portfolio_health(
    *, actor: Actor, projects: QuerySet[Project], as_of: date | None = None, colour: str = ""
) -> QuerySet[ProjectHealth]:
    """The stored health of ``projects`` for today (computed first where missing or stale),
    with what a portfolio row shows besides; ``colour``: only projects of that overall
    health. Unordered; ``columns.sort`` orders it. A fixed number of queries, however many
    projects."""
    today = as_of or timezone.localdate()
    health_store.ensure_fresh(projects, as_of=today)
    pending = (
        ChangeRequest.objects.filter(
            project=OuterRef("project_id"), state__in=PENDING_CHANGE_STATES
        )
        .values("project")
        .annotate(count=Count("pk"))
        .values("count")
    )
    rows = (
        ProjectHealth.objects.filter(as_of=today, project__in=projects)
        .select_related("project__client", "project__pm")
        .annotate(
            sees_financials=_sees_financials(actor),
            last_report=Subquery(
                # published: the state, so that the latest is one step of its index
                StatusReport.objects.filter(
                    project=OuterRef("project_id"), state=StatusReport.State.PUBLISHED
                )
                .order_by("-published_at")
                .values("published_at")[:1]
            ),
            open_changes=Coalesce(Subquery(pending), 0),
            last_contact=last_contact(),
            client_health=latest_health_score("project__client_id"),
        )
    )
    rows = rows.annotate(
        burn_shown=Case(When(sees_financials=True, then=F("burn_percent")), default=None)
    )
    if colour:
        rows = rows.filter(overall=colour)
    return rows


def portfolio_row(stored: ProjectHealth) -> PortfolioRow:
    values: Any = stored  # with the annotations of portfolio_health
    return PortfolioRow(
        project=stored.project,
        health=stored.assessment,
        baseline_end=stored.baseline_end,
        forecast_end=stored.forecast_end,
        burn_percent=values.burn_shown,
        sees_financials=bool(values.sees_financials),
        last_report=values.last_report,
        open_changes=values.open_changes,
        last_contact=values.last_contact,
        client_health=values.client_health,
    )


class PortfolioRows(Sequence[PortfolioRow]):
    """The rows of a sorted ``portfolio_health`` query, read a page at a time: counted in SQL,
    sliced in SQL, for the paginator and the exports."""

    def __init__(self, query: QuerySet[ProjectHealth], *, count: int | None = None) -> None:
        self.query = query
        self._count = count  # when the caller has counted them already

    def count(self) -> int:  # type: ignore[override] # the paginator's count
        if self._count is None:
            self._count = self.query.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> PortfolioRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[PortfolioRow]: ...
    def __getitem__(self, index: int | slice) -> PortfolioRow | list[PortfolioRow]:
        if isinstance(index, slice):
            return [portfolio_row(stored) for stored in self.query[index]]
        return portfolio_row(self.query[index])

    def __iter__(self) -> Iterator[PortfolioRow]:
        return (portfolio_row(stored) for stored in self.query)
