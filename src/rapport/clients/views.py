from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from rapport.audit.selectors import history_for
from rapport.clients import (
    charts,
    exports,
    health_selectors,
    health_services,
    permissions,
    selectors,
    services,
)
from rapport.clients.forms import ClientForm, ContactForm, HealthWeightsForm
from rapport.clients.models import Client, Contact
from rapport.communication import selectors as communication
from rapport.core import export
from rapport.core.forms import add_service_errors
from rapport.core.pagination import paginate
from rapport.core.services import search_term
from rapport.notify.selectors import latest_email_to
from rapport.projects.selectors import project_list
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import Actor, ActorRequest

SORT_LABELS = {
    "at_risk": pgettext_lazy("sort clients", "At risk first"),
    "healthy": pgettext_lazy("sort clients", "Healthiest first"),
    "name": pgettext_lazy("sort clients", "Name"),
}


def _client_list_query(request: ActorRequest) -> tuple[str, str]:
    """The search and the sort of the clients list; only those who see the health score may
    sort by it."""
    query = search_term(request.GET.get("q"))
    sort = request.GET.get("sort", "") if request.actor.is_manager else "name"
    if sort not in selectors.SORTS:
        sort = selectors.SORTS[0]
    return query, sort


@member_required
def client_list(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    query, sort = _client_list_query(request)
    page = paginate(request, selectors.client_list(actor=actor, query=query, sort=sort))
    return render(
        request,
        "clients/list.html",
        {
            "page": page,
            "query": query,
            "sort": sort,
            "sorts": SORT_LABELS,
            "show_health": actor.is_manager,
            "can_create": permissions.can_create_client(actor),
        },
    )


@member_required
def client_export(request: ActorRequest, fmt: str) -> HttpResponse:
    actor = request.actor
    query, sort = _client_list_query(request)
    return export.response(
        fmt,
        name="clients",
        title=_("Clients"),
        columns=exports.client_columns(show_health=actor.is_manager),
        rows=selectors.client_list(actor=actor, query=query, sort=sort),
    )


@member_required
def client_create(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if not permissions.can_create_client(actor):
        raise PermissionDenied
    form = ClientForm(
        request.POST or None, instance=services.Client(organisation=actor.organisation)
    )
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_create(actor=actor, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Client “%(name)s” created.") % {"name": client.name})
            return redirect("clients:detail", client.pk)
    return render(request, "clients/form.html", {"form": form})


@member_required
def client_detail(request: ActorRequest, client_id: int) -> HttpResponse:
    actor = request.actor
    client = selectors.client_get(actor=actor, client_id=client_id)
    return render(
        request,
        "clients/detail.html",
        {
            "client": client,
            "contacts": paginate(request, _stakeholder_register(actor, client)),
            "projects": project_list(actor=actor, client_id=client.pk)[:50],
            "history": history_for(actor=actor, obj=client)[:20],
            "can_edit": permissions.can_edit_client(actor, client),
            **_health_panel(actor, client),
        },
    )


def _stakeholder_register(actor: Actor, client: Client) -> QuerySet[Contact]:
    """The client's contacts, each with their stakeholder roles on its projects (``roles``)."""
    return selectors.contact_list(actor=actor, client=client).prefetch_related(
        Prefetch(
            "stakeholder_roles",
            queryset=communication.stakeholders_visible_to(actor)
            .select_related("project")
            .order_by("project__name"),
            to_attr="roles",
        )
    )


@member_required
def contact_export(request: ActorRequest, client_id: int, fmt: str) -> HttpResponse:
    actor = request.actor
    client = selectors.client_get(actor=actor, client_id=client_id)
    return export.response(
        fmt,
        name=f"contacts-{client.name}",
        title=_("Contacts"),
        columns=exports.CONTACT_COLUMNS,
        rows=_stakeholder_register(actor, client),
    )


def _health_panel(actor: Actor, client: Client) -> dict[str, Any]:
    if not permissions.can_view_client_health(actor, client):
        return {}
    current = health_selectors.client_health(actor=actor, client=client)
    return {
        "health": current,
        "health_chart": charts.health_history(current.history),
        # the latest moves, newest first
        "health_moves": [m for m in reversed(current.history) if m.moved_by][:10],
    }


@member_required
def health_settings(request: ActorRequest) -> HttpResponse:
    """How much each part counts in the client health score: the organisation's admins set
    it."""
    actor = request.actor
    if not actor.is_admin:
        raise PermissionDenied
    form = HealthWeightsForm(
        request.POST or None, initial=health_services.health_weights(actor.organisation_id)
    )
    if request.method == "POST" and form.is_valid():
        try:
            health_services.health_weights_update(actor=actor, weights=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The client health weights are saved."))
            return redirect("client_health_settings:weights")
    return render(
        request,
        "clients/health_settings.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@member_required
def client_edit(request: ActorRequest, client_id: int) -> HttpResponse:
    actor = request.actor
    client = selectors.client_get(actor=actor, client_id=client_id)
    if not permissions.can_edit_client(actor, client):
        raise PermissionDenied
    form = ClientForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_update(actor=actor, client=client, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Client saved."))
            return redirect("clients:detail", client.pk)
    return render(request, "clients/form.html", {"form": form, "client": client})


def _likely_time_zone(request: ActorRequest, client: Client) -> str:
    """A new contact most likely works where the client's last contact does, or else where
    the person adding them does."""
    last = client.contacts.order_by("-pk").values_list("time_zone", flat=True).first()
    return last or request.user.time_zone


@member_required
def contact_create(request: ActorRequest, client_id: int) -> HttpResponse:
    actor = request.actor
    client = selectors.client_get(actor=actor, client_id=client_id)
    if not permissions.can_edit_client(actor, client):
        raise PermissionDenied
    form = ContactForm(
        request.POST or None,
        instance=services.Contact(client=client, organisation_id=client.organisation_id),
        initial={"language": client.language, "time_zone": _likely_time_zone(request, client)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(actor=actor, client=client, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Contact “%(name)s” added.") % {"name": contact.full_name})
            return redirect("clients:contact_detail", contact.pk)
    return render(request, "clients/contact_form.html", {"form": form, "client": client})


@member_required
def contact_detail(request: ActorRequest, contact_id: int) -> HttpResponse:
    actor = request.actor
    contact = selectors.contact_get(actor=actor, contact_id=contact_id)
    return render(
        request,
        "clients/contact_detail.html",
        {
            "contact": contact,
            "history": history_for(actor=actor, obj=contact)[:20],
            "roles": communication.roles_of_contact(actor=actor, contact=contact),
            "touchpoints": communication.interaction_list(actor=actor, contact=contact)[:5],
            "can_edit": permissions.can_edit_contact(actor, contact),
            "pending_invitation": selectors.pending_portal_invitation(contact=contact),
            "invitation_email": latest_email_to(
                actor=actor, to=contact.email, kind="portal_invitation"
            )
            if contact.email
            else None,
        },
    )


@member_required
def contact_edit(request: ActorRequest, contact_id: int) -> HttpResponse:
    actor = request.actor
    contact = selectors.contact_get(actor=actor, contact_id=contact_id)
    if not permissions.can_edit_contact(actor, contact):
        raise PermissionDenied
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(actor=actor, contact=contact, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Contact saved."))
            return redirect("clients:contact_detail", contact.pk)
    return render(
        request,
        "clients/contact_form.html",
        {"form": form, "client": contact.client, "contact": contact},
    )


@require_POST
@member_required
def contact_invite(request: ActorRequest, contact_id: int) -> HttpResponse:
    actor = request.actor
    contact = selectors.contact_get(actor=actor, contact_id=contact_id)
    try:
        services.contact_invite_to_portal(actor=actor, contact=contact)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Portal invitation sent to %(email)s.") % {"email": contact.email}
        )
    return redirect("clients:contact_detail", contact.pk)


@require_POST
@member_required
def contact_revoke(request: ActorRequest, contact_id: int) -> HttpResponse:
    actor = request.actor
    contact = selectors.contact_get(actor=actor, contact_id=contact_id)
    services.contact_revoke_portal_access(actor=actor, contact=contact)
    messages.success(request, _("Portal access removed."))
    return redirect("clients:contact_detail", contact.pk)
