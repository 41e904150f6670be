"""The change request workflow: one function per step, each checking the state machine under
a row lock, so two people acting at once end in one consistent state."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import DecimalValidator
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.changes import impact, permissions
from rapport.changes.models import (
    ChangeRequest,
    CostImpact,
    Decision,
    Priority,
    State,
)
from rapport.clients.health_services import recompute_later
from rapport.clients.models import Contact
from rapport.core.services import assign, require
from rapport.notify.services import email_queue
from rapport.projects import baseline
from rapport.projects import permissions as project_permissions
from rapport.projects.models import (
    BaselineVersion,
    BudgetCategory,
    BudgetLine,
    Project,
)
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import ADMIN_ROLES, User
from rapport.webhooks import payloads as webhook_payloads

REQUEST_FIELDS = ("title", "description", "reason", "priority")
EVALUATION_FIELDS = (
    "scope_added",
    "scope_removed",
    "schedule_days",
    "quality_impact",
    "risk_impact",
    "recommendation",
    "recommendation_note",
    "evaluation_notes",
)
LINKS = ("objectives", "milestones", "deliverables", "budget_lines")


def _locked(change_request: ChangeRequest) -> ChangeRequest:
    return (
        ChangeRequest.objects.select_for_update()
        .select_related("project__client", "project__pm", "project__organisation")
        .get(pk=change_request.pk)
    )


def _move(
    actor: Actor, change_request: ChangeRequest, state: str, *, record: bool = True, **changes: Any
) -> str:
    """Take one legal step, or refuse with a message that names where the request now is.
    ``record=False`` leaves the audit event to the caller, whose own event carries the step:
    one change, one event. Returns the state it came from."""
    if not change_request.can_move_to(state):
        raise ValidationError(
            _(
                "%(reference)s is now “%(state)s”; it cannot become “%(target)s”. "
                "Nothing was changed."
            )
            % {
                "reference": change_request.reference,
                "state": change_request.get_state_display(),
                "target": State(state).label,
            },
            code="illegal_transition",
        )
    before = change_request.state
    change_request.state = state
    change_request.save()
    if not record:
        return before
    audit.record(
        actor=actor,
        action=f"cr_{state}",
        obj=change_request,
        organisation_id=change_request.project.organisation_id,
        changes={"state": [before, state], **changes},
    )
    if state == State.SUBMITTED:
        webhook_payloads.change_request_submitted(change_request, by=actor.label)
    return before


def _link(change_request: ChangeRequest, links: dict[str, Any]) -> None:
    """Affected items must belong to the change request's own project."""
    project = change_request.project
    sources: dict[str, Any] = {
        "objectives": project.objectives,
        "milestones": project.milestones,
        "deliverables": project.deliverables,
        "budget_lines": project.budget_lines,
    }
    errors = {}
    for name, ids in links.items():
        if ids is None:
            continue
        wanted = {int(pk) for pk in ids}
        found = list(sources[name].filter(pk__in=wanted))
        if len(found) != len(wanted):
            errors[name] = _("Choose items of this project.")
            continue
        getattr(change_request, name).set(found)
    if errors:
        raise ValidationError(errors)


def _notify(
    change_request: ChangeRequest,
    event: str,
    *,
    to_client: bool = False,
    to_admins: bool = False,
    comment: str = "",
) -> None:
    """Email the people concerned, each in their own language."""
    project = change_request.project
    context = {
        "reference": change_request.reference,
        "title": change_request.title,
        "project": project.name,
        "event": event,
        "comment": comment,
        "state": State(change_request.state).label,  # lazy: rendered in each recipient's language
    }
    recipients: list[tuple[str, str, str, str]] = []
    if to_client:
        for contact in Contact.objects.filter(
            client_id=project.client_id, portal_access=True, is_approver=True
        ).exclude(email=""):
            recipients.append(
                (
                    contact.email,
                    contact.full_name,
                    contact.language,
                    settings.SITE_URL
                    + reverse("portal_changes:detail", args=[project.pk, change_request.number]),
                )
            )
    else:
        users = [project.pm]
        if to_admins:
            users = list(
                User.objects.filter(
                    memberships__organisation_id=project.organisation_id,
                    memberships__role__in=ADMIN_ROLES,
                    is_active=True,
                )
            )
        for user in users:
            recipients.append(
                (
                    user.email,
                    user.full_name,
                    user.language,
                    settings.SITE_URL
                    + reverse("changes:detail", args=[project.pk, change_request.number]),
                )
            )
    for email, name, language, link in recipients:
        email_queue(
            to=email,
            template="change_request",
            language=language,
            kind=f"change_request_{event}",
            organisation_id=project.organisation_id,
            context={**context, "name": name, "link": link},
        )


