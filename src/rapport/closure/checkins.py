"""Check-ins after closure: planned when a project closes with the client's key contacts
(sponsors and decision makers of the stakeholder register, else the client's approvers), at
the organisation's months after closing; recorded as touchpoints."""

from __future__ import annotations

import calendar
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.clients.models import Contact
from rapport.closure import permissions
from rapport.closure.models import CheckIn, ClosureSettings, default_checkin_months
from rapport.communication.channels import Channel
from rapport.communication.models import Interaction, Stakeholder
from rapport.communication.services import interaction_log
from rapport.core.services import require
from rapport.projects.models import Project
from rapport.projects.selectors import projects_visible_to
from rapport.tenancy.actors import Actor

KEY_ROLES = (Stakeholder.Role.SPONSOR, Stakeholder.Role.DECISION_MAKER)
MAX_MONTHS = 120
MAX_CHECKINS = 12


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def checkin_months(organisation_id: int) -> list[int]:
    settings = ClosureSettings.objects.filter(organisation_id=organisation_id).first()
    return list(settings.checkin_months) if settings else default_checkin_months()


def key_contacts(project: Project) -> list[Contact]:
    contacts = list(
        Contact.objects.filter(
            client_id=project.client_id,
            stakeholder_roles__project=project,
            stakeholder_roles__role__in=KEY_ROLES,
        )
        .distinct()
        .order_by("full_name", "id")
    )
    if contacts:
        return contacts
    return list(
        Contact.objects.filter(client_id=project.client_id, is_approver=True).order_by(
            "full_name", "id"
        )
    )


def plan(*, actor: Actor, project: Project, closed_on: date) -> list[CheckIn]:
    """Called by ``closure_close`` inside its transaction; idempotent."""
    planned = []
    for contact in key_contacts(project):
        for months in checkin_months(project.organisation_id):
            checkin, created = CheckIn.objects.get_or_create(
                project=project,
                contact=contact,
                months=months,
                defaults={"due_on": add_months(closed_on, months)},
            )
            if created:
                planned.append(checkin)
    if planned:
        audit.record(
            actor=actor,
            action="checkins_planned",
            obj=project,
            changes={
                "checkins": [
                    None,
                    [f"{c.contact.full_name} {c.due_on.isoformat()}" for c in planned],
                ]
            },
        )
    return planned


def checkins_due(*, actor: Actor, today: date | None = None) -> QuerySet[CheckIn]:
    """The check-ins due on the projects the actor manages, oldest first."""
    if not actor.is_member or actor.user is None:
        return CheckIn.objects.none()
    return (
        CheckIn.objects.filter(
            project__in=projects_visible_to(actor).filter(pm=actor.user),
            done_at__isnull=True,
            due_on__lte=today or timezone.localdate(),
        )
        .select_related("project__client", "contact")
        .order_by("due_on", "id")
    )


def project_checkins(*, project: Project) -> QuerySet[CheckIn]:
    return project.checkins.select_related("contact", "interaction").order_by("due_on", "id")


@transaction.atomic
def checkin_record(
    *,
    actor: Actor,
    checkin: CheckIn,
    channel: str,
    summary: str,
    occurred_at: datetime | None = None,
) -> Interaction:
    """Record the conversation as a touchpoint with that contact; the check-in is done."""
    project = checkin.project
    require(permissions.can_manage(actor, project))
    checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if checkin.done_at is not None:
        raise ValidationError(_("This check-in is already recorded."))
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Choose a channel.")})
    if not summary.strip():
        raise ValidationError({"summary": _("Say what you talked about.")})
    interaction = interaction_log(
        actor=actor,
        client=project.client,
        project=project,
        contacts=[checkin.contact],
        occurred_at=occurred_at or timezone.now(),
        channel=channel,
        direction=Interaction.Direction.OUTBOUND,
        summary=summary,
    )
    checkin.done_at, checkin.interaction = timezone.now(), interaction
    checkin.save(update_fields=["done_at", "interaction", "updated_at"])
    audit.record(
        actor=actor,
        action="checked_in",
        obj=checkin,
        organisation_id=project.organisation_id,
        changes={"done_at": [None, checkin.done_at.isoformat()]},
    )
    return interaction


@transaction.atomic
def checkin_months_update(*, actor: Actor, months: str) -> ClosureSettings:
    """Admins set when to check in: month numbers after closing, e.g. "1, 3, 6, 12"."""
    require(actor.is_admin)
    values: set[int] = set()
    for part in months.replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isascii() or not part.isdigit() or not 1 <= int(part) <= MAX_MONTHS:
            raise ValidationError(
                {"months": _("Give whole numbers of months from 1 to 120, separated by commas.")}
            )
        values.add(int(part))
    if not values or len(values) > MAX_CHECKINS:
        raise ValidationError({"months": _("Give between one and twelve check-ins.")})
    settings, _created = ClosureSettings.objects.select_for_update().get_or_create(
        organisation_id=actor.organisation_id
    )
    before = list(settings.checkin_months)
    settings.checkin_months = sorted(values)
    settings.save()
    if before != settings.checkin_months:
        audit.record(
            actor=actor,
            action="updated",
            obj=settings,
            organisation_id=actor.organisation_id,
            changes={"checkin_months": [before, settings.checkin_months]},
        )
    return settings
