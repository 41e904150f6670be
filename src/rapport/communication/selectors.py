"""Every read of the register, the plan and the log starts from what the actor can see; the
cadence of each plan item is computed here in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from rapport.clients.models import Client, Contact
from rapport.clients.selectors import clients_visible_to
from rapport.communication import cadence
from rapport.communication.models import Interaction, PlanItem, Stakeholder
from rapport.projects.models import Project
from rapport.projects.selectors import projects_visible_to
from rapport.reports.models import StatusReport
from rapport.tenancy.actors import Actor

ACTIVE = (Project.Status.PROPOSED, Project.Status.ACTIVE, Project.Status.ON_HOLD)


def stakeholders_visible_to(actor: Actor) -> QuerySet[Stakeholder]:
    if not actor.is_member:
        return Stakeholder.objects.none()
    return Stakeholder.objects.filter(project__in=projects_visible_to(actor))


def plan_items_visible_to(actor: Actor) -> QuerySet[PlanItem]:
    if not actor.is_member:
        return PlanItem.objects.none()
    return PlanItem.objects.filter(project__in=projects_visible_to(actor))


def interactions_visible_to(actor: Actor) -> QuerySet[Interaction]:
    """A member sees the touchpoints of the projects they see, and those logged on a client
    at large if they see the client; contacts see none (the log is internal)."""
    if not actor.is_member:
        return Interaction.objects.none()
    return Interaction.objects.filter(organisation_id=actor.organisation_id).filter(
        Q(project__in=projects_visible_to(actor))
        | Q(project__isnull=True, client__in=clients_visible_to(actor))
    )


# --- the register ---------------------------------------------------------------------------


def stakeholder_list(*, actor: Actor, project: Project) -> QuerySet[Stakeholder]:
    return (
        stakeholders_visible_to(actor)
        .filter(project=project)
        .select_related("contact")
        .order_by("contact__full_name", "id")
    )


def stakeholder_get(*, actor: Actor, project: Project, stakeholder_id: int) -> Stakeholder:
    return get_object_or_404(
        stakeholders_visible_to(actor).filter(project=project).select_related("contact"),
        pk=stakeholder_id,
    )


def roles_of_contact(*, actor: Actor, contact: Contact) -> QuerySet[Stakeholder]:
    return (
        stakeholders_visible_to(actor)
        .filter(contact=contact)
        .select_related("project")
        .order_by("project__name", "id")
    )


# --- the plan and its cadence -------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedTouchpoint:
    item: PlanItem
    last_done: date | None
    due: cadence.Due


CADENCE_FIELDS = (
    "pk",
    "project_id",
    "fulfilled_by",
    "starts_on",
    "cadence_days",
    "last_touchpoint",
)


def _dues(
    rows: list[tuple[int, int, str, date, int, datetime | None]], today: date
) -> dict[int, tuple[date | None, cadence.Due]]:
    """Each item's last done day (its latest logged touchpoint, or the project's latest
    published report for items done by reports) and when it is next due, by item id."""
    report_projects = {
        project_id
        for _pk, project_id, fulfilled_by, *_rest in rows
        if fulfilled_by == PlanItem.Fulfilment.STATUS_REPORT
    }
    last_report: dict[int, date] = {}
    if report_projects:
        for entry in (
            StatusReport.objects.filter(
                project_id__in=report_projects, state=StatusReport.State.PUBLISHED
            )
            .values("project_id")
            .annotate(last=Max("published_at"))
        ):
            last_report[entry["project_id"]] = timezone.localdate(entry["last"])
    dues = {}
    for pk, project_id, fulfilled_by, starts_on, cadence_days, touched in rows:
        if fulfilled_by == PlanItem.Fulfilment.STATUS_REPORT:
            last_done = last_report.get(project_id)
        else:
            last_done = timezone.localdate(touched) if touched else None
        due = cadence.due(
            starts_on=starts_on, last_done=last_done, cadence_days=cadence_days, today=today
        )
        dues[pk] = (last_done, due)
    return dues


def _with_last_touchpoint(items: QuerySet[PlanItem]) -> QuerySet[PlanItem]:
    latest = Interaction.objects.filter(plan_item=OuterRef("pk")).order_by("-occurred_at")
    # one step of the (plan item, occurred) index per item, not all of its touchpoints
    return items.annotate(last_touchpoint=Subquery(latest.values("occurred_at")[:1]))


def _with_cadence(
    items: QuerySet[PlanItem], today: date, *, needing_attention: bool = False
) -> list[PlannedTouchpoint]:
    """Each item with when it was last done and when it is next due. ``needing_attention``
    keeps only those due or overdue: their cadence is worked out from the few columns it
    needs, and only the items kept are read in full."""
    items = _with_last_touchpoint(items)
    full = items.select_related("owner", "project__client").prefetch_related("audience")
    if needing_attention:
        dues = _dues(list(items.values_list(*CADENCE_FIELDS)), today)
        kept = [pk for pk, (_last, due) in dues.items() if due.needs_attention]
        rows = list(full.filter(pk__in=kept)) if kept else []
    else:
        rows = list(full)
        dues = _dues([attrgetter(*CADENCE_FIELDS)(row) for row in rows], today)
    return [PlannedTouchpoint(row, *dues[row.pk]) for row in rows]


def plan(*, actor: Actor, project: Project, today: date | None = None) -> list[PlannedTouchpoint]:
    items = plan_items_visible_to(actor).filter(project=project).order_by("title", "id")
    return _with_cadence(items, today or timezone.localdate())


def planned_touchpoint_get(
    *, actor: Actor, project: Project, item_id: int, today: date | None = None
) -> PlannedTouchpoint:
    """One plan item with its cadence (404 if the actor cannot see it)."""
    items = plan_items_visible_to(actor).filter(project=project, pk=item_id)
    found = _with_cadence(items, today or timezone.localdate())
    if not found:
        raise Http404
    return found[0]


def plan_item_get(*, actor: Actor, project: Project, item_id: int) -> PlanItem:
    return get_object_or_404(
        plan_items_visible_to(actor).filter(project=project).prefetch_related("audience"),
        pk=item_id,
    )


def stakeholder_colours(touchpoints: list[PlannedTouchpoint]) -> dict[int, str]:
    """Each contact's worst cadence colour over the active plan items they are an audience of."""
    colours: dict[int, list[str]] = defaultdict(list)
    for touchpoint in touchpoints:
        if not touchpoint.item.active:
            continue
        for contact in touchpoint.item.audience.all():
            colours[contact.pk].append(touchpoint.due.colour)
    return {contact_id: cadence.worst(found) for contact_id, found in colours.items()}


