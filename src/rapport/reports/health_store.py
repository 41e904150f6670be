"""Each project's health, kept per day in ``ProjectHealth`` so that the portfolio reads,
filters, sorts and pages it in SQL instead of computing every project's health per request.

The stored row is the status report's computation (``reports.health.assess`` over
``reports.data.health_data`` and ``projects.progress``) for one day. It never shows anything
else, because a row is only read when it is *fresh*: computed for the reader's today and not
marked stale since.

* Changes: every change goes through a service that writes an audit event; ``audit.record``
  calls ``changed``, which marks the project's rows stale in the same transaction (an
  organisation's own event marks all its projects: the health thresholds live there) and,
  once the transaction commits, has the job worker compute them again, so that the request
  that changed them does not wait for it (a portfolio read before computes them itself).
* Days: health depends on the day (a milestone falls overdue, feedback leaves the window), so a
  row counts only for its ``as_of`` day (a reader's today, in their time zone). The hourly
  ``refresh_project_health`` job computes every project's row for the days its organisation's
  people are in (the organisation's time zone and its members'), in the last hour before
  someone's midnight also for the day they are about to start, and prunes past days.
* Whatever is left (rows written outside the services, such as the scale seed, existing data
  after the upgrade, a job not run yet, a reader in another time zone): ``ensure_fresh``
  computes the missing or stale rows of the projects about to be read, for all of them at
  once, in a fixed number of queries."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.utils import timezone

from rapport.changes.impact import APPROVED_STATES
from rapport.changes.models import OPEN_STATES, ChangeRequest, CostImpact
from rapport.changes.models import State as ChangeState
from rapport.feedback.models import Feedback
from rapport.projects import progress
from rapport.projects.models import BudgetLine, CostEntry, Milestone, Project, TimeEntry
from rapport.reports import health
from rapport.reports.data import feedback_since, health_data
from rapport.reports.models import ProjectHealth
from rapport.risks.models import Issue, Risk
from rapport.tenancy.models import Organisation, User

# Waiting on someone: submitted and not yet decided (a draft has not been raised yet).
PENDING_CHANGE_STATES = tuple(sorted(OPEN_STATES - {ChangeState.DRAFT}))
BATCH = 2000  # projects computed at once (their ids are parameters of each query)
KEEP_DAYS = 2  # rows of the last days stay for readers in time zones behind
# The hourly job computes ahead the day a reader starts before its next run (75 minutes: its
# hour and a late start). Every change still marks those rows stale and recomputes them.
AHEAD = timedelta(minutes=75)


def _grouped(rows: Iterable[Any], key: str = "project_id") -> dict[int, list[Any]]:
    groups: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        groups[row[key] if isinstance(row, dict) else getattr(row, key)].append(row)
    return groups


def _progress(
    projects: QuerySet[Project], by_id: dict[int, Project], today: date
) -> dict[int, progress.Progress]:
    """Each project's progress, from four queries over all of them."""
    milestones = _grouped(
        Milestone.objects.filter(project__in=projects).order_by("baseline_date", "id")
    )
    budgets: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for line in (
        BudgetLine.objects.filter(project__in=projects)
        .values("project_id", "category")
        .annotate(total=Sum("amount"))
    ):
        budgets[line["project_id"]][line["category"]] = line["total"]
    costs = _grouped(
        CostEntry.objects.filter(project__in=projects)
        .values("project_id", "category", "date")
        .annotate(total=Sum("amount"))
    )
    labour = _grouped(
        TimeEntry.objects.filter(project__in=projects)
        .values("project_id", "date")
        .annotate(total=Sum(progress.labour_cost()))
    )
    return {
        pk: progress.assemble(
            project,
            milestones=milestones.get(pk, []),
            budget=budgets.get(pk, {}),
            costs=[(c["category"], c["date"], c["total"]) for c in costs.get(pk, [])],
            labour=[(t["date"], t["total"]) for t in labour.get(pk, [])],
            as_of=today,
        )
        for pk, project in by_id.items()
    }


