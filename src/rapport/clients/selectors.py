"""Every read of clients and contacts starts here, narrowed to the actor."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from rapport.clients.models import (
    Client,
    ClientHealthSnapshot,
    ClientImport,
    Contact,
    PortalInvitation,
)
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import Role


def clients_visible_to(actor: Actor) -> QuerySet[Client]:
    """Owners, admins and PMs see every client of their organisation; a team member sees the
    clients of the projects they work on; a contact sees the clients they belong to."""
    from rapport.projects.selectors import projects_visible_to

    if actor.is_member:
        clients = Client.objects.filter(organisation_id=actor.organisation_id)
        if actor.role == Role.MEMBER:
            clients = clients.filter(pk__in=projects_visible_to(actor).values("client_id"))
        return clients
    if actor.is_contact:
        return Client.objects.filter(contacts__pk__in=actor.contact_ids).distinct()
    return Client.objects.none()


SORTS = ("at_risk", "healthy", "name")


def latest_health_score(client: str = "pk") -> Subquery:
    """The score of the client's newest health snapshot, to annotate a query of clients (or
    of rows naming the client in the field ``client``)."""
    latest = ClientHealthSnapshot.objects.filter(client=OuterRef(client)).order_by("-day")
    return Subquery(latest.values("score")[:1])


def client_list(*, actor: Actor, query: str = "", sort: str = "at_risk") -> QuerySet[Client]:
    """With each client's latest health score (``health_score``); the lowest scores first by
    default, clients not scored yet last."""
    clients = clients_visible_to(actor).annotate(
        contact_count=Count("contacts", distinct=True),
        project_count=Count("projects", distinct=True),
        health_score=latest_health_score(),
    )
    if query:
        clients = clients.filter(name__icontains=query)
    if sort == "name":
        return clients.order_by("name", "id")
    score = F("health_score")
    first = score.desc(nulls_last=True) if sort == "healthy" else score.asc(nulls_last=True)
    return clients.order_by(first, "name", "id")


def client_get(*, actor: Actor, client_id: int) -> Client:
    return get_object_or_404(clients_visible_to(actor), pk=client_id)


def contacts_visible_to(actor: Actor) -> QuerySet[Contact]:
    if actor.is_member:
        return Contact.objects.filter(client__in=clients_visible_to(actor))
    return Contact.objects.none()


def contact_list(
    *, actor: Actor, client: Client | None = None, query: str = ""
) -> QuerySet[Contact]:
    contacts = contacts_visible_to(actor).select_related("client", "user")
    if client is not None:
        contacts = contacts.filter(client=client)
    if query:
        contacts = contacts.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    return contacts.order_by("full_name", "id")


def contact_get(*, actor: Actor, contact_id: int) -> Contact:
    return get_object_or_404(contacts_visible_to(actor).select_related("client"), pk=contact_id)


def portal_contacts_of(user_id: int) -> QuerySet[Contact]:
    """The contacts a signed-in person acts as in the portal."""
    return Contact.objects.filter(user_id=user_id, portal_access=True, user__is_active=True)


def client_portal_contacts(*, client_id: int) -> QuerySet[Contact]:
    """The client's contacts with portal access: those who read what is published to it."""
    return Contact.objects.filter(client_id=client_id, portal_access=True).order_by(
        "full_name", "id"
    )


def pending_portal_invitation(*, contact: Contact) -> PortalInvitation | None:
    return (
        PortalInvitation.objects.filter(
            contact=contact, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .order_by("-created_at")
        .first()
    )


def client_import_get(*, actor: Actor, import_id: int) -> ClientImport:
    """Only its uploader sees an import, and only while a member of its organisation."""
    imports = ClientImport.objects.none()
    if actor.is_member and actor.user is not None:
        imports = ClientImport.objects.filter(
            organisation_id=actor.organisation_id, owner_id=actor.user.pk
        )
    return get_object_or_404(imports, pk=import_id)


def approving_client_ids(actor: Actor) -> QuerySet[Contact, Any]:
    """The clients for which the contact actor signs off and accepts (as a subquery of client
    ids): those where one of the actor's portal contacts is an approver."""
    return Contact.objects.filter(
        pk__in=actor.contact_ids or (), portal_access=True, is_approver=True
    ).values("client_id")