def _visible_snapshot(change_request: ChangeRequest) -> dict[str, Any]:
    """What a client decider sees: the request and its impact, never internal notes."""
    proposed = impact.proposal(change_request)
    return {
        "reference": change_request.reference,
        "title": change_request.title,
        "description": change_request.description,
        "scope_added": change_request.scope_added,
        "scope_removed": change_request.scope_removed,
        "schedule_days": change_request.schedule_days,
        "quality_impact": change_request.quality_impact,
        "risk_impact": change_request.risk_impact,
        "recommendation": change_request.recommendation,
        "recommendation_note": change_request.recommendation_note,
        "costs": {category: str(amount) for category, amount in proposed.costs_by_category.items()},
        "current_end": proposed.current_end.isoformat(),
        "new_end": proposed.new_end.isoformat(),
        "current_budget": str(proposed.current_budget),
        "new_budget": str(proposed.new_budget),
        "moves": [
            {
                "milestone": move.milestone.name,
                "from": move.old.isoformat(),
                "to": move.new.isoformat(),
            }
            for move in proposed.moves
            if move.milestone.client_visible
        ],
    }


# --- raising ------------------------------------------------------------------------------


@transaction.atomic
def change_request_create(
    *,
    actor: Actor,
    project: Project,
    title: str,
    description: str,
    reason: str = "",
    priority: str = Priority.MEDIUM,
    submit: bool = False,
    **links: Any,
) -> ChangeRequest:
    """A PM drafts (or submits) a request; a client contact's request is submitted at once."""
    if not permissions.can_raise(actor, project):
        raise PermissionDenied
    project = Project.objects.select_for_update().get(pk=project.pk)
    number = (project.change_requests.aggregate(n=Max("number"))["n"] or 0) + 1
    change_request = ChangeRequest(project=project, number=number)
    assign(
        change_request,
        REQUEST_FIELDS,
        {"title": title, "description": description, "reason": reason, "priority": priority},
    )
    if actor.is_contact:
        change_request.requested_by_contact = Contact.objects.filter(
            pk__in=actor.contact_ids, client_id=project.client_id
        ).first()
    else:
        change_request.requested_by_user = actor.user
    change_request.full_clean(exclude=["project"])
    change_request.save()
    _link(change_request, {name: links.get(name) for name in LINKS})
    audit.record(
        actor=actor,
        action="created",
        obj=change_request,
        organisation_id=project.organisation_id,
        changes=audit.diff({}, audit.snapshot(change_request, REQUEST_FIELDS)),
    )
    if submit or actor.is_contact:
        _move(actor, change_request, State.SUBMITTED)
        _notify(change_request, "submitted")
    return change_request


@transaction.atomic
def change_request_submit(*, actor: Actor, change_request: ChangeRequest) -> ChangeRequest:
    require(permissions.can_manage(actor, change_request.project))
    change_request = _locked(change_request)
    _move(actor, change_request, State.SUBMITTED)
    return change_request


# --- evaluating ---------------------------------------------------------------------------


MONEY_VALIDATOR = DecimalValidator(max_digits=14, decimal_places=2)


