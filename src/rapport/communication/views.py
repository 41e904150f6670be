"""A project's communication page (register, 2×2 grid, plan with its cadence, recent
touchpoints, quick entry), the full log, and a client's log. All internal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.clients.models import Client, Contact
from rapport.clients.selectors import client_get
from rapport.communication import channels, exports, permissions, selectors, services
from rapport.communication.forms import InteractionForm, PlanItemForm, StakeholderForm
from rapport.communication.models import Level
from rapport.core import export
from rapport.core.forms import add_service_errors, int_or_none
from rapport.core.pagination import paginate
from rapport.messaging import selectors as messaging
from rapport.projects.models import Project
from rapport.projects.selectors import project_get, projects_visible_to
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import ActorRequest

RECENT = 10
QUADRANTS = (
    ("manage", Level.HIGH, Level.HIGH),
    ("satisfy", Level.HIGH, Level.LOW),
    ("inform", Level.LOW, Level.HIGH),
    ("monitor", Level.LOW, Level.LOW),
)


def _viewable(request: ActorRequest, project_id: int) -> Project:
    project = project_get(actor=request.actor, project_id=project_id)
    if not permissions.can_view(request.actor, project):
        raise PermissionDenied
    return project


def _plannable(request: ActorRequest, project_id: int) -> Project:
    project = project_get(actor=request.actor, project_id=project_id)
    if not permissions.can_plan(request.actor, project):
        raise PermissionDenied
    return project


def _mark_deletable(request: ActorRequest, interactions: Any) -> None:
    for interaction in interactions:
        interaction.deletable = permissions.can_delete(request.actor, interaction)


@member_required
def overview(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = _viewable(request, project_id)
    stakeholders = list(selectors.stakeholder_list(actor=actor, project=project))
    plan = selectors.plan(actor=actor, project=project)
    colours = selectors.stakeholder_colours(plan)
    for stakeholder in stakeholders:
        stakeholder.colour = colours.get(stakeholder.contact_id, "")  # type: ignore[attr-defined]
    recent = list(selectors.interaction_list(actor=actor, project=project)[:RECENT])
    _mark_deletable(request, recent)
    grid = {
        name: [s for s in stakeholders if (s.influence, s.interest) == (influence, interest)]
        for name, influence, interest in QUADRANTS
    }
    return render(
        request,
        "communication/overview.html",
        {
            "project": project,
            "stakeholders": stakeholders,
            "grid": grid,
            "plan": plan,
            "recent": recent,
            "form": InteractionForm(client=project.client, project=project),
            "can_plan": permissions.can_plan(actor, project),
            "response_times": messaging.response_times(project=project),
        },
    )


@member_required
def stakeholders_export(request: ActorRequest, project_id: int, fmt: str) -> HttpResponse:
    project = _viewable(request, project_id)
    return export.response(
        fmt,
        name=f"stakeholders-{project.code}",
        title=_("Stakeholders"),
        columns=exports.STAKEHOLDER_COLUMNS,
        rows=selectors.stakeholder_list(actor=request.actor, project=project),
    )


@member_required
def plan_export(request: ActorRequest, project_id: int, fmt: str) -> HttpResponse:
    project = _viewable(request, project_id)
    return export.response(
        fmt,
        name=f"communication-plan-{project.code}",
        title=_("Communication plan"),
        columns=exports.PLAN_COLUMNS,
        rows=selectors.plan(actor=request.actor, project=project),
    )


def _channel(request: ActorRequest) -> str:
    channel = request.GET.get("channel", "")
    return channel if channel in channels.Channel.values else ""


def _contact(request: ActorRequest, client: Client) -> Contact | None:
    """``?contact=``: one of the client's contacts, else none."""
    return client.contacts.filter(pk=int_or_none(request.GET.get("contact")) or 0).first()


@member_required
def project_log_export(request: ActorRequest, project_id: int, fmt: str) -> HttpResponse:
    project = _viewable(request, project_id)
    return export.response(
        fmt,
        name=f"touchpoints-{project.code}",
        title=_("Touchpoints"),
        columns=exports.TOUCHPOINT_COLUMNS,
        rows=selectors.interaction_list(
            actor=request.actor, project=project, channel=_channel(request)
        ),
    )


@member_required
def client_log_export(request: ActorRequest, client_id: int, fmt: str) -> HttpResponse:
    client = client_get(actor=request.actor, client_id=client_id)
    return export.response(
        fmt,
        name=f"touchpoints-{client.name}",
        title=_("Touchpoints"),
        columns=exports.TOUCHPOINT_COLUMNS,
        rows=selectors.interaction_list(
            actor=request.actor, client=client, contact=_contact(request, client)
        ),
    )


# --- the register -----------------------------------------------------------------------------


