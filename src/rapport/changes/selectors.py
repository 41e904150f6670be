"""Every read of change requests starts from the projects the actor can see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from rapport.audit.models import AuditEvent
from rapport.changes.models import ChangeRequest, Decision, State
from rapport.projects.models import Project
from rapport.projects.selectors import managed_by, projects_visible_to
from rapport.tenancy.actors import Actor


def change_requests_visible_to(actor: Actor) -> QuerySet[ChangeRequest]:
    """Members: the change requests of projects they see. Contacts: their clients' published
    projects' requests once they left the PM's drafts."""
    requests = ChangeRequest.objects.filter(project__in=projects_visible_to(actor))
    if actor.is_contact:
        requests = requests.exclude(state=State.DRAFT)
    return requests


def change_request_list(
    *, actor: Actor, project: Project, state: str = ""
) -> QuerySet[ChangeRequest]:
    requests = (
        change_requests_visible_to(actor)
        .filter(project=project)
        .select_related("requested_by_user", "requested_by_contact")
        .prefetch_related("cost_impacts")
    )
    if state:
        requests = requests.filter(state=state)
    return requests.order_by("-number")


def change_request_get(*, actor: Actor, project: Project, number: int) -> ChangeRequest:
    return get_object_or_404(
        change_requests_visible_to(actor)
        .filter(project=project)
        .select_related(
            "project__client",
            "project__pm",
            "requested_by_user",
            "requested_by_contact",
            "evaluated_by",
            "baseline_version",
        ),
        number=number,
    )


# The PM assesses what was submitted and answers the client's questions; the client decides.
PM_ACTS = (State.SUBMITTED, State.UNDER_EVALUATION, State.NEEDS_INFORMATION)


def awaiting_client(*, actor: Actor) -> QuerySet[ChangeRequest]:
    """Change requests of the member's projects waiting for the client's decision."""
    return _of_managed(actor).filter(state=State.AWAITING_APPROVAL)


def awaiting_pm(*, actor: Actor) -> QuerySet[ChangeRequest]:
    """Change requests of the member's projects waiting for them: to assess, or to answer the
    client's request for more information."""
    return _of_managed(actor).filter(state__in=PM_ACTS)


def awaiting_internal_approval(*, actor: Actor) -> QuerySet[ChangeRequest]:
    """Change requests over the organisation's cost threshold waiting for an owner or admin
    to approve them before the client sees them; nothing for anyone else."""
    if not actor.is_admin:
        return ChangeRequest.objects.none()
    return (
        change_requests_visible_to(actor)
        .filter(state=State.INTERNAL_APPROVAL)
        .select_related("project__client", "requested_by_contact")
        .order_by("updated_at", "id")
    )


def _of_managed(actor: Actor) -> QuerySet[ChangeRequest]:
    return (
        change_requests_visible_to(actor)
        .filter(project__in=managed_by(actor))
        .select_related("project__client", "requested_by_contact")
        .order_by("updated_at", "id")
    )


def timeline(*, change_request: ChangeRequest) -> list[AuditEvent]:
    """Every recorded step of one change request, oldest first."""
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(ChangeRequest)
    return list(
        # The organisation too, so that the record-history index serves it (see AuditEvent).
        AuditEvent.objects.filter(
            organisation_id=change_request.project.organisation_id,
            content_type=content_type,
            object_id=str(change_request.pk),
        )
        .select_related("content_type")
        .order_by("created_at", "id")
    )


def change_requests_awaiting_decision(*, actor: Actor) -> QuerySet[ChangeRequest]:
    """Requests put to the contact actor's clients for a decision, where the actor approves."""
    from rapport.clients.selectors import approving_client_ids

    return (
        change_requests_visible_to(actor)
        .filter(state=State.AWAITING_APPROVAL, project__client_id__in=approving_client_ids(actor))
        .select_related("project")
        .order_by("updated_at", "id")
    )


def client_decisions(*, actor: Actor, project: Project) -> QuerySet[Decision]:
    """The client's approvals and rejections of the project's change requests."""
    return (
        Decision.objects.filter(
            change_request__in=change_requests_visible_to(actor).filter(project=project),
            kind__in=(Decision.Kind.APPROVE, Decision.Kind.REJECT),
        )
        .select_related("change_request", "contact")
        .order_by("-decided_at", "-id")
    )


def decision_list(*, actor: Actor, change_request: ChangeRequest) -> QuerySet[Decision]:
    """Every decision on a change request the actor sees (resolved through
    ``change_request_get``), internal ones only for the organisation's members, oldest first."""
    decisions = Decision.objects.filter(change_request=change_request)
    if not actor.is_member:
        decisions = decisions.exclude(
            kind__in=(Decision.Kind.INTERNAL_APPROVE, Decision.Kind.INTERNAL_RETURN)
        )
    return decisions.select_related("change_request__project").order_by("decided_at", "id")
