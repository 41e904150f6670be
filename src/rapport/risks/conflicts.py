"""The conflict register: one function per action. Parties are the organisation's members and
the conflict's client's contacts only; a conflict is closed only with its resolution. Evidence
links (for conflicts and issues) point at records of the same client or project."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.changes.selectors import change_requests_visible_to
from rapport.clients.health_services import recompute_later
from rapport.clients.models import Client, Contact
from rapport.core.forms import MAX_ID
from rapport.core.services import assign, require
from rapport.projects.models import Project
from rapport.projects.selectors import projects_visible_to
from rapport.reports.selectors import reports_visible_to
from rapport.risks import permissions
from rapport.risks.models import Conflict, ConflictStep, Evidence, Issue
from rapport.risks.selectors import issues_visible_to, party_members
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import Organisation, User

CONFLICT_FIELDS = ("title", "description", "impact", "strategy", "escalation_level")
AUDITED = (*CONFLICT_FIELDS, "project", "status", "resolution", "resolved_on", "client_agreed")


def _id(value: Any) -> int | None:
    """An id from a form or a request body, or None when it cannot be one."""
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


def _ids(values: Any, field: str) -> set[int]:
    if values is None:
        return set()
    if isinstance(values, str | int) or not hasattr(values, "__iter__"):
        raise ValidationError({field: _("Enter a list.")})
    ids = {_id(value) for value in values}
    if None in ids:
        raise ValidationError({field: _("Choose from the list.")})
    return {i for i in ids if i is not None}


def _root_causes(values: Any) -> list[str]:
    if isinstance(values, str) or not hasattr(values, "__iter__"):
        raise ValidationError({"root_causes": _("Choose one or more root causes.")})
    causes = list(dict.fromkeys(str(value) for value in values))
    if not causes:
        raise ValidationError(
            {"root_causes": _("Name at least one root cause: where does the conflict come from?")}
        )
    if any(cause not in Conflict.RootCause.values for cause in causes):
        raise ValidationError({"root_causes": _("Choose root causes from the list.")})
    return causes


def _parties(
    actor: Actor, client: Client, team_party_ids: Any, contact_party_ids: Any
) -> tuple[list[User], list[Contact]]:
    """The organisation's members and the client's contacts; anyone else is refused."""
    errors: dict[str, str] = {}
    wanted_members = _ids(team_party_ids, "team_parties")
    members = list(
        party_members(organisation_id=client.organisation_id).filter(pk__in=wanted_members)
    )
    if len(members) != len(wanted_members):
        errors["team_parties"] = _("Choose members of your organisation.")
    wanted_contacts = _ids(contact_party_ids, "contact_parties")
    contacts = list(client.contacts.filter(pk__in=wanted_contacts))
    if len(contacts) != len(wanted_contacts):
        errors["contact_parties"] = _("Choose contacts of %(client)s.") % {"client": client.name}
    if errors:
        raise ValidationError(errors, code="party")
    return members, contacts


def _project(actor: Actor, client: Client, project_id: Any) -> Project | None:
    if project_id in (None, ""):
        return None
    pk = _id(project_id)
    project = projects_visible_to(actor).filter(client=client, pk=pk).first() if pk else None
    if project is None:
        raise ValidationError(
            {"project": _("Choose a project of %(client)s.") % {"client": client.name}}
        )
    return project


def _snapshot(conflict: Conflict, members: list[User], contacts: list[Contact]) -> dict[str, Any]:
    """What the audit trail keeps of a conflict; lists as text, so the history reads them."""
    return {
        **audit.snapshot(conflict, AUDITED),
        "root_causes": ", ".join(conflict.root_causes),
        "team_parties": ", ".join(sorted(str(user) for user in members)),
        "contact_parties": ", ".join(sorted(str(contact) for contact in contacts)),
    }


def _fill(
    actor: Actor,
    conflict: Conflict,
    values: dict[str, Any],
    root_causes: Any,
    team_party_ids: Any,
    contact_party_ids: Any,
    project_id: Any,
) -> tuple[list[User], list[Contact]]:
    errors: dict[str, Any] = {}
    try:
        assign(conflict, CONFLICT_FIELDS, values)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    checks = (
        lambda: setattr(conflict, "root_causes", _root_causes(root_causes)),
        lambda: setattr(conflict, "project", _project(actor, conflict.client, project_id)),
    )
    for check in checks:
        try:
            check()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    members: list[User] = []
    contacts: list[Contact] = []
    try:
        members, contacts = _parties(actor, conflict.client, team_party_ids, contact_party_ids)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        conflict.full_clean(
            exclude=["organisation", "client", "project", "created_by", "number", "root_causes"]
        )
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    return members, contacts


@transaction.atomic
def conflict_create(
    *,
    actor: Actor,
    client: Client,
    title: str,
    root_causes: Any,
    project_id: Any = None,
    team_party_ids: Any = (),
    contact_party_ids: Any = (),
    **values: Any,
) -> Conflict:
    """A conflict in the register of a client (and, if given, one of its projects)."""
    require(permissions.can_record_conflict(actor, client))
    conflict = Conflict(
        organisation_id=client.organisation_id, client=client, created_by=actor.user
    )
    members, contacts = _fill(
        actor,
        conflict,
        {"title": title, **values},
        root_causes,
        team_party_ids,
        contact_party_ids,
        project_id,
    )
    Organisation.objects.select_for_update(of=("self",)).filter(pk=client.organisation_id).first()
    conflict.number = (
        Conflict.objects.filter(organisation_id=client.organisation_id).aggregate(n=Max("number"))[
            "n"
        ]
        or 0
    ) + 1
    conflict.save()
    conflict.team_parties.set(members)
    conflict.contact_parties.set(contacts)
    audit.record(
        actor=actor,
        action="created",
        obj=conflict,
        organisation_id=conflict.organisation_id,
        changes=audit.diff({}, _snapshot(conflict, members, contacts)),
    )
    recompute_later(conflict.client_id)
    return conflict


def _locked(conflict: Conflict) -> Conflict:
    return (
        Conflict.objects.select_for_update(of=("self",))
        .select_related("client", "project")
        .get(pk=conflict.pk)
    )


@transaction.atomic
def conflict_update(
    *,
    actor: Actor,
    conflict: Conflict,
    root_causes: Any = None,
    project_id: Any = "unchanged",
    team_party_ids: Any = None,
    contact_party_ids: Any = None,
    **values: Any,
) -> Conflict:
    """Change what is known about a conflict: its parties, causes, strategy, escalation."""
    require(permissions.can_handle_conflict(actor, conflict))
    conflict = _locked(conflict)
    before_members, before_contacts = (
        list(conflict.team_parties.all()),
        list(conflict.contact_parties.all()),
    )
    before = _snapshot(conflict, before_members, before_contacts)
    members, contacts = _fill(
        actor,
        conflict,
        values,
        conflict.root_causes if root_causes is None else root_causes,
        [u.pk for u in before_members] if team_party_ids is None else team_party_ids,
        [c.pk for c in before_contacts] if contact_party_ids is None else contact_party_ids,
        conflict.project_id if project_id == "unchanged" else project_id,
    )
    conflict.save()
    conflict.team_parties.set(members)
    conflict.contact_parties.set(contacts)
    if changes := audit.diff(before, _snapshot(conflict, members, contacts)):
        audit.record(
            actor=actor,
            action="updated",
            obj=conflict,
            organisation_id=conflict.organisation_id,
            changes=changes,
        )
    recompute_later(conflict.client_id)
    return conflict


def _day(value: Any, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: _("Enter a valid date (YYYY-MM-DD).")}) from None


@transaction.atomic
def conflict_step_add(
    *,
    actor: Actor,
    conflict: Conflict,
    description: str,
    occurred_on: Any = None,
    taken_by_id: Any = None,
) -> ConflictStep:
    """One step on the conflict's timeline: who did what, when."""
    require(permissions.can_handle_conflict(actor, conflict))
    conflict = _locked(conflict)
    step = ConflictStep(
        conflict=conflict,
        occurred_on=timezone.localdate()
        if occurred_on in (None, "")
        else _day(occurred_on, "occurred_on"),
    )
    assign(step, ("description",), {"description": description})
    if not step.description:
        raise ValidationError({"description": _("Say what happened.")}, code="required")
    if taken_by_id in (None, ""):
        step.taken_by = actor.user
    else:
        step.taken_by = (
            party_members(organisation_id=conflict.organisation_id)
            .filter(pk=_id(taken_by_id) or 0)
            .first()
        )
        if step.taken_by is None:
            raise ValidationError({"taken_by": _("Choose members of your organisation.")})
    step.full_clean(exclude=["conflict", "taken_by"])
    step.save()
    audit.record(
        actor=actor,
        action="conflict_step",
        obj=conflict,
        organisation_id=conflict.organisation_id,
        changes={
            "step": [None, step.description],
            "when": [None, step.occurred_on.isoformat()],
            "who": [None, str(step.taken_by) if step.taken_by else None],
        },
    )
    return step


