"""Every read of risks and issues starts from the projects the actor can see; a client contact
sees only client-visible risks and shared issues of its client's published projects."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from rapport.audit.models import AuditEvent
from rapport.clients.models import Contact
from rapport.projects.models import Project
from rapport.projects.selectors import projects_visible_to
from rapport.risks.models import LEVELS, Conflict, Evidence, Issue, Risk
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import User

OPEN_RISKS = (Risk.Status.OPEN, Risk.Status.MITIGATING)
OPEN_ISSUES = (Issue.Status.OPEN, Issue.Status.IN_PROGRESS)


def risks_visible_to(actor: Actor) -> QuerySet[Risk]:
    risks = Risk.objects.filter(project__in=projects_visible_to(actor))
    if actor.is_contact:
        risks = risks.filter(client_visible=True)
    elif not actor.is_member:
        return Risk.objects.none()
    return risks


def issues_visible_to(actor: Actor) -> QuerySet[Issue]:
    issues = Issue.objects.filter(project__in=projects_visible_to(actor))
    if actor.is_contact:
        issues = issues.filter(client_visible=True, shared_at__isnull=False)
    elif not actor.is_member:
        return Issue.objects.none()
    return issues


def risk_list(*, actor: Actor, project: Project, status: str = "") -> QuerySet[Risk]:
    risks = risks_visible_to(actor).filter(project=project).select_related("owner")
    if status == "open":
        risks = risks.filter(status__in=OPEN_RISKS)
    elif status in Risk.Status.values:
        risks = risks.filter(status=status)
    return risks.order_by("-score", "number")


def risk_get(*, actor: Actor, project: Project, number: int) -> Risk:
    return get_object_or_404(
        risks_visible_to(actor)
        .filter(project=project)
        .select_related("owner", "project__client", "project__pm"),
        number=number,
    )


def heat_map(risks: list[Risk]) -> list[tuple[int, list[tuple[int, list[Risk]]]]]:
    """The open risks on a 5×5 grid: rows of impact from 5 down to 1, each with its cells of
    probability 1 to 5 and the risks in them."""
    cells: dict[tuple[int, int], list[Risk]] = defaultdict(list)
    for risk in risks:
        if risk.is_open:
            cells[(risk.impact, risk.probability)].append(risk)
    low, high = LEVELS
    return [
        (impact, [(p, cells[(impact, p)]) for p in range(low, high + 1)])
        for impact in range(high, low - 1, -1)
    ]


def issue_list(*, actor: Actor, project: Project, status: str = "") -> QuerySet[Issue]:
    issues = (
        issues_visible_to(actor)
        .filter(project=project)
        .select_related("owner", "from_risk", "shared_by")
    )
    if status == "open":
        issues = issues.filter(status__in=OPEN_ISSUES)
    elif status in Issue.Status.values:
        issues = issues.filter(status=status)
    return issues.order_by("-number")


def issue_get(*, actor: Actor, project: Project, number: int) -> Issue:
    return get_object_or_404(
        issues_visible_to(actor)
        .filter(project=project)
        .select_related("owner", "from_risk", "shared_by", "project__client", "project__pm"),
        number=number,
    )


def owners_for(*, project: Project) -> QuerySet[User]:
    """Who may own a risk or an issue: the project's manager and its team."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(pk=project.pm_id) | Q(project_memberships__project=project))
        .distinct()
        .order_by("full_name", "id")
    )


# --- conflicts (internal) -----------------------------------------------------------------


def conflicts_visible_to(actor: Actor) -> QuerySet[Conflict]:
    """Owners and admins: every conflict of the organisation. A PM: those of the clients whose
    projects they manage. Team members and contacts: none."""
    if not actor.is_manager:
        return Conflict.objects.none()
    conflicts = Conflict.objects.filter(organisation_id=actor.organisation_id)
    if not actor.is_admin:
        managed = Project.objects.filter(
            organisation_id=actor.organisation_id, pm=actor.user
        ).values("client_id")
        conflicts = conflicts.filter(client_id__in=managed)
    return conflicts


