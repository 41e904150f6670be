from __future__ import annotations

from rapport.clients.models import Contact
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor


def can_create_project(actor: Actor) -> bool:
    return actor.is_manager


def can_edit_project(actor: Actor, project: Project) -> bool:
    """The organisation's owners and admins, and the project's own PM."""
    if not actor.is_member or project.organisation_id != actor.organisation_id:
        return False
    return actor.is_admin or (
        actor.is_manager and actor.user is not None and project.pm_id == actor.user.pk
    )


def is_on_project(actor: Actor, project: Project) -> bool:
    return actor.is_member and (
        actor.is_admin
        or (actor.user is not None and project.pm_id == actor.user.pk)
        or project.memberships.filter(user=actor.user).exists()
    )


def can_view_financials(actor: Actor, project: Project) -> bool:
    """Budgets, costs and rates: admins, the project's PM, and team members granted it."""
    if not actor.is_member or project.organisation_id != actor.organisation_id:
        return False
    return (
        can_edit_project(actor, project)
        or project.memberships.filter(user=actor.user, can_see_financials=True).exists()
    )


def can_track(actor: Actor, project: Project) -> bool:
    """Forecast and done dates, objectives' current values: the PM and the project's team."""
    return project.organisation_id == actor.organisation_id and is_on_project(actor, project)


def can_decide_for_client(actor: Actor, project: Project) -> bool:
    """Sign off baselines and accept deliverables: an approver contact of the project's client."""
    if not actor.is_contact or project.published_at is None:
        return False
    return Contact.objects.filter(
        pk__in=actor.contact_ids, client_id=project.client_id, portal_access=True, is_approver=True
    ).exists()


def deciding_contact(actor: Actor, project: Project) -> Contact | None:

    return Contact.objects.filter(
        pk__in=actor.contact_ids, client_id=project.client_id, portal_access=True, is_approver=True
    ).first()
