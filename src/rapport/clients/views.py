from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.audit.selectors import history_for
from rapport.clients import permissions, selectors, services
from rapport.clients.forms import ClientForm, ContactForm
from rapport.communication import selectors as communication
from rapport.core.forms import add_service_errors
from rapport.core.pagination import paginate
from rapport.core.services import search_term
from rapport.notify.selectors import latest_email_to
from rapport.projects.selectors import project_list
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import ActorRequest


@member_required
def client_list(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    query = search_term(request.GET.get("q"))
    page = paginate(request, selectors.client_list(actor=actor, query=query))
    return render(
        request,
        "clients/list.html",
        {
            "page": page,
            "query": query,
            "can_create": permissions.can_create_client(actor),
        },
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
            # the client's stakeholder register: each contact with their roles on its projects
            "contacts": paginate(
                request,
                selectors.contact_list(actor=actor, client=client).prefetch_related(
                    Prefetch(
                        "stakeholder_roles",
                        queryset=communication.stakeholders_visible_to(actor)
                        .select_related("project")
                        .order_by("project__name"),
                        to_attr="roles",
                    )
                ),
            ),
            "projects": project_list(actor=actor, client_id=client.pk)[:50],
            "history": history_for(actor=actor, obj=client)[:20],
            "can_edit": permissions.can_edit_client(actor, client),
        },
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


@member_required
def contact_create(request: ActorRequest, client_id: int) -> HttpResponse:
    actor = request.actor
    client = selectors.client_get(actor=actor, client_id=client_id)
    if not permissions.can_edit_client(actor, client):
        raise PermissionDenied
    form = ContactForm(
        request.POST or None,
        instance=services.Contact(client=client, organisation_id=client.organisation_id),
        initial={"language": client.language},
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
