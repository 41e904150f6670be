"""The organisation's exports, for its owners: ask for one, see them being built, download."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rapport.core.pagination import paginate
from rapport.portability import selectors, services
from rapport.portability.permissions import can_export_organisation
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import ActorRequest


@member_required
def exports(request: ActorRequest) -> HttpResponse:
    if not can_export_organisation(request.actor):
        raise PermissionDenied
    if request.method == "POST":
        services.organisation_export_request(actor=request.actor)
        messages.success(
            request,
            _("The export is being built. You get an email when it is ready to download."),
        )
        return redirect("portability:exports")
    return render(
        request,
        "portability/exports.html",
        {"page": paginate(request, selectors.export_list(actor=request.actor))},
    )


@member_required
def export_download(request: ActorRequest, export_id: int) -> HttpResponse:
    """The archive as a download, never shown in the page."""
    export = selectors.export_get(actor=request.actor, export_id=export_id)
    try:
        handle = services.organisation_export_download(actor=request.actor, export=export).open(
            "rb"
        )
    except OSError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=export.file_name, content_type="application/zip"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return cast(HttpResponse, response)
