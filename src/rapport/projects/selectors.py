"""Every read of projects starts from ``projects_visible_to``."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from rapport.projects.models import (
    BaselineVersion,
    BudgetLine,
    CostEntry,
    Deliverable,
    Milestone,
    Objective,
    Project,
    ProjectMember,
    QualityStandard,
    TimeEntry,
)
from rapport.tenancy.actors import Actor


def projects_visible_to(actor: Actor) -> QuerySet[Project]:
    """Owners and admins: every project of the organisation. PMs and team members: the
    projects they manage or belong to. Contacts: their clients' projects once published."""
    if actor.is_member:
        projects = Project.objects.filter(organisation_id=actor.organisation_id)
        if not actor.is_admin:
            # the union of two index lookups: as a subquery of another query it is read
            # once and costs what the member's projects cost, where "managed by or member
            # of" tested each project of the organisation (and PostgreSQL misjudged it)
            managed = Project.objects.filter(pm=actor.user).order_by().values("pk")
            joined = ProjectMember.objects.filter(user=actor.user).order_by().values("project_id")
            projects = projects.filter(pk__in=managed.union(joined))
        return projects
    if actor.is_contact:
        from rapport.clients.models import Contact

        clients = Contact.objects.filter(pk__in=actor.contact_ids, portal_access=True)
        return Project.objects.filter(
            client_id__in=clients.values("client_id"), published_at__isnull=False
        )
    return Project.objects.none()


def managed_by(actor: Actor) -> QuerySet[Project]:
    """The projects this member manages themselves, whatever their role: what "mine" means
    on the home page."""
    if not actor.is_member or actor.user is None:
        return Project.objects.none()
    return projects_visible_to(actor).filter(pm=actor.user)


def project_list(
    *, actor: Actor, status: str = "", client_id: int | None = None, query: str = ""
) -> QuerySet[Project]:
    projects = projects_visible_to(actor).select_related("client", "pm")
    if status:
        projects = projects.filter(status=status)
    if client_id is not None:
        projects = projects.filter(client_id=client_id)
    if query:
        projects = projects.filter(Q(name__icontains=query) | Q(code__icontains=query))
    return projects.order_by("-start_date", "-id")


def project_get(*, actor: Actor, project_id: int) -> Project:
    return get_object_or_404(
        projects_visible_to(actor).select_related("client", "pm", "published_by"), pk=project_id
    )


def project_members(*, project: Project) -> QuerySet[ProjectMember]:
    return project.memberships.select_related("user").order_by("user__full_name", "id")


def project_member_get(*, actor: Actor, project: Project, member_id: int) -> ProjectMember:
    return get_object_or_404(
        ProjectMember.objects.filter(
            project__in=projects_visible_to(actor), project=project
        ).select_related("user", "project"),
        pk=member_id,
    )


# --- baseline -----------------------------------------------------------------------------


def baseline_items(*, project: Project) -> dict[str, Any]:
    """The working baseline of a project, each list fetched once."""
    return {
        "objectives": list(project.objectives.select_related("owner").order_by("due_date", "id")),
        "milestones": list(
            project.milestones.prefetch_related(
                "deliverables__decisions__contact", "deliverables__quality_standards"
            ).order_by("baseline_date", "id")
        ),
        "budget_lines": list(project.budget_lines.order_by("category", "id")),
        "quality_standards": list(
            project.quality_standards.prefetch_related("deliverables").order_by("id")
        ),
    }


ITEM_MODELS: dict[str, type[models.Model]] = {
    "objective": Objective,
    "milestone": Milestone,
    "deliverable": Deliverable,
    "budget_line": BudgetLine,
    "quality_standard": QualityStandard,
    "cost_entry": CostEntry,
    "time_entry": TimeEntry,
}


def item_list(*, project: Project, kind: str) -> QuerySet[Any]:
    """One kind of baseline item (or actual) of a project, in its usual order, with what its
    listing shows fetched in a fixed number of queries. An unknown kind is a 404."""
    model = ITEM_MODELS.get(kind)
    if model is None:
        raise Http404
    items = model._default_manager.filter(project=project)
    if model is Objective:
        items = items.select_related("project")  # the SMART checks read the project's dates
    elif model is QualityStandard:
        items = items.prefetch_related("deliverables")
    elif model is TimeEntry:
        items = items.select_related("person")
    return items.order_by(*(model._meta.ordering or ["pk"]))


def item_get(*, actor: Actor, project: Project, kind: str, item_id: int) -> Any:
    """A baseline item or actual of a project the actor can see; anything else is a 404."""
    model = ITEM_MODELS.get(kind)
    if model is None:
        raise Http404
    return get_object_or_404(
        model._default_manager.filter(project__in=projects_visible_to(actor), project=project),
        pk=item_id,
    )