@transaction.atomic
def conflict_close(
    *,
    actor: Actor,
    conflict: Conflict,
    resolution: str,
    resolved_on: Any = None,
    client_agreed: bool | None = None,
) -> Conflict:
    """Close the conflict with its resolution, the day it was reached and whether the client
    agreed. Without a resolution it stays open."""
    require(permissions.can_handle_conflict(actor, conflict))
    conflict = _locked(conflict)
    if not conflict.is_open:
        raise ValidationError(
            _("%(reference)s is already closed.") % {"reference": conflict.reference},
            code="closed",
        )
    before = audit.snapshot(conflict, AUDITED)
    assign(conflict, ("resolution",), {"resolution": resolution})
    if not conflict.resolution:
        raise ValidationError(
            {
                "resolution": _(
                    "A conflict is closed with its resolution: say how it was resolved. "
                    "Nothing was changed."
                )
            },
            code="resolution_required",
        )
    if client_agreed is not None and not isinstance(client_agreed, bool):
        raise ValidationError({"client_agreed": _("Enter true or false.")})
    conflict.resolved_on = (
        timezone.localdate() if resolved_on in (None, "") else _day(resolved_on, "resolved_on")
    )
    conflict.client_agreed = client_agreed
    conflict.status = Conflict.Status.CLOSED
    conflict.full_clean(exclude=["organisation", "client", "project", "created_by", "root_causes"])
    conflict.save()
    audit.record(
        actor=actor,
        action="conflict_closed",
        obj=conflict,
        organisation_id=conflict.organisation_id,
        changes=audit.diff(before, audit.snapshot(conflict, AUDITED)),
    )
    recompute_later(conflict.client_id)
    return conflict


