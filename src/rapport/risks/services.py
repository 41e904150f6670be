"""Risks and issues: one function per action. A risk that occurs becomes an issue; an issue is
shared with the client only with a proposed solution, notifies the client's portal contacts,
and once shared is never hidden again — it can only be resolved."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.clients.health_services import recompute_later
from rapport.clients.selectors import client_portal_contacts
from rapport.core.services import assign, require
from rapport.notify.services import email_queue
from rapport.projects.models import Project
from rapport.risks import permissions
from rapport.risks.models import LEVELS, Issue, Risk
from rapport.risks.selectors import owners_for
from rapport.tenancy.actors import Actor
from rapport.webhooks import payloads as webhook_payloads

RISK_FIELDS = (
    "title",
    "cause",
    "probability",
    "impact",
    "mitigation",
    "contingency",
    "trigger",
    "review_date",
)
RISK_AUDITED = (*RISK_FIELDS, "score", "owner", "status", "client_visible")
ISSUE_FIELDS = (
    "title",
    "description",
    "affects_schedule",
    "affects_budget",
    "affects_quality",
    "impact",
    "proposed_solution",
    "due_date",
)
ISSUE_AUDITED = (*ISSUE_FIELDS, "owner", "status", "client_visible", "resolution")
# A risk occurs through ``risk_occurred`` (which opens its issue), never by an edit.
RISK_EDITABLE_STATUSES = (Risk.Status.OPEN, Risk.Status.MITIGATING, Risk.Status.CLOSED)
ISSUE_EDITABLE_STATUSES = (Issue.Status.OPEN, Issue.Status.IN_PROGRESS)


# --- checks -------------------------------------------------------------------------------


def _level(value: Any, field: str) -> int:
    """A probability or an impact: a whole number from 1 to 5."""
    low, high = LEVELS
    messages = {
        "probability": _("Choose a probability from 1 (rare) to 5 (almost certain)."),
        "impact": _("Choose an impact from 1 (minimal) to 5 (severe)."),
    }
    if isinstance(value, bool):
        raise ValidationError({field: messages[field]}, code="out_of_range")
    try:
        level = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({field: messages[field]}, code="out_of_range") from None
    if not low <= level <= high:
        raise ValidationError({field: messages[field]}, code="out_of_range")
    return level


def _owner(project: Project, owner_id: Any) -> Any:
    try:
        owner = owners_for(project=project).filter(pk=int(owner_id)).first()
    except (TypeError, ValueError, OverflowError):
        owner = None
    if owner is None:
        raise ValidationError({"owner": _("Choose someone on the project's team.")}, code="owner")
    return owner


def _next_number(project: Project, model: type[Risk] | type[Issue]) -> int:
    Project.objects.select_for_update(of=("self",)).filter(pk=project.pk).first()
    return (model.objects.filter(project=project).aggregate(n=Max("number"))["n"] or 0) + 1


def _clean(obj: Risk | Issue) -> None:
    obj.full_clean(exclude=["project", "owner", "created_by", "shared_by", "from_risk"])


def _date(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: _("Enter a valid date (YYYY-MM-DD).")}) from None


# --- risks --------------------------------------------------------------------------------


def _risk_values(risk: Risk, values: dict[str, Any]) -> None:
    errors: dict[str, Any] = {}
    for field in ("probability", "impact"):
        if field in values:
            try:
                values[field] = _level(values[field], field)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    if "review_date" in values:
        values["review_date"] = _date(values["review_date"], "review_date")
    assign(risk, RISK_FIELDS, values)
    risk.score = risk.probability * risk.impact


@transaction.atomic
def risk_create(
    *,
    actor: Actor,
    project: Project,
    title: str,
    probability: Any,
    impact: Any,
    owner_id: Any,
    client_visible: bool = False,
    **values: Any,
) -> Risk:
    """A new open risk in the project's register."""
    require(permissions.can_record(actor, project))
    if client_visible:
        require(permissions.can_share(actor, project))
    risk = Risk(project=project, created_by=actor.user, client_visible=bool(client_visible))
    _risk_values(risk, {"title": title, "probability": probability, "impact": impact, **values})
    risk.owner = _owner(project, owner_id)
    risk.number = 0
    _clean(risk)
    risk.number = _next_number(project, Risk)
    risk.save()
    audit.record(
        actor=actor,
        action="created",
        obj=risk,
        organisation_id=project.organisation_id,
        changes=audit.diff({}, audit.snapshot(risk, RISK_AUDITED)),
    )
    return risk


