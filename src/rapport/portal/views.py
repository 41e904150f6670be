from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.clients import services as client_services
from rapport.clients.selectors import clients_visible_to
from rapport.core import ratelimit
from rapport.core.forms import add_service_errors, int_or_none
from rapport.core.pagination import paginate
from rapport.feedback import selectors as feedback_selectors
from rapport.messaging import selectors as message_selectors
from rapport.messaging.selectors import unread_thread_count
from rapport.portal import home as portal_home
from rapport.portal.access import contact_required
from rapport.projects import baseline_services, permissions
from rapport.projects import selectors as project_selectors
from rapport.projects.baseline_display import comparison, readable
from rapport.projects.baseline_forms import DecisionForm
from rapport.projects.models import BaselineVersion, Deliverable, Project
from rapport.projects.selectors import project_get, project_list
from rapport.reports import selectors as report_selectors
from rapport.tenancy import selectors as tenancy_selectors
from rapport.tenancy import services as tenancy_services
from rapport.tenancy.actors import ActorRequest, client_ip
from rapport.tenancy.forms import ApiTokenForm, PasswordPairMixin
from rapport.tenancy.limits import INVITATION_LINK_PER_IP
from rapport.tenancy.selectors import account_exists

PAST = (Project.Status.CLOSED, Project.Status.CANCELLED)


@contact_required
def home(request: ActorRequest) -> HttpResponse:
    """What waits for the contact, their current projects with each one's latest report,
    recent messages, and their past (closed) projects."""
    actor = request.actor
    projects = project_list(actor=actor)
    page = paginate(request, projects.exclude(status__in=PAST))
    latest = {
        report.project_id: report
        for report in report_selectors.latest_published_reports(
            actor=actor, projects=projects.filter(pk__in=[project.pk for project in page])
        )
    }
    return render(
        request,
        "portal/home.html",
        {
            "waiting": portal_home.waiting_for_kept(actor=actor),
            "page": page,
            "current": [(project, latest.get(project.pk)) for project in page],
            "past": paginate(request, projects.filter(status__in=PAST), param="past"),
            "recent_messages": message_selectors.recent_messages(actor=actor),
            "clients": clients_visible_to(actor).order_by("name"),
        },
    )


@contact_required
def project_detail(request: ActorRequest, project_id: int) -> HttpResponse:
    """The project as agreed with the client: the signed baseline, a version awaiting
    sign-off, milestone progress and deliverables awaiting acceptance. Only what the client
    was shown: internal milestones, notes, actuals and rates never reach this page."""
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    versions = list(project_selectors.versions_of(project=project, for_client=True))
    signed = next((v for v in versions if v.status == BaselineVersion.Status.SIGNED), None)
    pending = next((v for v in versions if v.status == BaselineVersion.Status.SUBMITTED), None)
    agreed = signed.client_snapshot if signed else None
    can_decide = permissions.can_decide_for_client(actor, project)
    return render(
        request,
        "portal/project.html",
        {
            "project": project,
            "signed": signed,
            "agreed": readable(agreed) if agreed else None,
            "pending": pending,
            "proposed": readable(pending.client_snapshot) if pending else None,
            "milestones": project_selectors.client_milestones(
                project=project, ids=[m["id"] for m in agreed["milestones"]] if agreed else []
            ),
            "awaiting": project_selectors.client_deliverables(
                project=project, status=Deliverable.Status.SUBMITTED
            ),
            "versions": versions,
            "can_decide": can_decide,
            "approvers": [] if can_decide else project_selectors.client_approvers(project=project),
            "decision_form": DecisionForm(),
            "unread_threads": unread_thread_count(actor=actor, project=project),
            "open_surveys": list(
                feedback_selectors.open_invitations_of(actor=actor, project=project)
            ),
            "timeline": portal_home.timeline(actor=actor, project=project),
        },
    )


def _decision(request: ActorRequest) -> DecisionForm | None:
    form = DecisionForm(request.POST)
    if form.is_valid():
        return form
    messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
    return None


