"""Scheduling client meetings and building their agendas: one function per action, each with
its permission check, its audit event, and the calendar invitations it owes the attendees."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.changes.models import OPEN_STATES, ChangeRequest
from rapport.changes.models import State as ChangeState
from rapport.clients.models import Contact
from rapport.communication.models import PlanItem
from rapport.core.forms import MAX_ID
from rapport.core.services import assign, require
from rapport.meetings import invitations, permissions, recurrence
from rapport.meetings.models import (
    ActionItem,
    AgendaItem,
    Kind,
    Meeting,
    MeetingSeries,
)
from rapport.projects.models import Milestone, Project
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import User

MEETING_FIELDS = ("title", "kind", "place", "video_link")
CALENDAR_FIELDS = ("title", "start", "end", "time_zone", "place", "video_link")
AUDITED = ("title", "kind", "start", "end", "time_zone", "place", "video_link", "state")
AGENDA_FIELDS = ("title", "time_box", "order")
LONGEST = timedelta(hours=12)
LINKS: dict[str, str] = {  # what a carried agenda item links to
    AgendaItem.Source.ACTION_ITEM: "action_item_id",
    AgendaItem.Source.MILESTONE: "milestone_id",
    AgendaItem.Source.CHANGE_REQUEST: "change_request_id",
}


# --- who may attend -------------------------------------------------------------------------


def _ids(values: Iterable[Any], field: str) -> set[int]:
    try:
        ids = {int(value) for value in values}
    except (TypeError, ValueError):
        raise ValidationError({field: _("Choose from the list.")}) from None
    if any(not 0 < pk <= MAX_ID for pk in ids):
        raise ValidationError({field: _("Choose from the list.")})
    return ids


def team_members(project: Project, ids: Iterable[Any], field: str) -> list[User]:
    """Active members of the project's organisation, or a clear refusal."""
    wanted = _ids(ids, field)
    found = list(
        User.objects.filter(
            pk__in=wanted,
            is_active=True,
            memberships__organisation_id=project.organisation_id,
        ).distinct()
    )
    if len(found) != len(wanted):
        raise ValidationError(
            {field: _("Choose members of your organisation.")}, code="foreign_member"
        )
    return sorted(found, key=lambda user: (user.full_name, user.pk))


def client_contacts(project: Project, ids: Iterable[Any], field: str) -> list[Contact]:
    """Contacts of the project's own client, or a clear refusal (another client's are not
    invited to this client's meetings)."""
    wanted = _ids(ids, field)
    found = list(Contact.objects.filter(pk__in=wanted, client_id=project.client_id))
    if len(found) != len(wanted):
        raise ValidationError(
            {field: _("Choose contacts of %(client)s.") % {"client": project.client.name}},
            code="foreign_contact",
        )
    return sorted(found, key=lambda contact: (contact.full_name, contact.pk))


def _plan_item(project: Project, plan_item_id: int | None) -> PlanItem | None:
    if plan_item_id is None:
        return None
    item = PlanItem.objects.filter(
        pk__in=_ids([plan_item_id], "plan_item"), project=project
    ).first()
    if item is None:
        raise ValidationError(
            {"plan_item": _("Choose an item of this project's communication plan.")},
            code="foreign_plan_item",
        )
    return item


def _times(start: datetime, end: datetime, time_zone: str) -> tuple[datetime, datetime]:
    recurrence.zone(time_zone)
    start = recurrence.localise(start, time_zone, "start")
    end = recurrence.localise(end, time_zone, "end")
    if end <= start:
        raise ValidationError(
            {"end": _("The meeting ends before it starts: choose an end after the start.")},
            code="ends_before_start",
        )
    if end - start > LONGEST:
        raise ValidationError({"end": _("A meeting lasts at most 12 hours.")}, code="too_long")
    return start, end


def _locked_project(project: Project) -> Project:
    return (
        Project.objects.select_for_update(of=("self",)).select_related("client").get(pk=project.pk)
    )


# --- scheduling -------------------------------------------------------------------------------


