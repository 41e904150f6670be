"""Reads of a project's closure, from the projects the actor can see."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from rapport.closure.models import CheckIn, Closure
from rapport.projects.models import Project
from rapport.projects.selectors import projects_visible_to
from rapport.tenancy.actors import Actor

PUBLISHED = (Closure.State.CLOSED, Closure.State.ACCEPTED)


def closure_get(*, actor: Actor, project: Project) -> Closure | None:
    """``project`` comes from ``project_get`` (already scoped). Members: the closure, if any.
    Contacts: only once the project is closed (a 404 before)."""
    closure = (
        Closure.objects.filter(project=project)
        .select_related("closed_by", "accepted_by", "budget_closed_by")
        .first()
    )
    if actor.is_contact and (closure is None or closure.state not in PUBLISHED):
        raise Http404
    return closure


def checkins_visible_to(actor: Actor) -> QuerySet[CheckIn]:
    """The check-ins of the projects a member works on; contacts never see them."""
    if not actor.is_member:
        return CheckIn.objects.none()
    return CheckIn.objects.filter(project__in=projects_visible_to(actor))


def checkin_list(
    *, actor: Actor, status: str = "", project: Project | None = None, today: date | None = None
) -> QuerySet[CheckIn]:
    """``status``: ``due`` (not done, due today or before), ``upcoming`` (not done, due later),
    ``done``; anything else: all of them. Soonest first."""
    checkins = checkins_visible_to(actor)
    today = today or timezone.localdate()
    if status == "due":
        checkins = checkins.filter(done_at__isnull=True, due_on__lte=today)
    elif status == "upcoming":
        checkins = checkins.filter(done_at__isnull=True, due_on__gt=today)
    elif status == "done":
        checkins = checkins.filter(done_at__isnull=False)
    if project is not None:
        checkins = checkins.filter(project=project)
    return checkins.select_related("project", "contact").order_by("due_on", "id")


def checkin_get(*, actor: Actor, checkin_id: int) -> CheckIn:
    return get_object_or_404(checkins_visible_to(actor).select_related("project"), pk=checkin_id)


def closures_awaiting_acceptance(*, actor: Actor) -> QuerySet[Closure]:
    """Closed projects whose closure the contact actor, as their client's approver, has yet to
    accept."""
    from rapport.clients.selectors import approving_client_ids

    return (
        Closure.objects.filter(
            project__in=projects_visible_to(actor),
            project__client_id__in=approving_client_ids(actor),
            state=Closure.State.CLOSED,
        )
        .select_related("project")
        .order_by("closed_at", "id")
    )


def published_closures(*, actor: Actor, project: Project) -> QuerySet[Closure]:
    """The project's closure once the client may read it (none, or one)."""
    return Closure.objects.filter(
        project__in=projects_visible_to(actor), project=project, state__in=PUBLISHED
    )