def _changes(
    projects: QuerySet[Project],
) -> tuple[dict[int, list[str]], dict[int, int], dict[int, Decimal]]:
    """Pending references, approved days and approved cost per project: three queries."""
    pending: dict[int, list[str]] = defaultdict(list)
    for change_request in (
        ChangeRequest.objects.filter(project__in=projects, state__in=PENDING_CHANGE_STATES)
        .only("project_id", "number")
        .order_by("number")
    ):
        pending[change_request.project_id].append(change_request.reference)
    approved = ChangeRequest.objects.filter(project__in=projects, state__in=APPROVED_STATES)
    days = {
        row["project_id"]: row["days"] or 0
        for row in approved.values("project_id").annotate(days=Sum("schedule_days"))
    }
    cost = {
        row["change_request__project_id"]: row["total"]
        for row in CostImpact.objects.filter(change_request__in=approved)
        .values("change_request__project_id")
        .annotate(total=Sum("amount"))
    }
    return pending, days, cost


def compute(projects: QuerySet[Project], *, as_of: date) -> list[ProjectHealth]:
    """The rows of ``projects`` for ``as_of`` (not saved), computed for all of them at once in
    a fixed number of queries, with each project's organisation's thresholds."""
    project_list = list(projects.select_related("organisation").order_by("pk"))
    if not project_list:
        return []
    by_id = {p.pk: p for p in project_list}
    computed = _progress(projects, by_id, as_of)
    pending, approved_days, approved_cost = _changes(projects)
    risks = _grouped(
        Risk.objects.filter(
            project__in=projects, status__in=(Risk.Status.OPEN, Risk.Status.MITIGATING)
        ).order_by("-score", "number")
    )
    issues = _grouped(
        Issue.objects.filter(project__in=projects)
        .exclude(status=Issue.Status.RESOLVED)
        .order_by("number")
    )
    feedback = _grouped(
        Feedback.objects.filter(
            project__in=projects, received_on__gt=feedback_since(as_of), received_on__lte=as_of
        ).order_by("received_on", "pk")
    )
    now = timezone.now()
    rows = []
    for project in project_list:
        pk = project.pk
        facts = health_data(
            project,
            computed[pk],
            pending_changes=pending.get(pk, []),
            approved_change_days=approved_days.get(pk, 0),
            approved_change_cost=approved_cost.get(pk) or Decimal("0"),
            open_risks=risks.get(pk, []),
            open_issues=issues.get(pk, []),
            feedback=feedback.get(pk, []),
        )
        assessment = health.assess(facts, project.organisation.health_thresholds)
        colours = {name: v["colour"] for name, v in assessment["dimensions"].items()}
        rows.append(
            ProjectHealth(
                project_id=pk,
                as_of=as_of,
                stale=False,
                overall=assessment["overall"],
                schedule=colours["schedule"],
                budget=colours["budget"],
                scope=colours["scope"],
                risks_issues=colours["risks_issues"],
                satisfaction=colours["satisfaction"],
                assessment=assessment,
                baseline_end=computed[pk].baseline_end,
                forecast_end=computed[pk].forecast_end,
                slip_days=computed[pk].end_slip_days,
                burn_percent=computed[pk].burn_percent,
                computed_at=now,
            )
        )
    return rows


UPDATED_FIELDS = [
    f.name for f in ProjectHealth._meta.concrete_fields if f.name not in ("id", "project", "as_of")
]


def refresh(projects: QuerySet[Project], *, as_of: date) -> int:
    """Compute and store the rows of ``projects`` for ``as_of``; how many. One upsert, so two
    readers filling the same rows at once both succeed."""
    rows = compute(projects, as_of=as_of)
    if rows:
        ProjectHealth.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["project", "as_of"],
            update_fields=UPDATED_FIELDS,
        )
    return len(rows)


def fresh_row(as_of: date) -> Exists:
    return Exists(ProjectHealth.objects.filter(project=OuterRef("pk"), as_of=as_of, stale=False))