@transaction.atomic
def meeting_schedule(
    *,
    actor: Actor,
    project: Project,
    title: str,
    start: datetime,
    end: datetime,
    time_zone: str,
    kind: str = Kind.STATUS,
    place: str = "",
    video_link: str = "",
    attendee_ids: Iterable[Any] = (),
    contact_ids: Iterable[Any] = (),
    plan_item_id: int | None = None,
    frequency: str = "",
    until: date | None = None,
    count: int | None = None,
) -> Meeting:
    """Schedule a meeting, or a series from one definition (weekly, fortnightly, monthly, up
    to a date or a number of occurrences), and invite its attendees. Returns the (first)
    meeting."""
    require(permissions.can_manage(actor, project))
    project = _locked_project(project)
    start, end = _times(start, end, time_zone)
    team = team_members(project, attendee_ids, "attendees")
    contacts = client_contacts(project, contact_ids, "client_attendees")
    plan_item = _plan_item(project, plan_item_id)
    starts = [start]
    if frequency:
        starts = recurrence.starts(start, frequency=frequency, until=until, count=count)
    elif until is not None or count is not None:
        raise ValidationError({"frequency": _("Choose how often the meeting repeats.")})
    assert actor.user is not None
    template = Meeting(project=project, organiser=actor.user, time_zone=time_zone, number=0)
    assign(
        template,
        MEETING_FIELDS,
        {"title": title, "kind": kind, "place": place, "video_link": video_link},
    )
    template.start, template.end = start, end
    template.uid = "-"
    template.full_clean(exclude=["project", "organiser", "series", "plan_item", "interaction"])
    series = None
    uid = f"{uuid.uuid4()}@rapport"
    if frequency:
        series = MeetingSeries.objects.create(
            project=project,
            frequency=frequency,
            until=until,
            count=count,
            time_zone=time_zone,
            uid=uid,
        )
    number = project.meetings.aggregate(n=Max("number"))["n"] or 0
    length = end - start
    meetings = []
    for occurrence in starts:
        number += 1
        meeting = Meeting(
            project=project,
            number=number,
            series=series,
            organiser=actor.user,
            title=template.title,
            kind=template.kind,
            start=occurrence,
            end=occurrence + length,
            time_zone=time_zone,
            place=template.place,
            video_link=template.video_link,
            plan_item=plan_item,
            uid=uid,
            recurrence_id=occurrence if series else None,
        )
        meeting.save()
        meeting.attendees.set(team)
        meeting.client_attendees.set(contacts)
        audit.record(
            actor=actor,
            action="scheduled",
            obj=meeting,
            organisation_id=project.organisation_id,
            changes={
                **audit.diff({}, audit.snapshot(meeting, AUDITED)),
                "attendees": [None, [user.full_name for user in team]],
                "client_attendees": [None, [contact.full_name for contact in contacts]],
            },
        )
        meetings.append(meeting)
    first = meetings[0]
    if series is not None:
        audit.record(
            actor=actor,
            action="created",
            obj=series,
            organisation_id=project.organisation_id,
            changes=audit.diff(
                {}, audit.snapshot(series, ("frequency", "until", "count", "time_zone"))
            ),
        )
        invitations.send_request(first, series=series, occurrences=meetings)
    else:
        invitations.send_request(first)
    return first


def _locked(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("project__client", "series", "organiser")
        .get(pk=meeting.pk)
    )


def _refuse_unless_scheduled(meeting: Meeting) -> None:
    if meeting.state != Meeting.State.SCHEDULED:
        raise ValidationError(
            _("%(reference)s is “%(state)s”; only a scheduled meeting can change.")
            % {"reference": meeting.reference, "state": meeting.get_state_display()},
            code="not_scheduled",
        )


@transaction.atomic
def meeting_update(
    *,
    actor: Actor,
    meeting: Meeting,
    title: str,
    start: datetime,
    end: datetime,
    time_zone: str,
    kind: str = Kind.STATUS,
    place: str = "",
    video_link: str = "",
    attendee_ids: Iterable[Any] = (),
    contact_ids: Iterable[Any] = (),
    plan_item_id: int | None = None,
) -> Meeting:
    """Reschedule, move, rename, or change who is invited. Attendees get the updated
    invitation (same UID, a higher SEQUENCE); those no longer invited get a cancellation.
    An occurrence of a series changes alone."""
    require(permissions.can_manage(actor, meeting.project))
    meeting = _locked(meeting)
    _refuse_unless_scheduled(meeting)
    project = meeting.project
    start, end = _times(start, end, time_zone)
    team = team_members(project, attendee_ids, "attendees")
    contacts = client_contacts(project, contact_ids, "client_attendees")
    plan_item = _plan_item(project, plan_item_id)
    before = audit.snapshot(meeting, AUDITED)
    before_team = list(meeting.attendees.all())
    before_contacts = list(meeting.client_attendees.all())
    assign(
        meeting,
        MEETING_FIELDS,
        {"title": title, "kind": kind, "place": place, "video_link": video_link},
    )
    meeting.start, meeting.end, meeting.time_zone = start, end, time_zone
    meeting.plan_item = plan_item
    meeting.full_clean(exclude=["project", "organiser", "series", "plan_item", "interaction"])
    changes = audit.diff(before, audit.snapshot(meeting, AUDITED))
    if [u.pk for u in before_team] != [u.pk for u in team]:
        changes["attendees"] = [[u.full_name for u in before_team], [u.full_name for u in team]]
    if [c.pk for c in before_contacts] != [c.pk for c in contacts]:
        changes["client_attendees"] = [
            [c.full_name for c in before_contacts],
            [c.full_name for c in contacts],
        ]
    calendar_changed = bool(set(changes) & {*CALENDAR_FIELDS, "attendees", "client_attendees"})
    uninvited = [u for u in before_team if u not in team]
    uninvited_contacts = [c for c in before_contacts if c not in contacts]
    if uninvited or uninvited_contacts:
        # the cancellation carries the meeting as those people knew it
        old = _locked(meeting)
        old.sequence += 1
        invitations.send_cancel([old], users=uninvited, contacts=uninvited_contacts)
    if calendar_changed:
        meeting.sequence += 1
    meeting.save()
    meeting.attendees.set(team)
    meeting.client_attendees.set(contacts)
    if changes:
        audit.record(
            actor=actor,
            action="rescheduled" if {"start", "end"} & set(changes) else "updated",
            obj=meeting,
            organisation_id=project.organisation_id,
            changes=changes,
        )
    if calendar_changed:
        invitations.send_request(meeting, update=True)
    return meeting