@require_POST
@contact_required
def baseline_sign(request: ActorRequest, project_id: int, version_id: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    version = project_selectors.version_get(actor=actor, project=project, version_id=version_id)
    if (form := _decision(request)) is not None:
        try:
            baseline_services.baseline_sign(
                actor=actor, version=version, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("You signed off version %(number)s of the baseline.")
                % {"number": version.number},
            )
    return redirect("portal:project", project.pk)


@require_POST
@contact_required
def baseline_return(request: ActorRequest, project_id: int, version_id: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    version = project_selectors.version_get(actor=actor, project=project, version_id=version_id)
    if (form := _decision(request)) is not None:
        try:
            baseline_services.baseline_return(
                actor=actor, version=version, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("You sent version %(number)s back to the project manager.")
                % {"number": version.number},
            )
    return redirect("portal:project", project.pk)


@require_POST
@contact_required
def deliverable_decide(request: ActorRequest, project_id: int, deliverable_id: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    deliverable = project_selectors.client_deliverable_get(
        actor=actor, project=project, deliverable_id=deliverable_id
    )
    decision = request.POST.get("decision")
    if decision not in ("accept", "reject"):
        messages.error(request, _("Choose to accept or to reject the deliverable."))
    elif (form := _decision(request)) is not None:
        try:
            baseline_services.deliverable_decide(
                actor=actor,
                deliverable=deliverable,
                accept=decision == "accept",
                reason=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if decision == "accept":
                message = _("You accepted “%(name)s”.")
            else:
                message = _("You rejected “%(name)s”; the project manager has your reasons.")
            messages.success(request, message % {"name": deliverable.name})
    return redirect("portal:project", project.pk)


@contact_required
def version_detail(request: ActorRequest, project_id: int, version_id: int) -> HttpResponse:
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    version = project_selectors.version_get(actor=actor, project=project, version_id=version_id)
    versions = list(project_selectors.versions_of(project=project, for_client=True))
    return render(
        request,
        "portal/version.html",
        {
            "project": project,
            "version": version,
            "previous": next((v for v in versions if v.number < version.number), None),
            "snapshot": readable(version.client_snapshot),
        },
    )


@contact_required
def version_compare(request: ActorRequest, project_id: int) -> HttpResponse:
    """Two versions the client was shown, side by side (?a=<id>&b=<id>)."""
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    versions = list(project_selectors.versions_of(project=project, for_client=True))
    a, b = int_or_none(request.GET.get("a")), int_or_none(request.GET.get("b"))
    context: dict[str, object] = {"project": project, "versions": versions, "a": a, "b": b}
    if a is not None and b is not None:
        old = project_selectors.version_get(actor=actor, project=project, version_id=a)
        new = project_selectors.version_get(actor=actor, project=project, version_id=b)
        if old.number > new.number:
            old, new = new, old
        context |= {
            "old": old,
            "new": new,
            "comparison": comparison(old.client_snapshot, new.client_snapshot),
            "currency": new.client_snapshot.get("currency", project.currency),
        }
    return render(request, "portal/compare.html", context)


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """A client contact accepts the portal invitation by choosing a password."""
    wait = ratelimit.hit(INVITATION_LINK_PER_IP, client_ip(request) or "-")
    if wait:
        return ratelimit.too_many(request, wait)
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


@contact_required
def api_tokens(request: ActorRequest) -> HttpResponse:
    """A contact's own tokens for the portal API; a new token's secret is shown once."""
    actor = request.actor
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = tenancy_services.contact_api_token_create(
                actor=actor,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = ApiTokenForm()
    page = paginate(request, tenancy_selectors.contact_api_tokens_of(actor))
    return render(request, "portal/api_tokens.html", {"form": form, "page": page, "secret": secret})


@require_POST
@contact_required
def api_token_revoke(request: ActorRequest, token_id: int) -> HttpResponse:
    actor = request.actor
    token = tenancy_selectors.contact_api_token_get(actor=actor, token_id=token_id)
    tenancy_services.api_token_revoke(actor=actor, token=token)
    messages.success(request, _("The token was revoked; it no longer works."))
    return redirect("portal:api_tokens")
