from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rapport.clients import services as client_services
from rapport.clients.selectors import clients_visible_to
from rapport.core.forms import add_service_errors
from rapport.core.pagination import paginate
from rapport.portal.access import contact_required
from rapport.projects.selectors import project_get, project_list
from rapport.tenancy.actors import ActorRequest, client_ip
from rapport.tenancy.forms import PasswordPairMixin
from rapport.tenancy.selectors import account_exists


@contact_required
def home(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    return render(
        request,
        "portal/home.html",
        {
            "page": paginate(request, project_list(actor=actor)),
            "clients": clients_visible_to(actor).order_by("name"),
        },
    )


@contact_required
def project_detail(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    return render(request, "portal/project.html", {"project": project})


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """A client contact accepts the portal invitation by choosing a password."""
    try:
        pending = client_services.portal_invitation_from_token(token)
    except ValidationError as error:
        return render(request, "portal/invitation_invalid.html", {"error": error}, status=410)
    user = request.user if request.user.is_authenticated else None
    existing_account = user is None and account_exists(pending.contact.email)
    form = PasswordPairMixin(request.POST or None)
    if request.method == "POST" and (user is not None or form.is_valid()):
        try:
            contact = client_services.portal_invitation_accept(
                token=token,
                user=user,
                password=form.cleaned_data.get("password1", "") if user is None else "",
                ip=client_ip(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if user is None:
                login(request, contact.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome, %(name)s. Here are your projects.") % {"name": contact.full_name},
            )
            return redirect("portal:home")
    return render(
        request,
        "portal/invitation.html",
        {
            "invitation": pending,
            "form": form,
            "existing_account": existing_account,
        },
    )
