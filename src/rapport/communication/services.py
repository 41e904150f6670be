"""Writes for the stakeholder register, the communication plan and the touchpoint log; one
function per action, each with its permission check and audit event."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.clients.models import Client, Contact
from rapport.communication import channels, permissions
from rapport.communication.models import Interaction, PlanItem, Stakeholder
from rapport.core.services import assign, require
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import Membership

STAKEHOLDER_FIELDS = ("role", "influence", "interest", "notes")
PLAN_FIELDS = (
    "title",
    "channel",
    "kind",
    "cadence_days",
    "starts_on",
    "fulfilled_by",
    "active",
)
INTERACTION_FIELDS = (
    "occurred_at",
    "channel",
    "direction",
    "summary",
    "follow_ups",
    "kind",
)
FUTURE_TOLERANCE = timedelta(minutes=10)  # clocks differ a little


def _contacts_of(client: Client, contacts: Iterable[Contact], field: str) -> list[Contact]:
    chosen = list(contacts)
    if any(contact.client_id != client.pk for contact in chosen):
        raise ValidationError(
            {field: _("Choose contacts of %(client)s.") % {"client": client.name}},
            code="foreign_contact",
        )
    return chosen


# --- the register -----------------------------------------------------------------------------


@transaction.atomic
def stakeholder_add(
    *, actor: Actor, project: Project, contact: Contact, **values: Any
) -> Stakeholder:
    require(permissions.can_plan(actor, project))
    _contacts_of(project.client, [contact], "contact")
    stakeholder = Stakeholder(project=project, contact=contact)
    assign(stakeholder, STAKEHOLDER_FIELDS, values)
    stakeholder.full_clean(exclude=["project", "contact"])
    try:
        with transaction.atomic():
            stakeholder.save()
    except IntegrityError:
        raise ValidationError(
            {"contact": _("%(name)s is already in this project's register.") % {"name": contact}},
            code="duplicate",
        ) from None
    audit.record(
        actor=actor,
        action="created",
        obj=stakeholder,
        organisation_id=project.organisation_id,
        changes=audit.diff({}, audit.snapshot(stakeholder, ("contact_id", *STAKEHOLDER_FIELDS))),
    )
    return stakeholder


@transaction.atomic
def stakeholder_update(*, actor: Actor, stakeholder: Stakeholder, **values: Any) -> Stakeholder:
    require(permissions.can_plan(actor, stakeholder.project))
    stakeholder = (
        Stakeholder.objects.select_for_update().select_related("project").get(pk=stakeholder.pk)
    )
    before = audit.snapshot(stakeholder, STAKEHOLDER_FIELDS)
    assign(stakeholder, STAKEHOLDER_FIELDS, values)
    stakeholder.full_clean(exclude=["project", "contact"])
    stakeholder.save()
    if changes := audit.diff(before, audit.snapshot(stakeholder, STAKEHOLDER_FIELDS)):
        audit.record(
            actor=actor,
            action="updated",
            obj=stakeholder,
            organisation_id=stakeholder.project.organisation_id,
            changes=changes,
        )
    return stakeholder


@transaction.atomic
def stakeholder_remove(*, actor: Actor, stakeholder: Stakeholder) -> None:
    require(permissions.can_plan(actor, stakeholder.project))
    audit.record(
        actor=actor,
        action="deleted",
        obj=stakeholder,
        organisation_id=stakeholder.project.organisation_id,
        changes=audit.removal(audit.snapshot(stakeholder, ("contact_id", *STAKEHOLDER_FIELDS))),
    )
    stakeholder.delete()


# --- the plan -----------------------------------------------------------------------------------


def _check_owner(project: Project, item: PlanItem) -> None:
    if not Membership.objects.filter(
        organisation_id=project.organisation_id, user_id=item.owner_id
    ).exists():
        raise ValidationError({"owner": _("Choose a member of your organisation.")})


@transaction.atomic
def plan_item_create(
    *, actor: Actor, project: Project, audience: Iterable[Contact], owner_id: int, **values: Any
) -> PlanItem:
    require(permissions.can_plan(actor, project))
    item = PlanItem(project=project, owner_id=owner_id)
    assign(item, PLAN_FIELDS, values)
    if item.starts_on is None:
        item.starts_on = timezone.localdate()
    chosen = _contacts_of(project.client, audience, "audience")
    _check_owner(project, item)
    item.full_clean(exclude=["project", "owner"])
    item.save()
    item.audience.set(chosen)
    audit.record(
        actor=actor,
        action="created",
        obj=item,
        organisation_id=project.organisation_id,
        changes={
            **audit.diff({}, audit.snapshot(item, ("owner_id", *PLAN_FIELDS))),
            "audience": [None, sorted(contact.full_name for contact in chosen)],
        },
    )
    return item


@transaction.atomic
def plan_item_update(
    *,
    actor: Actor,
    item: PlanItem,
    audience: Iterable[Contact] | None = None,
    owner_id: int | None = None,
    **values: Any,
) -> PlanItem:
    require(permissions.can_plan(actor, item.project))
    item = PlanItem.objects.select_for_update().select_related("project__client").get(pk=item.pk)
    fields = ("owner_id", *PLAN_FIELDS)
    before = audit.snapshot(item, fields)
    before_audience = sorted(contact.full_name for contact in item.audience.all())
    assign(item, PLAN_FIELDS, values)
    if owner_id is not None:
        item.owner_id = owner_id
        _check_owner(item.project, item)
    item.full_clean(exclude=["project", "owner"])
    item.save()
    changes = audit.diff(before, audit.snapshot(item, fields))
    if audience is not None:
        chosen = _contacts_of(item.project.client, audience, "audience")
        item.audience.set(chosen)
        after_audience = sorted(contact.full_name for contact in chosen)
        if after_audience != before_audience:
            changes["audience"] = [before_audience, after_audience]
    if changes:
        audit.record(
            actor=actor,
            action="updated",
            obj=item,
            organisation_id=item.project.organisation_id,
            changes=changes,
        )
    return item


@transaction.atomic
def plan_item_delete(*, actor: Actor, item: PlanItem) -> None:
    """Touchpoints that fulfilled it stay in the log."""
    require(permissions.can_plan(actor, item.project))
    audit.record(
        actor=actor,
        action="deleted",
        obj=item,
        organisation_id=item.project.organisation_id,
        changes=audit.removal(audit.snapshot(item, PLAN_FIELDS)),
    )
    item.delete()


# --- the log ------------------------------------------------------------------------------------


@transaction.atomic
def interaction_log(
    *,
    actor: Actor,
    client: Client,
    project: Project | None = None,
    contacts: Iterable[Contact] = (),
    plan_item: PlanItem | None = None,
    **values: Any,
) -> Interaction:
    """Record a touchpoint as it happened; the channel is checked against the kind of message
    (the PM may choose otherwise: that is recorded, not refused)."""
    require(permissions.can_log(actor, client, project))
    interaction = Interaction(
        organisation_id=client.organisation_id,
        client=client,
        project=project,
        created_by=actor.user,
    )
    assign(interaction, INTERACTION_FIELDS, values)
    chosen = _contacts_of(client, contacts, "contacts")
    if plan_item is not None and (project is None or plan_item.project_id != project.pk):
        raise ValidationError(
            {"plan_item": _("Choose an item of this project's communication plan.")},
            code="foreign_plan_item",
        )
    interaction.plan_item = plan_item
    occurred_at: datetime | None = interaction.occurred_at
    if occurred_at is not None and occurred_at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError(
            {"occurred_at": _("A touchpoint is logged once it has happened, not in advance.")},
            code="future",
        )
    advice = channels.advise(interaction.kind)
    interaction.channel_suited = advice.follows(interaction.channel) if advice else None
    interaction.full_clean(exclude=["organisation", "client", "project", "plan_item"])
    interaction.save()
    interaction.contacts.set(chosen)
    audit.record(
        actor=actor,
        action="created",
        obj=interaction,
        organisation_id=client.organisation_id,
        changes={
            **audit.diff({}, audit.snapshot(interaction, (*INTERACTION_FIELDS, "channel_suited"))),
            "contacts": [None, sorted(contact.full_name for contact in chosen)],
        },
    )
    return interaction


@transaction.atomic
def interaction_delete(*, actor: Actor, interaction: Interaction) -> None:
    require(permissions.can_delete(actor, interaction))
    audit.record(
        actor=actor,
        action="deleted",
        obj=interaction,
        organisation_id=interaction.organisation_id,
        changes=audit.removal(audit.snapshot(interaction, INTERACTION_FIELDS)),
    )
    interaction.delete()