@member_required
def stakeholder_add(request: ActorRequest, project_id: int) -> HttpResponse:
    project = _plannable(request, project_id)
    form = StakeholderForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.stakeholder_add(actor=request.actor, project=project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Added to the stakeholder register."))
            return redirect("communication:overview", project.pk)
    return render(
        request,
        "communication/form.html",
        {"project": project, "form": form, "title": _("Add a stakeholder")},
    )


@member_required
def stakeholder_edit(request: ActorRequest, project_id: int, stakeholder_id: int) -> HttpResponse:
    project = _plannable(request, project_id)
    stakeholder = selectors.stakeholder_get(
        actor=request.actor, project=project, stakeholder_id=stakeholder_id
    )
    form = StakeholderForm(request.POST or None, instance=stakeholder, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.stakeholder_update(
                actor=request.actor, stakeholder=stakeholder, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The stakeholder is saved."))
            return redirect("communication:overview", project.pk)
    return render(
        request,
        "communication/form.html",
        {"project": project, "form": form, "title": stakeholder.contact.full_name},
    )


@require_POST
@member_required
def stakeholder_remove(request: ActorRequest, project_id: int, stakeholder_id: int) -> HttpResponse:
    project = _plannable(request, project_id)
    stakeholder = selectors.stakeholder_get(
        actor=request.actor, project=project, stakeholder_id=stakeholder_id
    )
    services.stakeholder_remove(actor=request.actor, stakeholder=stakeholder)
    messages.success(request, _("Removed from the stakeholder register."))
    return redirect("communication:overview", project.pk)


# --- the plan -----------------------------------------------------------------------------------


@member_required
def plan_add(request: ActorRequest, project_id: int) -> HttpResponse:
    project = _plannable(request, project_id)
    form = PlanItemForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_item_create(actor=request.actor, project=project, **form.service_values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Added to the communication plan."))
            return redirect("communication:overview", project.pk)
    return render(
        request,
        "communication/form.html",
        {"project": project, "form": form, "title": _("Plan a touchpoint"), "advice": True},
    )


@member_required
def plan_edit(request: ActorRequest, project_id: int, item_id: int) -> HttpResponse:
    project = _plannable(request, project_id)
    item = selectors.plan_item_get(actor=request.actor, project=project, item_id=item_id)
    form = PlanItemForm(request.POST or None, instance=item, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_item_update(actor=request.actor, item=item, **form.service_values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The communication plan is saved."))
            return redirect("communication:overview", project.pk)
    return render(
        request,
        "communication/form.html",
        {"project": project, "form": form, "title": item.title, "advice": True},
    )


@require_POST
@member_required
def plan_delete(request: ActorRequest, project_id: int, item_id: int) -> HttpResponse:
    project = _plannable(request, project_id)
    item = selectors.plan_item_get(actor=request.actor, project=project, item_id=item_id)
    services.plan_item_delete(actor=request.actor, item=item)
    messages.success(request, _("Removed from the communication plan."))
    return redirect("communication:overview", project.pk)


# --- the log ------------------------------------------------------------------------------------


def _logged(request: ActorRequest, interaction: Any) -> None:
    if interaction.channel_suited is False:
        advice = channels.advise(interaction.kind)
        suited = ", ".join(advice.suited_labels) if advice else ""
        text = _("Logged, though %(suited)s suit this kind of message better than %(channel)s.")
        messages.warning(
            request,
            f"{text % {'suited': suited, 'channel': interaction.get_channel_display()}} "
            f"{advice.why if advice else ''}",
        )
    else:
        messages.success(request, _("The touchpoint is logged."))


@member_required
def project_log(request: ActorRequest, project_id: int) -> HttpResponse:
    """The project's touchpoints, newest first, and the form to log one (also the target of
    the quick entry on the communication page)."""
    actor = request.actor
    project = _viewable(request, project_id)
    form = InteractionForm(request.POST or None, client=project.client, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            interaction = services.interaction_log(
                actor=actor, client=project.client, project=project, **form.service_values()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _logged(request, interaction)
            back = "overview" if request.POST.get("next_page") == "overview" else "log"
            return redirect(f"communication:{back}", project.pk)
    channel = _channel(request)
    page = paginate(
        request, selectors.interaction_list(actor=actor, project=project, channel=channel)
    )
    _mark_deletable(request, page)
    return render(
        request,
        "communication/log.html",
        {
            "project": project,
            "form": form,
            "channel": channel,
            "channels": channels.Channel.choices,
            "page": page,
        },
    )


@member_required
def client_log(request: ActorRequest, client_id: int) -> HttpResponse:
    """A client's touchpoints across its projects, and logging one on the client or one of its
    projects; ``?contact=`` narrows to one contact."""
    actor = request.actor
    client = client_get(actor=actor, client_id=client_id)
    projects = projects_visible_to(actor).filter(client=client)
    form = InteractionForm(request.POST or None, client=client, projects=projects)
    if request.method == "POST" and form.is_valid():
        project = form.cleaned_data.get("project_choice")
        if not permissions.can_log(actor, client, project):
            form.add_error(
                "project_choice",
                _(
                    "Choose one of your projects: touchpoints with the client at large are "
                    "logged by project managers."
                ),
            )
    if request.method == "POST" and form.is_valid():
        try:
            interaction = services.interaction_log(
                actor=actor, client=client, project=project, **form.service_values()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _logged(request, interaction)
            return redirect("communication:client_log", client.pk)
    contact = _contact(request, client)
    page = paginate(
        request, selectors.interaction_list(actor=actor, client=client, contact=contact)
    )
    _mark_deletable(request, page)
    return render(
        request,
        "communication/client_log.html",
        {
            "client": client,
            "form": form,
            "contact": contact,
            "can_log": actor.is_manager or projects.exists(),
            "page": page,
        },
    )


@require_POST
@member_required
def interaction_delete(request: ActorRequest, interaction_id: int) -> HttpResponse:
    interaction = selectors.interaction_get(actor=request.actor, interaction_id=interaction_id)
    services.interaction_delete(actor=request.actor, interaction=interaction)
    messages.success(request, _("The touchpoint is deleted."))
    if interaction.project_id:
        return redirect("communication:log", interaction.project_id)
    return redirect("communication:client_log", interaction.client_id)


@member_required
def advice(request: ActorRequest) -> HttpResponse:
    """The channel guidance for a kind of message and a chosen channel (an htmx fragment)."""
    kind = request.GET.get("kind", "")
    channel = request.GET.get("channel", "")
    found = channels.advise(kind)
    return render(
        request,
        "communication/_advice.html",
        {
            "advice": found,
            "follows": found.follows(channel) if found and channel else None,
        },
    )
