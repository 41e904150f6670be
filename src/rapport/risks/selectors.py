"""Every read of risks and issues starts from the projects the actor can see; a client contact
sees only client-visible risks and shared issues of its client's published projects."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from rapport.projects.models import Project
from rapport.projects.selectors import projects_visible_to
from rapport.risks.models import LEVELS, Issue, Risk
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