def _amount(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not amount.is_finite() or abs(amount) >= Decimal("1e12"):
        raise ValidationError({field: _("Enter a number.")})
    try:
        MONEY_VALIDATOR(amount)  # more than two places is refused, never rounded
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def change_request_evaluate(
    *,
    actor: Actor,
    change_request: ChangeRequest,
    costs: dict[str, Any] | None = None,
    **values: Any,
) -> ChangeRequest:
    """Record the impact: scope, schedule days, cost by budget category, quality, risk, and a
    recommendation. Allowed until it goes to the client; moves it under evaluation."""
    if not permissions.can_evaluate(actor, change_request.project):
        raise PermissionDenied
    change_request = _locked(change_request)
    if change_request.state not in (
        State.SUBMITTED,
        State.UNDER_EVALUATION,
        State.NEEDS_INFORMATION,
    ):
        raise ValidationError(
            _("%(reference)s can no longer be evaluated (it is “%(state)s”).")
            % {"reference": change_request.reference, "state": change_request.get_state_display()},
            code="illegal_transition",
        )
    links = {name: values.pop(name, None) for name in LINKS}
    before = audit.snapshot(change_request, EVALUATION_FIELDS)
    if "schedule_days" in values:
        try:
            values["schedule_days"] = int(str(values["schedule_days"]))
        except ValueError:
            raise ValidationError({"schedule_days": _("Enter a whole number of days.")}) from None
        if values["schedule_days"] < 0:
            raise ValidationError({"schedule_days": _("Enter zero or more days.")})
    assign(change_request, EVALUATION_FIELDS, values)
    change_request.evaluated_by = actor.user
    change_request.full_clean(exclude=["project"])
    _link(change_request, links)
    if costs is not None:
        amounts = {}
        for category, value in costs.items():
            if category not in BudgetCategory.values:
                raise ValidationError({"costs": _("Choose a budget category.")})
            amounts[category] = _amount(value, f"cost_{category}")
        _check_savings(change_request.project, amounts)
        change_request.cost_impacts.all().delete()
        CostImpact.objects.bulk_create(
            [
                CostImpact(change_request=change_request, category=c, amount=a)
                for c, a in amounts.items()
                if a
            ]
        )
    moved_from = None
    if change_request.state != State.UNDER_EVALUATION:
        moved_from = _move(actor, change_request, State.UNDER_EVALUATION, record=False)
    else:
        change_request.save()
    changes = audit.diff(before, audit.snapshot(change_request, EVALUATION_FIELDS))
    if moved_from is not None:
        changes["state"] = [moved_from, State.UNDER_EVALUATION]
    if costs is not None:
        changes["costs"] = [None, {c: str(a) for c, a in sorted(costs.items())}]
    audit.record(
        actor=actor,
        action="evaluated",
        obj=change_request,
        organisation_id=change_request.project.organisation_id,
        changes=changes,
    )
    return change_request


def _check_savings(project: Project, amounts: dict[str, Decimal]) -> None:
    for category, amount in amounts.items():
        if amount < 0:
            budget = sum(
                project.budget_lines.filter(category=category).values_list("amount", flat=True),
                Decimal("0"),
            )
            if budget + amount < 0:
                raise ValidationError(
                    {
                        f"cost_{category}": _(
                            "A saving cannot exceed the budget of its category (%(budget)s)."
                        )
                        % {"budget": budget}
                    }
                )


@transaction.atomic
def change_request_send_for_approval(
    *, actor: Actor, change_request: ChangeRequest
) -> ChangeRequest:
    """To the client, or first to an owner or admin when the cost exceeds the
    organisation's threshold."""
    require(permissions.can_manage(actor, change_request.project))
    change_request = _locked(change_request)
    if change_request.state == State.UNDER_EVALUATION and not change_request.recommendation:
        raise ValidationError(
            _("Record the impact and a recommendation first."), code="not_evaluated"
        )
    threshold = change_request.project.organisation.change_approval_threshold
    cost = impact.proposal(change_request).cost
    if (
        threshold is not None
        and cost > threshold
        and change_request.state == State.UNDER_EVALUATION
    ):
        _move(actor, change_request, State.INTERNAL_APPROVAL)
        _notify(change_request, "internal_approval", to_admins=True)
    else:
        _move(actor, change_request, State.AWAITING_APPROVAL)
        _notify(change_request, "awaiting_approval", to_client=True)
    return change_request


@transaction.atomic
def change_request_internal_decide(
    *, actor: Actor, change_request: ChangeRequest, approve: bool, comment: str = ""
) -> ChangeRequest:
    require(permissions.can_approve_internally(actor, change_request.project))
    change_request = _locked(change_request)
    target = State.AWAITING_APPROVAL if approve else State.UNDER_EVALUATION
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("Say what should change.")})
    _move(actor, change_request, target)
    Decision.objects.create(
        change_request=change_request,
        user=actor.user,
        comment=comment.strip(),
        ip=actor.ip,
        kind=Decision.Kind.INTERNAL_APPROVE if approve else Decision.Kind.INTERNAL_RETURN,
        snapshot={
            **_visible_snapshot(change_request),
            "evaluation_notes": change_request.evaluation_notes,
        },
    )
    if approve:
        _notify(change_request, "awaiting_approval", to_client=True)
    else:
        _notify(change_request, "internal_returned", comment=comment)
    return change_request


