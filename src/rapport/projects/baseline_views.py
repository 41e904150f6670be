"""The baseline in the app: its items, its versions and their comparison. Thin views: the
services decide what may change and say why not."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rapport.core.forms import add_service_errors, int_or_none
from rapport.projects import baseline, permissions, selectors
from rapport.projects import baseline_services as services
from rapport.projects.baseline_display import comparison, readable
from rapport.projects.baseline_forms import (
    ITEM_FORMS,
    BaselineItemForm,
    ObjectiveForm,
    ReasonForm,
)
from rapport.projects.models import BaselineVersion, Project
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import Actor, ActorRequest

Status = BaselineVersion.Status

NEW_TITLES = {
    "objective": gettext_lazy("New objective"),
    "milestone": gettext_lazy("New milestone"),
    "deliverable": gettext_lazy("New deliverable"),
    "budget_line": gettext_lazy("New budget line"),
    "quality_standard": gettext_lazy("New quality standard"),
}
EDIT_TITLES = {
    "objective": gettext_lazy("Edit objective"),
    "milestone": gettext_lazy("Edit milestone"),
    "deliverable": gettext_lazy("Edit deliverable"),
    "budget_line": gettext_lazy("Edit budget line"),
    "quality_standard": gettext_lazy("Edit quality standard"),
}


def _to_baseline(project: Project, anchor: str = "") -> HttpResponse:
    url = reverse("projects:baseline", args=[project.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _refused(request: ActorRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _kind_label(kind: str) -> str:
    return capfirst(str(ITEM_FORMS[kind]._meta.model._meta.verbose_name))


def _require_item_edit(actor: Actor, project: Project, kind: str) -> None:
    """Adding or removing an item: the PM (and, for money, a financial reader)."""
    if not permissions.can_edit_project(actor, project):
        raise PermissionDenied
    if services.KINDS[kind].financial and not permissions.can_view_financials(actor, project):
        raise PermissionDenied


def _state(project: Project, latest: BaselineVersion | None) -> str:
    if project.rebaseline_reason:
        return "rebaselining"
    if latest is not None and latest.status in (Status.SUBMITTED, Status.SIGNED):
        return str(latest.status)
    return "draft"


@member_required
def baseline_page(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = selectors.project_get(actor=actor, project_id=project_id)
    items = selectors.baseline_items(project=project)
    versions = list(selectors.versions_of(project=project))
    latest = versions[0] if versions else None
    signed = next((v for v in versions if v.status == Status.SIGNED), None)
    can_edit = permissions.can_edit_project(actor, project)
    locked = baseline.is_locked(project)
    return render(
        request,
        "projects/baseline.html",
        {
            "project": project,
            **items,
            "budget_total": sum(line.amount for line in items["budget_lines"]),
            "versions": versions,
            "latest": latest,
            "signed": signed,
            "state": _state(project, latest),
            "locked": locked,
            "can_edit": can_edit,
            "can_track": permissions.can_track(actor, project),
            "financials": permissions.can_view_financials(actor, project),
            "can_submit": can_edit and not locked,
            "can_withdraw": can_edit and latest is not None and latest.status == Status.SUBMITTED,
            "can_rebaseline": can_edit
            and latest is not None
            and latest.status == Status.SIGNED
            and not project.rebaseline_reason,
            "submit_form": ReasonForm(initial={"reason": project.rebaseline_reason}),
            "rebaseline_form": ReasonForm(),
        },
    )


@member_required
def item_create(request: ActorRequest, project_id: int, kind: str) -> HttpResponse:
    actor = request.actor
    project = selectors.project_get(actor=actor, project_id=project_id)
    if kind not in ITEM_FORMS:
        raise Http404
    _require_item_edit(actor, project, kind)
    form_class = ITEM_FORMS[kind]
    initial = {}
    if kind == "deliverable":
        initial["milestone"] = int_or_none(request.GET.get("milestone"))
    form = form_class(
        request.POST or None,
        actor=actor,
        project=project,
        initial=initial,
        instance=form_class._meta.model(project=project),
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(actor=actor, project=project, kind=kind, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(kind)s added.") % {"kind": _kind_label(kind)})
            return _to_baseline(project, f"{kind}-{item.pk}")
    return _item_form(request, project, kind, form, locked=baseline.is_locked(project))


@member_required
def item_edit(request: ActorRequest, project_id: int, kind: str, item_id: int) -> HttpResponse:
    """Agreed fields for the PM while the baseline is open; tracking fields (forecast and
    done dates, current values) for the whole team, always."""
    actor = request.actor
    project = selectors.project_get(actor=actor, project_id=project_id)
    if kind not in ITEM_FORMS:
        raise Http404
    item = selectors.item_get(actor=actor, project=project, kind=kind, item_id=item_id)
    if not permissions.can_track(actor, project):
        raise PermissionDenied
    if services.KINDS[kind].financial and not (
        permissions.can_edit_project(actor, project)
        and permissions.can_view_financials(actor, project)
    ):
        raise PermissionDenied
    locked = baseline.is_locked(project)
    form = ITEM_FORMS[kind](
        request.POST or None,
        actor=actor,
        project=project,
        instance=item,
        agreed_read_only=locked or not permissions.can_edit_project(actor, project),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(actor=actor, item=item, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(kind)s saved.") % {"kind": _kind_label(kind)})
            return _to_baseline(project, f"{kind}-{item.pk}")
    return _item_form(request, project, kind, form, locked=locked, item=item)


def _item_form(
    request: ActorRequest,
    project: Project,
    kind: str,
    form: BaselineItemForm,
    *,
    locked: bool,
    item: object = None,
) -> HttpResponse:
    agreed_editable = not any(
        form.fields[name].disabled for name in services.KINDS[kind].agreed if name in form.fields
    )
    return render(
        request,
        "projects/item_form.html",
        {
            "project": project,
            "kind": kind,
            "title": EDIT_TITLES[kind] if item else NEW_TITLES[kind],
            "form": form,
            "item": item,
            "locked": locked,
            "can_edit_agreed": agreed_editable,
            "checks": form.smart_checks() if isinstance(form, ObjectiveForm) else None,
            "live_smart": isinstance(form, ObjectiveForm) and agreed_editable,
        },
    )


@require_POST
@member_required
def item_delete(request: ActorRequest, project_id: int, kind: str, item_id: int) -> HttpResponse:
    actor = request.actor
    project = selectors.project_get(actor=actor, project_id=project_id)
    if kind not in ITEM_FORMS:
        raise Http404
    item = selectors.item_get(actor=actor, project=project, kind=kind, item_id=item_id)
    _require_item_edit(actor, project, kind)
    try:
        services.item_delete(actor=actor, item=item)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("%(kind)s deleted.") % {"kind": _kind_label(kind)})
    return _to_baseline(project, kind)


@require_POST
@member_required
def smart_check(request: ActorRequest, project_id: int) -> HttpResponse:
    """The SMART letters for an objective as typed (htmx, while the PM writes it)."""
    actor = request.actor
    project = selectors.project_get(actor=actor, project_id=project_id)
    if not permissions.can_track(actor, project):
        raise PermissionDenied
    form = ObjectiveForm(request.POST, actor=actor, project=project)
    return render(request, "projects/item_form.html#smart", {"checks": form.smart_checks()})


@require_POST
@member_required
def baseline_submit(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = selectors.project_get(actor=actor, project_id=project_id)
    if not permissions.can_edit_project(actor, project):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
        return _to_baseline(project)
    try:
        version = services.baseline_submit(
            actor=actor, project=project, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("Version %(number)s was sent to the client for sign-off.")
            % {"number": version.number},
        )
    return _to_baseline(project)


@require_POST
@member_required
def baseline_withdraw(request: ActorRequest, project_id: int, version_id: int) -> HttpResponse:
    actor = request.actor
    project = selectors.project_get(actor=actor, project_id=project_id)
    version = selectors.version_get(actor=actor, project=project, version_id=version_id)
    if not permissions.can_edit_project(actor, project):
        raise PermissionDenied
    try:
        services.baseline_withdraw(actor=actor, version=version)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("Version %(number)s was withdrawn. The baseline can be edited again.")
            % {"number": version.number},
        )
    return _to_baseline(project)


@require_POST
@member_required
def rebaseline(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = selectors.project_get(actor=actor, project_id=project_id)
    if not permissions.can_edit_project(actor, project):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
        return _to_baseline(project)
    try:
        services.project_rebaseline(
            actor=actor, project=project, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _(
                "The baseline is open for changes. Submit the new version to the client "
                "when it is ready."
            ),
        )
    return _to_baseline(project)


@require_POST
@member_required
def deliverable_submit(request: ActorRequest, project_id: int, deliverable_id: int) -> HttpResponse:
    actor = request.actor
    project = selectors.project_get(actor=actor, project_id=project_id)
    deliverable = selectors.item_get(
        actor=actor, project=project, kind="deliverable", item_id=deliverable_id
    )
    if not permissions.can_edit_project(actor, project):
        raise PermissionDenied
    try:
        services.deliverable_submit(actor=actor, deliverable=deliverable)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("“%(name)s” was sent to the client for acceptance.") % {"name": deliverable.name},
        )
    return _to_baseline(project, f"deliverable-{deliverable.pk}")


@member_required
def version_detail(request: ActorRequest, project_id: int, version_id: int) -> HttpResponse:
    actor = request.actor
    project = selectors.project_get(actor=actor, project_id=project_id)
    version = selectors.version_get(actor=actor, project=project, version_id=version_id)
    versions = list(selectors.versions_of(project=project))
    previous = next((v for v in versions if v.number < version.number), None)
    return render(
        request,
        "projects/version.html",
        {
            "project": project,
            "version": version,
            "previous": previous,
            "snapshot": readable(version.snapshot),
            "financials": permissions.can_view_financials(actor, project),
        },
    )


@member_required
def version_compare(request: ActorRequest, project_id: int) -> HttpResponse:
    """Any two versions side by side (?a=<id>&b=<id>); without both, the choice of two."""
    actor = request.actor
    project = selectors.project_get(actor=actor, project_id=project_id)
    versions = list(selectors.versions_of(project=project))
    financials = permissions.can_view_financials(actor, project)
    a, b = int_or_none(request.GET.get("a")), int_or_none(request.GET.get("b"))
    context: dict[str, object] = {"project": project, "versions": versions, "a": a, "b": b}
    if a is not None and b is not None:
        old = selectors.version_get(actor=actor, project=project, version_id=a)
        new = selectors.version_get(actor=actor, project=project, version_id=b)
        if old.number > new.number:
            old, new = new, old
        context |= {
            "old": old,
            "new": new,
            "comparison": comparison(old.snapshot, new.snapshot, financials=financials),
            "currency": new.snapshot.get("currency", project.currency),
        }
    return render(request, "projects/compare.html", context)