@transaction.atomic
def risk_update(
    *,
    actor: Actor,
    risk: Risk,
    owner_id: Any = None,
    status: str | None = None,
    client_visible: bool | None = None,
    **values: Any,
) -> Risk:
    """Change what is known about a risk, its status (open, mitigating, closed) or, for the
    project's managers, whether the client sees it. An occurred risk is history: its issue
    carries on."""
    require(permissions.can_record(actor, risk.project))
    risk = (
        Risk.objects.select_for_update(of=("self",))
        .select_related("project", "owner")
        .get(pk=risk.pk)
    )
    if client_visible is not None and bool(client_visible) != risk.client_visible:
        require(permissions.can_share(actor, risk.project))
    if risk.status == Risk.Status.OCCURRED:
        raise ValidationError(
            _("%(reference)s has occurred; its issue carries on. Nothing was changed.")
            % {"reference": risk.reference},
            code="occurred",
        )
    before = audit.snapshot(risk, RISK_AUDITED)
    if client_visible is not None:
        risk.client_visible = bool(client_visible)
    _risk_values(risk, values)
    if owner_id is not None:
        risk.owner = _owner(risk.project, owner_id)
    if status is not None and status != risk.status:
        if status == Risk.Status.OCCURRED:
            raise ValidationError(
                {"status": _("Record that it happened with “It happened”: that opens its issue.")}
            )
        if status not in RISK_EDITABLE_STATUSES:
            raise ValidationError({"status": _("Choose open, mitigating or closed.")})
        risk.status = status
    _clean(risk)
    risk.save()
    if changes := audit.diff(before, audit.snapshot(risk, RISK_AUDITED)):
        audit.record(
            actor=actor,
            action="updated",
            obj=risk,
            organisation_id=risk.project.organisation_id,
            changes=changes,
        )
    return risk


@transaction.atomic
def risk_occurred(*, actor: Actor, risk: Risk, description: str = "") -> Issue:
    """The risk happened: it becomes an issue of the project, owned by the risk's owner, its
    contingency plan the proposed solution to start from. The issue is internal until shared."""
    require(permissions.can_record(actor, risk.project))
    risk = (
        Risk.objects.select_for_update(of=("self",))
        .select_related("project", "owner")
        .get(pk=risk.pk)
    )
    if not risk.is_open:
        raise ValidationError(
            _("%(reference)s is “%(status)s”; only an open risk can occur. Nothing was changed.")
            % {"reference": risk.reference, "status": risk.get_status_display()},
            code="not_open",
        )
    project = risk.project
    issue = Issue(
        project=project,
        from_risk=risk,
        owner=risk.owner,
        created_by=actor.user,
        number=0,
    )
    assign(
        issue,
        ("title", "description", "proposed_solution"),
        {
            "title": risk.title,
            "description": description or risk.trigger or risk.cause,
            "proposed_solution": risk.contingency,
        },
    )
    _clean(issue)
    issue.number = _next_number(project, Issue)
    issue.save()
    before = risk.status
    risk.status = Risk.Status.OCCURRED
    risk.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="risk_occurred",
        obj=risk,
        organisation_id=project.organisation_id,
        changes={"status": [before, risk.status], "issue": [None, issue.reference]},
    )
    audit.record(
        actor=actor,
        action="created",
        obj=issue,
        organisation_id=project.organisation_id,
        changes={
            **audit.diff({}, audit.snapshot(issue, ISSUE_AUDITED)),
            "from_risk": [None, risk.reference],
        },
    )
    recompute_later(issue.project.client_id)
    return issue


