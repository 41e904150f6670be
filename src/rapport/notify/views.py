from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from rapport.core.pagination import paginate
from rapport.notify.selectors import outbox_visible_to
from rapport.tenancy import permissions
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import ActorRequest


@member_required
def outbox_list(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if not permissions.can_read_outbox(actor):
        raise Http404
    emails = outbox_visible_to(actor).defer("body_text", "body_html")
    return render(request, "notify/outbox.html", {"page": paginate(request, emails)})


@member_required
def outbox_detail(request: ActorRequest, email_id: int) -> HttpResponse:
    actor = request.actor
    email = get_object_or_404(outbox_visible_to(actor), pk=email_id)
    return render(request, "notify/outbox_detail.html", {"email": email})