def versions_of(*, project: Project, for_client: bool = False) -> QuerySet[BaselineVersion]:
    """``for_client``: what was put to the client, never a withdrawn proposal."""
    versions = project.baseline_versions.select_related("submitted_by", "decided_by")
    if for_client:
        versions = versions.exclude(status=BaselineVersion.Status.WITHDRAWN)
    return versions.order_by("-number")


def version_get(*, actor: Actor, project: Project, version_id: int) -> BaselineVersion:
    versions = BaselineVersion.objects.filter(
        project__in=projects_visible_to(actor), project=project
    ).select_related("project", "submitted_by", "decided_by")
    if actor.is_contact:
        # The client sees what was put to them, never a withdrawn proposal.
        versions = versions.exclude(status=BaselineVersion.Status.WITHDRAWN)
    return get_object_or_404(versions, pk=version_id)


def client_deliverables(*, project: Project, status: str = "") -> QuerySet[Deliverable]:
    """Deliverables the client sees: those of client-visible milestones."""
    deliverables = project.deliverables.filter(milestone__client_visible=True)
    if status:
        deliverables = deliverables.filter(status=status)
    return deliverables.select_related("milestone").order_by("milestone__baseline_date", "id")


def client_deliverable_get(*, actor: Actor, project: Project, deliverable_id: int) -> Deliverable:
    """A deliverable the client may see; an internal milestone's is a 404 like a foreign one."""
    project = get_object_or_404(projects_visible_to(actor), pk=project.pk)
    return get_object_or_404(client_deliverables(project=project), pk=deliverable_id)


def client_milestones(*, project: Project, ids: list[int]) -> QuerySet[Milestone]:
    """The client-visible milestones among ``ids`` (those of a version the client saw)."""
    return project.milestones.filter(client_visible=True, pk__in=ids).order_by(
        "baseline_date", "id"
    )


def client_approvers(*, project: Project) -> QuerySet[Any]:
    """Who may sign off and accept for the client: its approvers with portal access."""
    from rapport.clients.models import Contact

    return Contact.objects.filter(
        client_id=project.client_id, portal_access=True, is_approver=True
    ).order_by("full_name", "id")


def actuals(*, project: Project) -> dict[str, Any]:
    return {
        "cost_entries": project.cost_entries.order_by("-date", "-id"),
        "time_entries": project.time_entries.select_related("person").order_by("-date", "-id"),
    }


# --- waiting for the client -------------------------------------------------------------------


def baselines_awaiting_signoff(*, actor: Actor) -> QuerySet[BaselineVersion]:
    """Versions put to the contact actor's clients for sign-off, where the actor approves."""
    from rapport.clients.selectors import approving_client_ids

    return (
        BaselineVersion.objects.filter(
            project__in=projects_visible_to(actor),
            project__client_id__in=approving_client_ids(actor),
            status=BaselineVersion.Status.SUBMITTED,
        )
        .select_related("project")
        .order_by("submitted_at", "id")
    )


def deliverables_awaiting_acceptance(*, actor: Actor) -> QuerySet[Deliverable]:
    """Deliverables of client-visible milestones submitted for the actor's acceptance."""
    from rapport.clients.selectors import approving_client_ids

    return (
        Deliverable.objects.filter(
            project__in=projects_visible_to(actor),
            project__client_id__in=approving_client_ids(actor),
            milestone__client_visible=True,
            status=Deliverable.Status.SUBMITTED,
        )
        .select_related("project", "milestone")
        .order_by("submitted_at", "id")
    )


def client_visible_milestones(*, project: Project) -> QuerySet[Milestone]:
    """Every milestone the client may see, for the project's timeline."""
    return project.milestones.filter(client_visible=True).order_by("baseline_date", "id")


# --- waiting on the client (home page) ----------------------------------------------------


def baselines_awaiting_client(*, actor: Actor) -> QuerySet[BaselineVersion]:
    """Baseline versions of the member's projects put to the client and not yet decided."""
    return (
        BaselineVersion.objects.filter(
            project__in=managed_by(actor), status=BaselineVersion.Status.SUBMITTED
        )
        .select_related("project__client")
        .order_by("submitted_at", "id")
    )


def deliverables_awaiting_client(*, actor: Actor) -> QuerySet[Deliverable]:
    """Deliverables of the member's projects submitted for the client's acceptance."""
    return (
        Deliverable.objects.filter(
            project__in=managed_by(actor), status=Deliverable.Status.SUBMITTED
        )
        .select_related("project__client")
        .order_by("submitted_at", "id")
    )