# --- issues -------------------------------------------------------------------------------


def _issue_values(issue: Issue, values: dict[str, Any]) -> None:
    for flag in ("affects_schedule", "affects_budget", "affects_quality"):
        if flag in values:
            values[flag] = bool(values[flag])
    if "due_date" in values:
        values["due_date"] = _date(values["due_date"], "due_date")
    assign(issue, ISSUE_FIELDS, values)


@transaction.atomic
def issue_create(
    *, actor: Actor, project: Project, title: str, owner_id: Any, **values: Any
) -> Issue:
    """A problem that happened, in the project's issue log; internal until shared."""
    require(permissions.can_record(actor, project))
    issue = Issue(project=project, created_by=actor.user, number=0)
    _issue_values(issue, {"title": title, **values})
    issue.owner = _owner(project, owner_id)
    _clean(issue)
    issue.number = _next_number(project, Issue)
    issue.save()
    audit.record(
        actor=actor,
        action="created",
        obj=issue,
        organisation_id=project.organisation_id,
        changes=audit.diff({}, audit.snapshot(issue, ISSUE_AUDITED)),
    )
    recompute_later(issue.project.client_id)
    return issue


def _locked(issue: Issue) -> Issue:
    return (
        Issue.objects.select_for_update(of=("self",))
        .select_related("project__client", "project__organisation", "owner")
        .get(pk=issue.pk)
    )


def _refuse_hiding(issue: Issue) -> None:
    raise ValidationError(
        {
            "client_visible": _(
                "%(reference)s was shared with the client on %(date)s and stays visible to "
                "them: a problem is never silently withdrawn. Resolve it instead."
            )
            % {
                "reference": issue.reference,
                "date": timezone.localtime(issue.shared_at).date().isoformat()
                if issue.shared_at
                else "",
            }
        },
        code="shared",
    )


@transaction.atomic
def issue_update(
    *,
    actor: Actor,
    issue: Issue,
    owner_id: Any = None,
    status: str | None = None,
    client_visible: bool | None = None,
    **values: Any,
) -> Issue:
    """Change an issue: what it is, its impact, the proposed solution, its owner, due date and
    status (open or in progress; a resolved issue can be reopened). ``client_visible=True``
    shares it (see ``issue_share``); hiding a shared issue is refused."""
    require(permissions.can_record(actor, issue.project))
    issue = _locked(issue)
    if client_visible is not None and not client_visible and issue.is_shared:
        _refuse_hiding(issue)
    before = audit.snapshot(issue, ISSUE_AUDITED)
    _issue_values(issue, values)
    if owner_id is not None:
        issue.owner = _owner(issue.project, owner_id)
    if status is not None and status != issue.status:
        if status == Issue.Status.RESOLVED:
            raise ValidationError(
                {"status": _("Resolve it with “Resolve”, saying how it was resolved.")}
            )
        if status not in ISSUE_EDITABLE_STATUSES:
            raise ValidationError({"status": _("Choose open or in progress.")})
        issue.status = status
        issue.resolved_at = None
    if issue.is_shared and not issue.proposed_solution:
        raise ValidationError(
            {
                "proposed_solution": _(
                    "The client was shown this issue with a proposed solution: keep one."
                )
            },
            code="solution_required",
        )
    _clean(issue)
    issue.save()
    if changes := audit.diff(before, audit.snapshot(issue, ISSUE_AUDITED)):
        audit.record(
            actor=actor,
            action="updated",
            obj=issue,
            organisation_id=issue.project.organisation_id,
            changes=changes,
        )
    if client_visible and not issue.is_shared:
        _share(actor, issue)
    recompute_later(issue.project.client_id)
    return issue