def conflict_list(
    *, actor: Actor, client_id: int | None = None, status: str = ""
) -> QuerySet[Conflict]:
    conflicts = conflicts_visible_to(actor).select_related("client", "project")
    if client_id is not None:
        conflicts = conflicts.filter(client_id=client_id)
    if status in Conflict.Status.values:
        conflicts = conflicts.filter(status=status)
    return conflicts.order_by("-number")


def conflict_get(*, actor: Actor, conflict_id: int) -> Conflict:
    return get_object_or_404(
        conflicts_visible_to(actor).select_related("client", "project", "created_by"),
        pk=conflict_id,
    )


def root_cause_breakdown(*, actor: Actor) -> list[tuple[str, str, int]]:
    """How many of the conflicts the actor sees name each root cause, most first: ``(code,
    label, count)`` for every cause (one query)."""
    counts: Counter[str] = Counter()
    for causes in conflicts_visible_to(actor).values_list("root_causes", flat=True):
        counts.update(set(causes or []))
    rows = [(code, str(label), counts[code]) for code, label in Conflict.RootCause.choices]
    return sorted(rows, key=lambda row: -row[2])


def conflict_parties(*, conflict: Conflict) -> tuple[list[User], list[Contact]]:
    return (
        list(conflict.team_parties.order_by("full_name", "id")),
        list(conflict.contact_parties.order_by("full_name", "id")),
    )


def party_members(*, organisation_id: int) -> QuerySet[User]:
    """Who may be a team party of a conflict: the organisation's active members."""
    return (
        User.objects.filter(is_active=True, memberships__organisation_id=organisation_id)
        .distinct()
        .order_by("full_name", "id")
    )


# --- evidence -----------------------------------------------------------------------------

# What reached the client: sent for its decision, decided, published, acknowledged, shared;
# anything a client contact did on a linked record counts too.
CLIENT_FACING = frozenset(
    {
        "cr_awaiting_approval",
        "cr_approved",
        "cr_rejected",
        "cr_needs_information",
        "cr_implemented",
        "cr_withdrawn",
        "published",
        "acknowledged",
        "issue_shared",
        "issue_resolved",
    }
)


@dataclass(frozen=True)
class TrailEntry:
    """One thing the client was shown, decided or acknowledged, on a linked record."""

    event: AuditEvent
    evidence: Evidence

    @property
    def by_client(self) -> bool:
        return self.event.actor_contact_id is not None


def evidence_of(*, conflict: Conflict | None = None, issue: Issue | None = None) -> list[Evidence]:
    links = (
        Evidence.objects.filter(conflict=conflict)
        if conflict
        else Evidence.objects.filter(issue=issue)
    )
    return list(
        links.select_related(
            "change_request__project",
            "status_report__project",
            "linked_issue__project",
            "created_by",
        ).order_by("created_at", "id")
    )


def evidence_trail(links: list[Evidence]) -> list[TrailEntry]:
    """What the client was shown, approved and acknowledged on the linked records, and when,
    from the audit trail, oldest first (one query)."""
    by_key: dict[tuple[int, str], Evidence] = {}
    for link in links:
        target = link.target
        if target is None:
            continue
        content_type = ContentType.objects.get_for_model(target)
        by_key[(content_type.pk, str(target.pk))] = link
    if not by_key:
        return []
    wanted = Q()
    for content_type_id, object_id in by_key:
        wanted |= Q(content_type_id=content_type_id, object_id=object_id)
    events = (
        AuditEvent.objects.filter(wanted)
        .filter(Q(action__in=CLIENT_FACING) | Q(actor_contact__isnull=False))
        .select_related("content_type")
        .order_by("created_at", "id")
    )
    return [TrailEntry(event, by_key[(event.content_type_id, event.object_id)]) for event in events]
