"""Writes for the baseline: its items, its versions (submit, withdraw, sign, send back,
re-baseline), deliverable acceptance and the actuals recorded against the budget."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.core.services import assign, require
from rapport.notify.services import email_queue
from rapport.projects import baseline, permissions
from rapport.projects.models import (
    BaselineVersion,
    BudgetLine,
    CostEntry,
    Deliverable,
    DeliverableDecision,
    Milestone,
    Objective,
    Project,
    QualityStandard,
    TimeEntry,
)
from rapport.tenancy.actors import Actor
from rapport.tenancy.selectors import users_in_organisation


@dataclass(frozen=True)
class ItemKind:
    """A kind of baseline item: which fields are agreed with the client (locked once signed)
    and which only track progress (always editable by the project's team)."""

    model: type[models.Model]
    agreed: tuple[str, ...]
    tracking: tuple[str, ...] = ()
    financial: bool = False


KINDS: dict[str, ItemKind] = {
    "objective": ItemKind(
        Objective,
        agreed=(
            "statement",
            "metric",
            "target_value",
            "unit",
            "due_date",
            "relevance",
            "achievability",
            "owner",
        ),
        tracking=("current_value",),
    ),
    "milestone": ItemKind(
        Milestone,
        agreed=("name", "baseline_date", "client_visible", "weight"),
        tracking=("forecast_date", "done_date"),
    ),
    "deliverable": ItemKind(Deliverable, agreed=("milestone", "name", "acceptance_criteria")),
    "budget_line": ItemKind(
        BudgetLine, agreed=("category", "description", "amount"), financial=True
    ),
    "quality_standard": ItemKind(QualityStandard, agreed=("title", "criteria", "deliverables")),
}


def kind_of(item: models.Model) -> ItemKind:
    return next(kind for kind in KINDS.values() if isinstance(item, kind.model))


def _reason(value: str) -> str:
    """A free-text reason, trimmed; NUL characters refused (PostgreSQL cannot store them)."""
    try:
        ProhibitNullCharactersValidator()(value)
    except ValidationError as error:
        raise ValidationError({"reason": error.messages}) from None
    return value.strip()


def _locked_error() -> ValidationError:
    return ValidationError(
        _(
            "The baseline is awaiting sign-off or signed. Change it through a change request, "
            "or re-baseline with a reason."
        ),
        code="baseline_locked",
    )


def _unlocked(project: Project) -> Project:
    """The project as stored, its row locked so that no submission freezes the baseline
    meanwhile; refused if its baseline is locked."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if baseline.is_locked(project):
        raise _locked_error()
    return project


def _check_item(actor: Actor, project: Project, item: models.Model) -> None:
    """Rules beyond the model's own: relations inside the project, dates inside the project."""
    errors: dict[str, str] = {}
    if isinstance(item, Milestone):
        if item.baseline_date and not project.start_date <= item.baseline_date <= project.end_date:
            errors["baseline_date"] = _(
                "The baseline date must fall within the project (%(start)s – %(end)s)."
            ) % {"start": project.start_date, "end": project.end_date}
        if item.done_date and item.done_date > timezone.localdate():
            errors["done_date"] = _("A milestone cannot be done in the future.")
    if (
        isinstance(item, Deliverable)
        and item.milestone_id
        and not project.milestones.filter(pk=item.milestone_id).exists()
    ):
        errors["milestone"] = _("Choose a milestone of this project.")
    if (
        isinstance(item, Objective)
        and item.owner_id
        and not users_in_organisation(actor).filter(pk=item.owner_id).exists()
    ):
        errors["owner"] = _("Choose a member of your organisation.")
    if errors:
        raise ValidationError(errors)


def _deliverables_of(project: Project, ids: Any) -> list[Deliverable]:
    try:
        wanted = {int(pk) for pk in (ids or [])}
    except (TypeError, ValueError):
        raise ValidationError({"deliverables": _("Choose deliverables of this project.")}) from None
    found = list(project.deliverables.filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise ValidationError({"deliverables": _("Choose deliverables of this project.")})
    return found


def _require_edit(actor: Actor, project: Project, kind: ItemKind) -> None:
    require(permissions.can_edit_project(actor, project))
    if kind.financial:
        require(permissions.can_view_financials(actor, project))


def _fields(kind: ItemKind) -> tuple[str, ...]:
    return tuple(f for f in (*kind.agreed, *kind.tracking) if f != "deliverables")


def _values(item: models.Model, fields: tuple[str, ...]) -> dict[str, Any]:
    """The fields' values as stored (relations by id): 4 and 4.0000, or a date and its ISO
    text, are the same value; two milestones with the same name are not."""
    values = {}
    for name in fields:
        field = item._meta.get_field(name)
        value = getattr(item, field.attname)  # type: ignore[union-attr]
        try:
            values[name] = field.to_python(value)  # type: ignore[union-attr]
        except ValidationError:
            values[name] = value
    return values


def _deliverable_names(item: models.Model) -> str:
    return ", ".join(sorted(d.name for d in item.deliverables.all()))  # type: ignore[attr-defined]


def _tell_feedback_if_done(item: models.Model, *, was_done: bool) -> None:
    """A milestone just completed sends the project's scheduled survey, if it has one."""
    if isinstance(item, Milestone) and item.done_date is not None and not was_done:
        from rapport.feedback import schedule as feedback_schedule

        feedback_schedule.milestone_done(milestone=item)


@transaction.atomic
def item_create(*, actor: Actor, project: Project, kind: str, **values: Any) -> models.Model:
    spec = KINDS[kind]
    _require_edit(actor, project, spec)
    project = _unlocked(project)
    _check_currency(project, values.pop("currency", None))
    deliverables = values.pop("deliverables", None)
    item = spec.model(project=project)
    assign(item, _fields(spec), values)
    item.full_clean(exclude=["project"])  # first: it turns text into dates and numbers
    _check_item(actor, project, item)
    item.save()
    _tell_feedback_if_done(item, was_done=False)
    changes = audit.diff({}, audit.snapshot(item, _fields(spec)))
    if deliverables is not None:
        item.deliverables.set(_deliverables_of(project, deliverables))  # type: ignore[attr-defined]
        if names := _deliverable_names(item):
            changes["deliverables"] = [None, names]
    audit.record(
        actor=actor,
        action="created",
        obj=item,
        organisation_id=project.organisation_id,
        changes=changes,
    )
    return item


@transaction.atomic
def item_update(*, actor: Actor, item: models.Model, **values: Any) -> models.Model:
    """Agreed fields need the PM and an unlocked baseline; tracking fields need the team."""
    spec = kind_of(item)
    item = spec.model._default_manager.select_for_update().select_related("project").get(pk=item.pk)
    project: Project = item.project  # type: ignore[attr-defined]
    fields = _fields(spec)
    before, stored = audit.snapshot(item, fields), _values(item, fields)
    currency = values.pop("currency", None)
    deliverables = values.pop("deliverables", None)
    assign(item, fields, values)
    given = _values(item, fields)
    changed = {name for name in fields if given[name] != stored[name]}
    if deliverables is not None:
        new = {d.pk for d in _deliverables_of(project, deliverables)}
        if new != set(item.deliverables.values_list("pk", flat=True)):  # type: ignore[attr-defined]
            changed.add("deliverables")
    agreed_changed = changed & set(spec.agreed)
    if agreed_changed:
        _require_edit(actor, project, spec)
        project = _unlocked(project)
    else:  # tracking fields, or nothing: still only for those on the project
        require(permissions.can_track(actor, project))
        if spec.financial:
            require(permissions.can_view_financials(actor, project))
    _check_currency(project, currency)
    item.full_clean(exclude=["project"])  # first: it turns text into dates and numbers
    _check_item(actor, project, item)
    item.save()
    _tell_feedback_if_done(item, was_done=stored.get("done_date") is not None)
    changes = {
        name: change
        for name, change in audit.diff(before, audit.snapshot(item, fields)).items()
        if name in changed
    }
    if deliverables is not None:
        old_names = _deliverable_names(item)
        item.deliverables.set(_deliverables_of(project, deliverables))  # type: ignore[attr-defined]
        if "deliverables" in changed:
            changes["deliverables"] = [old_names or None, _deliverable_names(item) or None]
    if changes:
        audit.record(
            actor=actor,
            action="updated",
            obj=item,
            organisation_id=project.organisation_id,
            changes=changes,
        )
    return item


@transaction.atomic
def item_delete(*, actor: Actor, item: models.Model) -> None:
    spec = kind_of(item)
    project: Project = item.project  # type: ignore[attr-defined]
    _require_edit(actor, project, spec)
    _unlocked(project)
    if isinstance(item, Milestone) and item.deliverables.exists():
        raise ValidationError(_("Move or delete this milestone's deliverables first."))
    audit.record(
        actor=actor,
        action="deleted",
        obj=item,
        organisation_id=project.organisation_id,
        changes=audit.removal(audit.snapshot(item, _fields(spec))),
    )
    item.delete()


# --- versions -----------------------------------------------------------------------------


def _portal_link(project: Project) -> str:
    return settings.SITE_URL + reverse("portal:project", args=[project.pk])


def _app_link(project: Project) -> str:
    return settings.SITE_URL + reverse("projects:baseline", args=[project.pk])


def _approvers(project: Project) -> models.QuerySet:
    from rapport.clients.models import Contact

    return Contact.objects.filter(
        client_id=project.client_id, portal_access=True, is_approver=True, user__is_active=True
    ).exclude(email="")


def _tell_approvers(project: Project, template: str, context: dict[str, Any]) -> None:
    for contact in _approvers(project):
        email_queue(
            to=contact.email,
            template=template,
            language=contact.language,
            kind=template,
            organisation_id=project.organisation_id,
            context={
                "name": contact.full_name,
                "project": project.name,
                "link": _portal_link(project),
                **context,
            },
        )


def _tell_pm(project: Project, template: str, context: dict[str, Any]) -> None:
    email_queue(
        to=project.pm.email,
        template=template,
        language=project.pm.language,
        kind=template,
        organisation_id=project.organisation_id,
        context={
            "name": project.pm.full_name,
            "project": project.name,
            "link": _app_link(project),
            **context,
        },
    )


@transaction.atomic
def baseline_submit(*, actor: Actor, project: Project, reason: str = "") -> BaselineVersion:
    """Freeze the baseline as a new version and ask the client's approvers to sign it."""
    require(permissions.can_edit_project(actor, project))
    project = Project.objects.select_for_update().get(pk=project.pk)
    latest = baseline.latest_version(project)
    if latest is not None and latest.status == BaselineVersion.Status.SUBMITTED:
        raise ValidationError(_("A version is already awaiting sign-off."), code="pending")
    signed = baseline.signed_version(project)
    reason = _reason(reason or project.rebaseline_reason)
    if signed is not None and not reason:
        raise ValidationError({"reason": _("Say why the signed baseline changes.")})
    if not project.objectives.exists() and not project.milestones.exists():
        raise ValidationError(_("A baseline needs at least one objective or milestone."))
    if project.published_at is None:
        raise ValidationError(_("Publish the project to the client portal first."))
    if not _approvers(project).exists():
        raise ValidationError(
            _("No contact of %(client)s can sign: mark a contact with portal access as approver.")
            % {"client": project.client.name}
        )
    snapshot = baseline.build_snapshot(project)
    if signed is not None and not baseline.compare(signed.snapshot, snapshot)["changed"]:
        raise ValidationError(_("Nothing changed since the signed version."), code="unchanged")
    client_snapshot = baseline.client_projection(snapshot)
    number = (project.baseline_versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = BaselineVersion.objects.create(
        project=project,
        number=number,
        reason=reason,
        snapshot=snapshot,
        client_snapshot=client_snapshot,
        client_snapshot_sha256=baseline.fingerprint(client_snapshot),
        submitted_by=actor.user,
    )
    project.rebaseline_reason = ""
    project.save(update_fields=["rebaseline_reason", "updated_at"])
    audit.record(
        actor=actor,
        action="submitted",
        obj=version,
        organisation_id=project.organisation_id,
        changes={"version": [None, number], "reason": [None, reason or None]},
    )
    _tell_approvers(project, "baseline_submitted", {"version": number, "reason": reason})
    return version


def _open_version(version: BaselineVersion) -> BaselineVersion:
    """The version, locked, if it still awaits sign-off; a clear refusal if someone else acted."""
    version = (
        BaselineVersion.objects.select_for_update().select_related("project").get(pk=version.pk)
    )
    if version.status != BaselineVersion.Status.SUBMITTED:
        raise ValidationError(
            _(
                "Version %(number)s is no longer awaiting sign-off (it is now: %(status)s). "
                "Nothing was changed."
            )
            % {"number": version.number, "status": version.get_status_display()},
            code="not_pending",
        )
    return version


@transaction.atomic
def baseline_withdraw(*, actor: Actor, version: BaselineVersion) -> BaselineVersion:
    require(permissions.can_edit_project(actor, version.project))
    version = _open_version(version)
    version.status = BaselineVersion.Status.WITHDRAWN
    version.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="withdrawn",
        obj=version,
        organisation_id=version.project.organisation_id,
        changes={"status": [BaselineVersion.Status.SUBMITTED, version.status]},
    )
    return version


def _decide_version(
    *, actor: Actor, version: BaselineVersion, signed: bool, comment: str
) -> BaselineVersion:
    """The client's approver signs a version or sends it back: the decision, who, when and
    from where are recorded on the version, audited, and the PM is told."""
    project = version.project
    if not permissions.can_decide_for_client(actor, project):
        raise PermissionDenied
    if not signed and not comment.strip():
        raise ValidationError({"comment": _("Say what should change.")})
    version = _open_version(version)
    contact = permissions.deciding_contact(actor, project)
    assert contact is not None  # can_decide_for_client found one
    if signed:
        # Each earlier signed version changes too: each gets its own event.
        for earlier in project.baseline_versions.select_for_update().filter(
            status=BaselineVersion.Status.SIGNED
        ):
            earlier.status = BaselineVersion.Status.SUPERSEDED
            earlier.save(update_fields=["status"])
            audit.record(
                actor=actor,
                contact_id=contact.pk,
                action="superseded",
                obj=earlier,
                organisation_id=project.organisation_id,
                changes={
                    "status": [BaselineVersion.Status.SIGNED, earlier.status],
                    "superseded_by": [None, version.number],
                },
            )
    version.status = BaselineVersion.Status.SIGNED if signed else BaselineVersion.Status.RETURNED
    version.decided_by, version.decided_at = contact, timezone.now()
    version.decision_comment, version.decision_ip = comment.strip(), actor.ip
    version.save(
        update_fields=["status", "decided_by", "decided_at", "decision_comment", "decision_ip"]
    )
    evidence = (
        {"fingerprint": [None, version.client_snapshot_sha256]}
        if signed
        else {"comment": [None, version.decision_comment]}
    )
    audit.record(
        actor=actor,
        contact_id=contact.pk,
        action="signed" if signed else "returned",
        obj=version,
        organisation_id=project.organisation_id,
        changes={"status": [BaselineVersion.Status.SUBMITTED, version.status], **evidence},
    )
    _tell_pm(
        project,
        "baseline_decided",
        {
            "version": version.number,
            "signed": signed,
            "contact": str(contact),
            "comment": version.decision_comment,
        },
    )
    return version


@transaction.atomic
def baseline_sign(*, actor: Actor, version: BaselineVersion, comment: str = "") -> BaselineVersion:
    """The client's approver signs exactly the version shown; earlier signed ones are
    superseded. Who, when and from where stay on record with the version."""
    return _decide_version(actor=actor, version=version, signed=True, comment=comment)


@transaction.atomic
def baseline_return(*, actor: Actor, version: BaselineVersion, comment: str) -> BaselineVersion:
    """The client's approver sends a version back with what should change."""
    return _decide_version(actor=actor, version=version, signed=False, comment=comment)


@transaction.atomic
def project_rebaseline(*, actor: Actor, project: Project, reason: str) -> Project:
    """Open the signed baseline for editing, with a reason that the next version carries."""
    require(permissions.can_edit_project(actor, project))
    project = Project.objects.select_for_update().get(pk=project.pk)
    latest = baseline.latest_version(project)
    if latest is None or latest.status != BaselineVersion.Status.SIGNED:
        raise ValidationError(_("Only a signed baseline can be re-baselined."), code="not_signed")
    if project.rebaseline_reason:
        raise ValidationError(_("A re-baseline is already in progress."), code="in_progress")
    if not _reason(reason):
        raise ValidationError({"reason": _("Say why the signed baseline changes.")})
    project.rebaseline_reason = _reason(reason)
    project.save(update_fields=["rebaseline_reason", "updated_at"])
    audit.record(
        actor=actor,
        action="rebaselined",
        obj=project,
        changes={"rebaseline_reason": [None, project.rebaseline_reason]},
    )
    return project


# --- deliverable acceptance ---------------------------------------------------------------


@transaction.atomic
def deliverable_submit(*, actor: Actor, deliverable: Deliverable) -> Deliverable:
    project = deliverable.project
    require(permissions.can_edit_project(actor, project))
    deliverable = (
        Deliverable.objects.select_for_update().select_related("milestone").get(pk=deliverable.pk)
    )
    if deliverable.status != Deliverable.Status.OPEN:
        raise ValidationError(_("This deliverable is not open."), code="not_open")
    if not deliverable.milestone.client_visible:
        raise ValidationError(_("An internal milestone's deliverable cannot go to the client."))
    if project.published_at is None:
        raise ValidationError(_("Publish the project to the client portal first."))
    deliverable.status, deliverable.submitted_at = Deliverable.Status.SUBMITTED, timezone.now()
    deliverable.save(update_fields=["status", "submitted_at", "updated_at"])
    audit.record(
        actor=actor,
        action="submitted",
        obj=deliverable,
        organisation_id=project.organisation_id,
        changes={"status": [Deliverable.Status.OPEN, deliverable.status]},
    )
    _tell_approvers(project, "deliverable_submitted", {"deliverable": deliverable.name})
    return deliverable


@transaction.atomic
def deliverable_decide(
    *, actor: Actor, deliverable: Deliverable, accept: bool, reason: str = ""
) -> DeliverableDecision:
    """The client accepts, or rejects with reasons against the criteria (which reopens it)."""
    project = deliverable.project
    if not permissions.can_decide_for_client(actor, project):
        raise PermissionDenied
    if not accept and not reason.strip():
        raise ValidationError({"reason": _("Say which acceptance criteria are not met.")})
    deliverable = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
    if deliverable.status != Deliverable.Status.SUBMITTED:
        raise ValidationError(
            _("This deliverable is no longer awaiting acceptance. Nothing was changed."),
            code="not_pending",
        )
    contact = permissions.deciding_contact(actor, project)
    assert contact is not None  # can_decide_for_client found one
    decision = DeliverableDecision.objects.create(
        deliverable=deliverable,
        contact=contact,
        decision=DeliverableDecision.Decision.ACCEPTED
        if accept
        else DeliverableDecision.Decision.REJECTED,
        reason=reason.strip(),
        criteria_shown=deliverable.acceptance_criteria,
        ip=actor.ip,
    )
    before = deliverable.status
    deliverable.status = Deliverable.Status.ACCEPTED if accept else Deliverable.Status.OPEN
    deliverable.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        contact_id=contact.pk,
        action="accepted" if accept else "rejected",
        obj=deliverable,
        organisation_id=project.organisation_id,
        changes={"status": [before, deliverable.status], "reason": [None, reason or None]},
    )
    _tell_pm(
        project,
        "deliverable_decided",
        {
            "deliverable": deliverable.name,
            "accepted": accept,
            "contact": str(contact),
            "comment": reason,
        },
    )
    return decision


# --- actuals ------------------------------------------------------------------------------


def _check_currency(project: Project, currency: str | None) -> None:
    if currency and currency.upper() != project.currency:
        raise ValidationError(
            {
                "currency": _("This project is kept in %(currency)s.")
                % {"currency": project.currency}
            }
        )


@transaction.atomic
def cost_entry_create(
    *,
    actor: Actor,
    project: Project,
    category: str,
    date: date,
    amount: Decimal,
    description: str = "",
    currency: str | None = None,
) -> CostEntry:
    require(permissions.can_view_financials(actor, project))
    _check_currency(project, currency)
    entry = CostEntry(project=project)
    assign(
        entry,
        ("category", "date", "amount", "description"),
        {"category": category, "date": date, "amount": amount, "description": description},
    )
    entry.full_clean(exclude=["project"])
    entry.save()
    audit.record(
        actor=actor,
        action="created",
        obj=entry,
        organisation_id=project.organisation_id,
        changes=audit.diff({}, audit.snapshot(entry, ("category", "date", "amount"))),
    )
    return entry


@transaction.atomic
def time_entry_create(
    *,
    actor: Actor,
    project: Project,
    person_id: int,
    date: date,
    hours: Decimal,
    rate: Decimal,
    description: str = "",
    currency: str | None = None,
) -> TimeEntry:
    require(permissions.can_view_financials(actor, project))
    _check_currency(project, currency)
    person = users_in_organisation(actor).filter(pk=person_id).first()
    if person is None:
        raise ValidationError({"person": _("Choose a member of your organisation.")})
    entry = TimeEntry(project=project, person=person)
    assign(
        entry,
        ("date", "hours", "rate", "description"),
        {"date": date, "hours": hours, "rate": rate, "description": description},
    )
    entry.full_clean(exclude=["project", "person"])
    entry.save()
    audit.record(
        actor=actor,
        action="created",
        obj=entry,
        organisation_id=project.organisation_id,
        changes=audit.diff({}, audit.snapshot(entry, ("date", "hours", "rate"))),
    )
    return entry


@transaction.atomic
def actual_delete(*, actor: Actor, entry: CostEntry | TimeEntry) -> None:
    require(permissions.can_view_financials(actor, entry.project))
    audit.record(
        actor=actor, action="deleted", obj=entry, organisation_id=entry.project.organisation_id
    )
    entry.delete()
