"""Every read of projects starts from ``projects_visible_to``."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from rapport.projects.models import Project, ProjectMember
from rapport.tenancy.actors import Actor


def projects_visible_to(actor: Actor) -> QuerySet[Project]:
    """Owners and admins: every project of the organisation. PMs and team members: the
    projects they manage or belong to. Contacts: their clients' projects once published."""
    if actor.is_member:
        projects = Project.objects.filter(organisation_id=actor.organisation_id)
        if not actor.is_admin:
            belongs = ProjectMember.objects.filter(project=OuterRef("pk"), user=actor.user)
            projects = projects.filter(Q(pm=actor.user) | Q(Exists(belongs)))
        return projects
    if actor.is_contact:
        from rapport.clients.models import Contact

        clients = Contact.objects.filter(pk__in=actor.contact_ids, portal_access=True)
        return Project.objects.filter(
            client_id__in=clients.values("client_id"), published_at__isnull=False
        )
    return Project.objects.none()


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
        ProjectMember.objects.filter(project__in=projects_visible_to(actor), project=project),
        pk=member_id,
    )