@transaction.atomic
def issue_share(*, actor: Actor, issue: Issue) -> Issue:
    """Show the issue to the client, with its impact and proposed solution, and tell the
    client's portal contacts. Refused without a proposed solution: a problem is never
    reported without a way forward."""
    require(permissions.can_record(actor, issue.project))
    issue = _locked(issue)
    if issue.is_shared:
        raise ValidationError(
            _("%(reference)s is already shared with the client.") % {"reference": issue.reference},
            code="shared",
        )
    _share(actor, issue)
    return issue


def _share(actor: Actor, issue: Issue) -> None:
    require(permissions.can_share(actor, issue.project))
    if not issue.proposed_solution.strip():
        raise ValidationError(
            {
                "proposed_solution": _(
                    "Write the proposed solution first: a problem is never reported to the "
                    "client without a way forward. Nothing was shared."
                )
            },
            code="solution_required",
        )
    if issue.project.published_at is None:
        raise ValidationError(
            _(
                "The project is not in the client portal yet: publish it first, so the client "
                "can see what you share. Nothing was shared."
            ),
            code="unpublished",
        )
    issue.client_visible = True
    issue.shared_at = timezone.now()
    issue.shared_by = actor.user
    issue.save(update_fields=["client_visible", "shared_at", "shared_by", "updated_at"])
    audit.record(
        actor=actor,
        action="issue_shared",
        obj=issue,
        organisation_id=issue.project.organisation_id,
        changes={
            "client_visible": [False, True],
            "proposed_solution": [None, issue.proposed_solution],
        },
    )
    webhook_payloads.issue_shared(issue)
    _tell_client(issue, "shared")


@transaction.atomic
def issue_resolve(*, actor: Actor, issue: Issue, resolution: str) -> Issue:
    """The problem is solved: say how. A shared issue's resolution is shown to the client and
    its portal contacts are told."""
    require(permissions.can_record(actor, issue.project))
    issue = _locked(issue)
    if not issue.is_open:
        raise ValidationError(
            _("%(reference)s is already resolved.") % {"reference": issue.reference},
            code="resolved",
        )
    before = audit.snapshot(issue, ISSUE_AUDITED)
    assign(issue, ("resolution",), {"resolution": resolution})
    if not issue.resolution:
        raise ValidationError({"resolution": _("Say how it was resolved.")}, code="required")
    issue.status = Issue.Status.RESOLVED
    issue.resolved_at = timezone.now()
    _clean(issue)
    issue.save()
    audit.record(
        actor=actor,
        action="issue_resolved",
        obj=issue,
        organisation_id=issue.project.organisation_id,
        changes=audit.diff(before, audit.snapshot(issue, ISSUE_AUDITED)),
    )
    if issue.is_shared:
        _tell_client(issue, "resolved")
    recompute_later(issue.project.client_id)
    return issue


def _tell_client(issue: Issue, event: str) -> None:
    """Each portal contact of the project's client, by email in their own language."""
    project = issue.project
    link = (
        settings.SITE_URL + reverse("portal_risks:list", args=[project.pk]) + f"#{issue.reference}"
    )
    for contact in client_portal_contacts(client_id=project.client_id).exclude(email=""):
        email_queue(
            to=contact.email,
            template="issue",
            language=contact.language,
            kind=f"issue_{event}",
            organisation_id=project.organisation_id,
            context={
                "name": contact.full_name,
                "event": event,
                "project": project.name,
                "reference": issue.reference,
                "title": issue.title,
                "description": issue.description,
                "impact": issue.impact,
                "affects_schedule": issue.affects_schedule,
                "affects_budget": issue.affects_budget,
                "affects_quality": issue.affects_quality,
                "proposed_solution": issue.proposed_solution,
                "resolution": issue.resolution,
                "link": link,
            },
        )