# --- evidence -----------------------------------------------------------------------------


def _one(queryset: QuerySet[Any], value: Any, field: str) -> Any:
    pk = _id(value)
    found = queryset.filter(pk=pk).first() if pk else None
    if found is None:
        raise ValidationError({field: _("Choose a record of this client or project.")})
    return found


@transaction.atomic
def evidence_link(
    *,
    actor: Actor,
    conflict: Conflict | None = None,
    issue: Issue | None = None,
    change_request_id: Any = None,
    status_report_id: Any = None,
    issue_id: Any = None,
    note: str = "",
) -> Evidence:
    """Link a change request, a status report or a shared issue to a conflict (records of its
    client) or to an issue (records of its project), as evidence of what happened."""
    if (conflict is None) == (issue is None):
        raise TypeError("link evidence to one conflict or one issue")
    given = {
        name: value
        for name, value in (
            ("change_request", change_request_id),
            ("status_report", status_report_id),
            ("linked_issue", issue_id),
        )
        if value not in (None, "")
    }
    if len(given) != 1 or (issue is not None and "linked_issue" in given):
        raise ValidationError(_("Choose one record to link."), code="one_record")
    if conflict is not None:
        require(permissions.can_handle_conflict(actor, conflict))
        scope: dict[str, Any] = {"project__client_id": conflict.client_id}
        evidence = Evidence(conflict=conflict, created_by=actor.user)
        owner: Conflict | Issue = conflict
        organisation_id = conflict.organisation_id
    else:
        assert issue is not None
        require(permissions.can_record(actor, issue.project))
        scope = {"project_id": issue.project_id}
        evidence = Evidence(issue=issue, created_by=actor.user)
        owner = issue
        organisation_id = issue.project.organisation_id
    ((name, value),) = given.items()
    sources = {
        "change_request": change_requests_visible_to(actor),
        "status_report": reports_visible_to(actor).filter(published_at__isnull=False),
        "linked_issue": issues_visible_to(actor),
    }
    target = _one(sources[name].filter(**scope), value, name)
    setattr(evidence, name, target)
    assign(evidence, ("note",), {"note": note})
    if Evidence.objects.filter(conflict=conflict, issue=issue, **{name: target}).exists():
        raise ValidationError(
            {name: _("%(record)s is already linked.") % {"record": str(target)}}, code="linked"
        )
    evidence.full_clean(
        exclude=[
            "conflict",
            "issue",
            "change_request",
            "status_report",
            "linked_issue",
            "created_by",
        ]
    )
    evidence.save()
    audit.record(
        actor=actor,
        action="evidence_linked",
        obj=owner,
        organisation_id=organisation_id,
        changes={"evidence": [None, str(target)], "note": [None, evidence.note or None]},
    )
    return evidence