# --- the client's decision ----------------------------------------------------------------

DECISIONS = {
    "approve": (State.APPROVED, Decision.Kind.APPROVE),
    "reject": (State.REJECTED, Decision.Kind.REJECT),
    "needs_information": (State.NEEDS_INFORMATION, Decision.Kind.NEEDS_INFORMATION),
}


@transaction.atomic
def change_request_decide(
    *, actor: Actor, change_request: ChangeRequest, decision: str, comment: str = ""
) -> Decision:
    """The client's approver decides, seeing exactly the snapshot that is stored with it."""
    if not permissions.can_decide(actor, change_request.project):
        raise PermissionDenied
    if decision not in DECISIONS:
        raise ValidationError(
            {"decision": _("Choose approve, reject or ask for more information.")}
        )
    if decision != "approve" and not comment.strip():
        raise ValidationError({"comment": _("Say why, so the project manager can act on it.")})
    change_request = _locked(change_request)
    target, kind = DECISIONS[decision]
    contact = project_permissions.deciding_contact(actor, change_request.project)
    assert contact is not None  # can_decide found one
    _move(actor, change_request, target, comment=[None, comment.strip() or None])
    record = Decision.objects.create(
        change_request=change_request,
        kind=kind,
        contact=contact,
        comment=comment.strip(),
        snapshot=_visible_snapshot(change_request),
        ip=actor.ip,
    )
    webhook_payloads.change_request_decided(
        change_request, decision=decision, comment=comment.strip(), by=str(contact)
    )
    _notify(change_request, decision, comment=comment)
    recompute_later(change_request.project.client_id)
    return record


# --- implementing and withdrawing ---------------------------------------------------------


