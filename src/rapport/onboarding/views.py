"""The guided setup's two buttons on the home page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.onboarding import services
from rapport.onboarding.models import SetupGuide
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import ActorRequest


def _managed(request: ActorRequest) -> None:
    """Only a manager of an organisation that has a guide; anyone else finds nothing here."""
    if not request.actor.is_manager:
        raise Http404
    if not SetupGuide.objects.filter(organisation=request.actor.organisation).exists():
        raise Http404


@require_POST
@member_required
def hide(request: ActorRequest) -> HttpResponse:
    _managed(request)
    services.guide_hide(actor=request.actor)
    messages.success(request, _("The setup guide is hidden. The user guide is under Help."))
    return redirect("app:home")


@require_POST
@member_required
def delete_sample(request: ActorRequest) -> HttpResponse:
    _managed(request)
    try:
        services.sample_delete(actor=request.actor)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The sample client and its project were deleted."))
    return redirect("app:home")