@transaction.atomic
def meeting_send_update(*, actor: Actor, meeting: Meeting) -> Meeting:
    """Send the invitation again, with the agenda as it is now."""
    require(permissions.can_manage(actor, meeting.project))
    meeting = _locked(meeting)
    _refuse_unless_scheduled(meeting)
    meeting.sequence += 1
    meeting.save(update_fields=["sequence", "updated_at"])
    audit.record(
        actor=actor,
        action="invitation_sent",
        obj=meeting,
        organisation_id=meeting.project.organisation_id,
        changes={"sequence": [meeting.sequence - 1, meeting.sequence]},
    )
    invitations.send_request(meeting, update=True)
    return meeting


@transaction.atomic
def meeting_cancel(
    *, actor: Actor, meeting: Meeting, reason: str = "", following: bool = False
) -> list[Meeting]:
    """Cancel a meeting (``following``: and the later scheduled occurrences of its series);
    the attendees get a cancellation that removes it from their calendars."""
    require(permissions.can_manage(actor, meeting.project))
    meeting = _locked(meeting)
    _refuse_unless_scheduled(meeting)
    reason = reason.strip()
    if "\x00" in reason or len(reason) > 500:
        raise ValidationError({"reason": _("Say why in at most 500 characters.")})
    chosen = [meeting]
    if following and meeting.series is not None:
        chosen += list(
            Meeting.objects.select_for_update(of=("self",))
            .select_related("project__client", "series", "organiser")
            .filter(series=meeting.series, state=Meeting.State.SCHEDULED, start__gt=meeting.start)
            .order_by("start")
        )
    for cancelled in chosen:
        cancelled.state = Meeting.State.CANCELLED
        cancelled.cancel_reason = reason
        cancelled.sequence += 1
        cancelled.save(update_fields=["state", "cancel_reason", "sequence", "updated_at"])
        audit.record(
            actor=actor,
            action="cancelled",
            obj=cancelled,
            organisation_id=cancelled.project.organisation_id,
            changes={
                "state": [Meeting.State.SCHEDULED, Meeting.State.CANCELLED],
                "reason": [None, reason or None],
            },
        )
    invitations.send_cancel(chosen, reason=reason)
    return chosen


# --- the agenda -------------------------------------------------------------------------------


def _owner(
    project: Project, owner_user_id: Any, owner_contact_id: Any
) -> tuple[User | None, Contact | None]:
    if owner_user_id and owner_contact_id:
        raise ValidationError(
            {"owner": _("Choose one owner: a team member or a client contact.")}, code="two_owners"
        )
    user = team_members(project, [owner_user_id], "owner")[0] if owner_user_id else None
    contact = client_contacts(project, [owner_contact_id], "owner")[0] if owner_contact_id else None
    return user, contact


def _refuse_if_cancelled(meeting: Meeting) -> None:
    if meeting.state == Meeting.State.CANCELLED:
        raise ValidationError(
            _("%(reference)s is cancelled.") % {"reference": meeting.reference}, code="cancelled"
        )


def _next_order(meeting: Meeting) -> int:
    return (meeting.agenda_items.aggregate(n=Max("order"))["n"] or 0) + 1


@transaction.atomic
def agenda_item_add(
    *,
    actor: Actor,
    meeting: Meeting,
    title: str,
    time_box: int = 10,
    owner_user_id: int | None = None,
    owner_contact_id: int | None = None,
) -> AgendaItem:
    require(permissions.can_manage(actor, meeting.project))
    meeting = _locked(meeting)
    _refuse_if_cancelled(meeting)
    user, contact = _owner(meeting.project, owner_user_id, owner_contact_id)
    item = AgendaItem(
        meeting=meeting, owner_user=user, owner_contact=contact, order=_next_order(meeting)
    )
    assign(item, ("title", "time_box"), {"title": title, "time_box": time_box})
    item.full_clean(
        exclude=[
            "meeting",
            "owner_user",
            "owner_contact",
            "action_item",
            "milestone",
            "change_request",
        ]
    )
    item.save()
    _record_agenda(actor, item, "created", {})
    return item