@transaction.atomic
def change_request_implement(*, actor: Actor, change_request: ChangeRequest) -> BaselineVersion:
    """Apply the approved impact to the baseline and record it as a new signed version; the
    client's approval of the change is its sign-off."""
    require(permissions.can_manage(actor, change_request.project))
    change_request = _locked(change_request)
    project = Project.objects.select_for_update().get(pk=change_request.project_id)
    if not change_request.can_move_to(State.IMPLEMENTED):
        _move(actor, change_request, State.IMPLEMENTED)  # raises the clear refusal
    latest = baseline.latest_version(project)
    if latest is not None and latest.status == BaselineVersion.Status.SUBMITTED:
        raise ValidationError(
            _(
                "A baseline version awaits the client's sign-off. Withdraw it or "
                "wait for the decision first."
            ),
            code="pending_version",
        )
    if project.rebaseline_reason:
        raise ValidationError(
            _("A re-baseline is in progress. Submit it first."), code="rebaselining"
        )
    approval = (
        change_request.decisions.filter(kind=Decision.Kind.APPROVE).order_by("-decided_at").first()
    )
    proposed = impact.proposal(change_request)
    because = {"change_request": [None, change_request.reference]}
    for move in proposed.moves:
        move.milestone.baseline_date = move.new
        move.milestone.save(update_fields=["baseline_date", "updated_at"])
        audit.record(
            actor=actor,
            action="updated",
            obj=move.milestone,
            organisation_id=project.organisation_id,
            changes={"baseline_date": [move.old.isoformat(), move.new.isoformat()], **because},
        )
    if change_request.schedule_days:
        old_end = project.end_date
        project.end_date = proposed.new_end
        project.save(update_fields=["end_date", "updated_at"])
        audit.record(
            actor=actor,
            action="updated",
            obj=project,
            changes={"end_date": [old_end.isoformat(), project.end_date.isoformat()], **because},
        )
    # The budget may have shrunk since the evaluation: a saving is never cut short silently.
    _check_savings(project, proposed.costs_by_category)
    label = f"{change_request.reference}: {change_request.title}"[:200]
    for category, amount in proposed.costs_by_category.items():
        if amount > 0:
            line = BudgetLine.objects.create(
                project=project, category=category, description=label, amount=amount
            )
            audit.record(
                actor=actor,
                action="created",
                obj=line,
                organisation_id=project.organisation_id,
                changes={
                    **audit.diff({}, audit.snapshot(line, ("category", "description", "amount"))),
                    **because,
                },
            )
        else:
            _reduce(actor, project, category, -amount, because)
    snapshot = baseline.build_snapshot(project)
    client_snapshot = baseline.client_projection(snapshot)
    project.baseline_versions.filter(status=BaselineVersion.Status.SIGNED).update(
        status=BaselineVersion.Status.SUPERSEDED
    )
    version = BaselineVersion.objects.create(
        project=project,
        number=(project.baseline_versions.aggregate(n=Max("number"))["n"] or 0) + 1,
        status=BaselineVersion.Status.SIGNED,
        reason=label,
        snapshot=snapshot,
        client_snapshot=client_snapshot,
        client_snapshot_sha256=baseline.fingerprint(client_snapshot),
        submitted_by=actor.user,
        change_request_ref=change_request.reference,
        decided_by=approval.contact if approval else None,
        decided_at=approval.decided_at if approval else timezone.now(),
        decision_comment=approval.comment if approval else "",
        decision_ip=approval.ip if approval else None,
    )
    change_request.baseline_version = version
    _move(actor, change_request, State.IMPLEMENTED, baseline_version=[None, version.number])
    _notify(change_request, "implemented", to_client=True)
    return version


def _reduce(
    actor: Actor, project: Project, category: str, saving: Decimal, because: dict[str, Any]
) -> None:
    """Take a saving off the category's largest lines first, each cut in the audit trail."""
    for line in project.budget_lines.filter(category=category).order_by("-amount", "-id"):
        if saving <= 0:
            break
        cut = min(line.amount, saving)
        old = line.amount
        line.amount -= cut
        saving -= cut
        line.save(update_fields=["amount", "updated_at"])
        audit.record(
            actor=actor,
            action="updated",
            obj=line,
            organisation_id=project.organisation_id,
            changes={"amount": [str(old), str(line.amount)], **because},
        )


@transaction.atomic
def change_request_withdraw(
    *, actor: Actor, change_request: ChangeRequest, comment: str = ""
) -> ChangeRequest:
    if not permissions.can_withdraw(actor, change_request):
        raise PermissionDenied
    change_request = _locked(change_request)
    _move(actor, change_request, State.WITHDRAWN, comment=[None, comment.strip() or None])
    if actor.is_member:
        _notify(change_request, "withdrawn", to_client=True, comment=comment)
    else:
        _notify(change_request, "withdrawn", comment=comment)
    return change_request