def attention(*, actor: Actor, today: date | None = None) -> list[PlannedTouchpoint]:
    """What needs this member today: active plan items they own, or of projects they manage,
    that are due or overdue, the most overdue first."""
    if not actor.is_member or actor.user is None:
        return []
    due = _with_cadence(_followed_by(actor), today or timezone.localdate(), needing_attention=True)
    return sorted(due, key=lambda t: (-t.due.overdue_days, t.item.project.name, t.item.title))


def attention_count(*, actor: Actor, today: date | None = None) -> int:
    """How many items ``attention`` lists, from the few columns their cadence needs."""
    if not actor.is_member or actor.user is None:
        return 0
    rows = _with_last_touchpoint(_followed_by(actor)).values_list(*CADENCE_FIELDS)
    dues = _dues(list(rows), today or timezone.localdate())
    return sum(due.needs_attention for _last, due in dues.values())


def _followed_by(actor: Actor) -> QuerySet[PlanItem]:
    """The active plan items of running projects that the member owns or whose project they
    manage."""
    return plan_items_visible_to(actor).filter(
        Q(owner=actor.user) | Q(project__pm=actor.user),
        active=True,
        project__status__in=ACTIVE,
    )


# --- the log ------------------------------------------------------------------------------------


def interaction_list(
    *,
    actor: Actor,
    project: Project | None = None,
    client: Client | None = None,
    contact: Contact | None = None,
    channel: str = "",
) -> QuerySet[Interaction]:
    interactions = interactions_visible_to(actor)
    if project is not None:
        interactions = interactions.filter(project=project)
    if client is not None:
        interactions = interactions.filter(client=client)
    if contact is not None:
        interactions = interactions.filter(contacts=contact)
    if channel:
        interactions = interactions.filter(channel=channel)
    return (
        interactions.select_related("project", "created_by", "plan_item")
        .prefetch_related("contacts")
        .order_by("-occurred_at", "-id")
    )


def interaction_get(*, actor: Actor, interaction_id: int) -> Interaction:
    return get_object_or_404(
        interactions_visible_to(actor).select_related("project", "client", "created_by"),
        pk=interaction_id,
    )


def client_touchpoints(*, client_id: int, today: date) -> list[PlannedTouchpoint]:
    """The active plan items of a client's running projects with their cadence, for the
    client's health score (computed by the system; its readers' records are narrowed later)."""
    items = PlanItem.objects.filter(
        project__client_id=client_id, active=True, project__status__in=ACTIVE
    ).order_by("project__name", "title", "id")
    return _with_cadence(items, today)