@transaction.atomic
def agenda_item_carry(*, actor: Actor, meeting: Meeting, source: str, object_id: int) -> AgendaItem:
    """Put a proposal on the agenda: an open action item (owned by its owner), an overdue
    milestone or a pending change request of the project."""
    require(permissions.can_manage(actor, meeting.project))
    meeting = _locked(meeting)
    _refuse_if_cancelled(meeting)
    project = meeting.project
    pk = _ids([object_id], "source").pop()
    item = AgendaItem(meeting=meeting, source=source, order=_next_order(meeting), time_box=5)
    if source == AgendaItem.Source.ACTION_ITEM:
        action_item = ActionItem.objects.filter(
            pk=pk, project=project, status=ActionItem.Status.OPEN
        ).first()
        if action_item is None:
            raise ValidationError(
                {"source": _("That action item is closed or not of this project.")}
            )
        item.action_item = action_item
        item.title = action_item.what[:200]
        item.owner_user_id, item.owner_contact_id = (
            action_item.owner_user_id,
            action_item.owner_contact_id,
        )
    elif source == AgendaItem.Source.MILESTONE:
        milestone = Milestone.objects.filter(pk=pk, project=project, client_visible=True).first()
        if milestone is None:
            raise ValidationError({"source": _("Choose a milestone of this project.")})
        item.milestone = milestone
        item.title = _("Milestone overdue: %(name)s") % {"name": milestone.name}
    elif source == AgendaItem.Source.CHANGE_REQUEST:
        change_request = ChangeRequest.objects.filter(
            pk=pk, project=project, state__in=OPEN_STATES - {ChangeState.DRAFT}
        ).first()
        if change_request is None:
            raise ValidationError({"source": _("Choose a pending change request of this project.")})
        item.change_request = change_request
        item.title = f"{change_request.reference} {change_request.title}"[:200]
    else:
        raise ValidationError({"source": _("Choose a proposal from the list.")})
    if meeting.agenda_items.filter(source=source, **{LINKS[source]: pk}).exists():
        raise ValidationError(_("It is on the agenda already."), code="duplicate")
    item.title = item.title[:200]
    item.save()
    _record_agenda(actor, item, "created", {"source": [None, source]})
    return item


@transaction.atomic
def agenda_item_update(
    *,
    actor: Actor,
    item: AgendaItem,
    title: str,
    time_box: int,
    order: int | None = None,
    owner_user_id: int | None = None,
    owner_contact_id: int | None = None,
) -> AgendaItem:
    require(permissions.can_manage(actor, item.meeting.project))
    item = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("meeting__project__client")
        .get(pk=item.pk)
    )
    _refuse_if_cancelled(item.meeting)
    user, contact = _owner(item.meeting.project, owner_user_id, owner_contact_id)
    fields = (*AGENDA_FIELDS, "owner_user_id", "owner_contact_id")
    before = audit.snapshot(item, fields)
    assign(
        item,
        AGENDA_FIELDS,
        {"title": title, "time_box": time_box, "order": item.order if order is None else order},
    )
    item.owner_user, item.owner_contact = user, contact
    item.full_clean(
        exclude=[
            "meeting",
            "owner_user",
            "owner_contact",
            "action_item",
            "milestone",
            "change_request",
        ]
    )
    item.save()
    if changes := audit.diff(before, audit.snapshot(item, fields)):
        _record_agenda(actor, item, "updated", changes)
    return item


@transaction.atomic
def agenda_item_delete(*, actor: Actor, item: AgendaItem) -> None:
    require(permissions.can_manage(actor, item.meeting.project))
    _refuse_if_cancelled(item.meeting)
    _record_agenda(actor, item, "deleted", audit.removal(audit.snapshot(item, AGENDA_FIELDS)))
    item.delete()


def _record_agenda(actor: Actor, item: AgendaItem, action: str, extra: dict[str, Any]) -> None:
    changes = extra
    if action == "created":
        changes = {
            **audit.diff(
                {}, audit.snapshot(item, (*AGENDA_FIELDS, "owner_user_id", "owner_contact_id"))
            ),
            **extra,
        }
    audit.record(
        actor=actor,
        action=action,
        obj=item,
        organisation_id=item.meeting.project.organisation_id,
        changes={**changes, "meeting": [None, item.meeting.reference]},
    )