def ensure_fresh(projects: QuerySet[Project], *, as_of: date) -> int:
    """Before reading the rows of ``projects`` for ``as_of``: compute those missing or stale.
    One query when all are fresh; a fixed number more otherwise, however many."""
    missing = list(
        Project.objects.filter(pk__in=projects.values("pk"))
        .filter(~fresh_row(as_of))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    done = 0
    for start in range(0, len(missing), BATCH):
        chunk = missing[start : start + BATCH]
        done += refresh(Project.objects.filter(pk__in=chunk), as_of=as_of)
    return done


# --- changes ------------------------------------------------------------------------------

_PENDING_ATTRIBUTE = "_rapport_health_pending"


def _affected(obj: models.Model, changes: dict[str, Any]) -> tuple[set[int], int | None]:
    """The projects whose health ``obj`` may change, and an organisation whose projects all
    change (when its health thresholds changed)."""
    if isinstance(obj, Organisation):
        thresholds = any(name.startswith("health_thresholds") for name in changes)
        return set(), obj.pk if thresholds else None
    if isinstance(obj, Project):
        return ({obj.pk} if obj.pk else set()), None
    project_id = getattr(obj, "project_id", None)
    if isinstance(project_id, int):
        return {project_id}, None
    if isinstance(getattr(obj, "change_request_id", None), int):
        change_request = getattr(obj, "change_request", None)
        if change_request is not None:
            return {change_request.project_id}, None
    return set(), None


def changed(obj: models.Model, changes: dict[str, Any] | None = None) -> None:
    """An audited change to ``obj``: the health of its project is stale now, and the job
    worker computes it again once the transaction commits. New thresholds make every
    project of the organisation stale; the job worker computes them again."""
    project_ids, organisation_id = _affected(obj, changes or {})
    if organisation_id is not None:
        ProjectHealth.objects.filter(project__organisation_id=organisation_id, stale=False).update(
            stale=True
        )
        transaction.on_commit(_enqueue_refresh, robust=True)
        return
    if not project_ids:
        return
    ProjectHealth.objects.filter(project_id__in=project_ids, stale=False).update(stale=True)
    connection = transaction.get_connection()
    registered = any(entry[1] is _recompute_pending for entry in connection.run_on_commit)
    pending: set[int] = getattr(connection, _PENDING_ATTRIBUTE, None) or set()
    if not registered:
        pending = set()  # what a rolled-back transaction left is not ours to compute
    setattr(connection, _PENDING_ATTRIBUTE, pending | project_ids)
    if not registered:
        transaction.on_commit(_recompute_pending, robust=True)


def _enqueue_refresh() -> None:
    from rapport.reports.tasks import refresh_project_health

    refresh_project_health.enqueue()


def _recompute_pending() -> None:
    """After the commit: the job that computes the changed projects' stale rows again. A
    failure to enqueue it is logged; the next read computes them anyway."""
    from rapport.reports.tasks import recompute_project_health

    connection = transaction.get_connection()
    project_ids: set[int] = getattr(connection, _PENDING_ATTRIBUTE, None) or set()
    setattr(connection, _PENDING_ATTRIBUTE, set())
    if project_ids:
        recompute_project_health.enqueue(sorted(project_ids))


def recompute_stale(project_ids: Iterable[int]) -> int:
    """Compute again the stale rows of these projects, per day they were for."""
    stale = ProjectHealth.objects.filter(project_id__in=list(project_ids), stale=True)
    done = 0
    for day in stale.values_list("as_of", flat=True).distinct().order_by("as_of"):
        done += refresh(
            Project.objects.filter(pk__in=stale.filter(as_of=day).values("project_id")),
            as_of=day,
        )
    return done


# --- days ---------------------------------------------------------------------------------


def _today_in(zone_name: str, moment: datetime) -> date:
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return timezone.localdate(moment, zone)


def organisation_today(organisation: Organisation, now: datetime | None = None) -> date:
    return _today_in(organisation.time_zone, now or timezone.now())


def readers_days(
    organisation: Organisation, now: datetime | None = None, *, ahead: timedelta = timedelta(0)
) -> set[date]:
    """The days the organisation's people are in now: its own time zone's and each member's
    (a reader sees the health of their own today); with ``ahead``, also the days they will be
    in by then."""
    moment = now or timezone.now()
    zones = set(
        User.objects.filter(memberships__organisation=organisation)
        .values_list("time_zone", flat=True)
        .distinct()
    )
    return {
        _today_in(zone, at)
        for zone in zones | {organisation.time_zone}
        for at in {moment, moment + ahead}
    }


def refresh_due(now: datetime | None = None) -> int:
    """Every organisation's projects computed, where they are missing or stale, for the days
    its people are in and, in the last hour before someone's midnight, for the day they are
    about to start (so the first portfolio of a day reads stored rows); the rows of days gone
    pruned. How many rows were computed."""
    moment = now or timezone.now()
    done = 0
    for organisation in Organisation.objects.order_by("pk"):
        projects = Project.objects.filter(organisation=organisation)
        for day in sorted(readers_days(organisation, moment, ahead=AHEAD)):
            done += ensure_fresh(projects, as_of=day)
    oldest = _today_in("UTC", moment) - timedelta(days=KEEP_DAYS)
    ProjectHealth.objects.filter(as_of__lt=oldest).delete()
    return done
