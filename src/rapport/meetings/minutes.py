"""Minutes, decisions and action items: what a meeting leaves behind.

The PM records who was there, the notes per agenda item, the decisions and the action items;
recording the minutes holds the meeting and logs it as a touchpoint (fulfilling its plan item).
Publishing freezes what the client reads as a version; published minutes never change: an edit
to what the client reads publishes a correction (a new version naming the one it corrects,
which stays as it was, with its confirmations). Client attendees confirm a version, or propose
a correction, once each, within the window the PM set."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.communication import services as communication
from rapport.communication.channels import Channel
from rapport.core.services import assign, require
from rapport.meetings import permissions
from rapport.meetings.models import (
    ActionItem,
    AgendaItem,
    Decision,
    Meeting,
    Minutes,
    MinutesResponse,
    MinutesVersion,
)
from rapport.meetings.services import _ids, _locked, client_contacts, team_members
from rapport.notify import attachments
from rapport.notify.services import email_queue
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor
from rapport.webhooks import payloads as webhook_payloads

MINUTES_FIELDS = ("summary", "internal_notes", "confirm_days")
STARTED_TOLERANCE = timedelta(minutes=10)


def _refuse_unless_held(meeting: Meeting) -> None:
    if meeting.state != Meeting.State.HELD:
        raise ValidationError(
            _(
                "Record the minutes (who was there) first: decisions and action items belong "
                "to them."
            ),
            code="not_held",
        )


# --- what the client reads ---------------------------------------------------------------------


def content(meeting: Meeting) -> dict[str, Any]:
    """The minutes as the client reads them: never the internal notes."""
    minutes = meeting.minutes
    present_users = list(minutes.present_users.order_by("full_name", "id"))
    present_contacts = list(minutes.present_contacts.order_by("full_name", "id"))
    invited_users = list(meeting.attendees.order_by("full_name", "id"))
    invited_contacts = list(meeting.client_attendees.order_by("full_name", "id"))
    agenda = list(
        meeting.agenda_items.select_related("owner_user", "owner_contact").order_by("order", "id")
    )
    decisions = list(
        meeting.decisions.select_related(
            "decided_by_user", "decided_by_contact", "agenda_item"
        ).order_by("id")
    )
    action_items = list(
        meeting.action_items.select_related("owner_user", "owner_contact").order_by(
            "due_date", "id"
        )
    )
    return {
        "title": meeting.title,
        "reference": meeting.reference,
        "start": meeting.start.isoformat(),
        "end": meeting.end.isoformat(),
        "time_zone": meeting.time_zone,
        "place": meeting.place,
        "video_link": meeting.video_link,
        "summary": minutes.summary,
        "present": {
            "team": [u.full_name for u in present_users],
            "client": [c.full_name for c in present_contacts],
        },
        "absent": {
            "team": [u.full_name for u in invited_users if u not in present_users],
            "client": [c.full_name for c in invited_contacts if c not in present_contacts],
        },
        "agenda": [
            {"title": item.title, "owner": str(item.owner or ""), "notes": item.notes}
            for item in agenda
        ],
        "decisions": [
            {
                "text": decision.text,
                "by": str(decision.decided_by or ""),
                "agenda_item": decision.agenda_item.title if decision.agenda_item else "",
            }
            for decision in decisions
        ],
        "action_items": [
            {
                "id": item.pk,
                "what": item.what,
                "owner": str(item.owner or ""),
                "client": item.owner_contact_id is not None,
                "due_date": item.due_date.isoformat(),
            }
            for item in action_items
        ],
    }


def latest_version(meeting: Meeting) -> MinutesVersion | None:
    return MinutesVersion.objects.filter(minutes__meeting=meeting).order_by("-number").first()


def has_unpublished_changes(meeting: Meeting) -> bool:
    """Whether what the client would read differs from the latest published version."""
    if not hasattr(meeting, "minutes"):
        return False
    latest = latest_version(meeting)
    return latest is None or latest.content != content(meeting)


# --- recording ---------------------------------------------------------------------------------


def _hold(actor: Actor, meeting: Meeting, minutes: Minutes) -> None:
    """The meeting happened: it is held, and it is a touchpoint in the log that fulfils the
    plan item chosen on it."""
    meeting.state = Meeting.State.HELD
    channel = Channel.VIDEO if meeting.video_link and not meeting.place else Channel.MEETING
    summary = _("Client meeting %(reference)s: %(title)s") % {
        "reference": meeting.reference,
        "title": meeting.title,
    }
    if minutes.summary:
        summary = f"{summary}\n\n{minutes.summary}"
    interaction = communication.interaction_log(
        actor=actor,
        client=meeting.project.client,
        project=meeting.project,
        contacts=list(minutes.present_contacts.all()),
        plan_item=meeting.plan_item,
        occurred_at=meeting.start,
        channel=channel,
        summary=summary[:4000],
    )
    meeting.interaction = interaction
    meeting.save(update_fields=["state", "interaction", "updated_at"])
    audit.record(
        actor=actor,
        action="held",
        obj=meeting,
        organisation_id=meeting.project.organisation_id,
        changes={"state": [Meeting.State.SCHEDULED, Meeting.State.HELD]},
    )


@transaction.atomic
def minutes_record(
    *,
    actor: Actor,
    meeting: Meeting,
    present_user_ids: Iterable[Any] = (),
    present_contact_ids: Iterable[Any] = (),
    notes: Mapping[Any, str] | None = None,
    summary: str = "",
    internal_notes: str = "",
    confirm_days: int = 5,
    reason: str = "",
) -> Minutes:
    """Record (or edit) the minutes. The first recording holds the meeting and logs the
    touchpoint. Once published, a change to what the client reads publishes a correction
    (``reason`` says what it changes); internal notes change freely."""
    require(permissions.can_manage(actor, meeting.project))
    meeting = _locked(meeting)
    if meeting.state == Meeting.State.CANCELLED:
        raise ValidationError(
            _("%(reference)s is cancelled.") % {"reference": meeting.reference}, code="cancelled"
        )
    if meeting.start > timezone.now() + STARTED_TOLERANCE:
        raise ValidationError(
            _("Minutes are recorded once the meeting has started (%(start)s).")
            % {"start": date_format(timezone.localtime(meeting.start), "Y-m-d H:i")},
            code="not_started",
        )
    project = meeting.project
    team = team_members(project, present_user_ids, "present_users")
    contacts = client_contacts(project, present_contact_ids, "present_contacts")
    items = {item.pk: item for item in meeting.agenda_items.all()}
    chosen_notes: dict[int, str] = {}
    for key, text in (notes or {}).items():
        pk = _ids([key], "notes").pop()
        if pk not in items:
            raise ValidationError({"notes": _("Write notes on this meeting's agenda items.")})
        chosen_notes[pk] = text
    minutes = Minutes.objects.filter(meeting=meeting).first()
    created = minutes is None
    if minutes is None:
        minutes = Minutes(meeting=meeting, recorded_by=actor.user)
    published = not created and minutes.versions.exists()
    before = {} if created else content(meeting)
    before_fields = audit.snapshot(minutes, MINUTES_FIELDS) if not created else {}
    assign(
        minutes,
        MINUTES_FIELDS,
        {"summary": summary, "internal_notes": internal_notes, "confirm_days": confirm_days},
    )
    minutes.full_clean(exclude=["meeting", "recorded_by"])
    for pk, text in chosen_notes.items():
        assign(items[pk], ("notes",), {"notes": text})
        items[pk].full_clean(
            exclude=[
                "meeting",
                "owner_user",
                "owner_contact",
                "action_item",
                "milestone",
                "change_request",
            ]
        )
    minutes.save()
    minutes.present_users.set(team)
    minutes.present_contacts.set(contacts)
    for pk in chosen_notes:
        items[pk].save(update_fields=["notes", "updated_at"])
    meeting.minutes = minutes
    changes = audit.diff(before_fields, audit.snapshot(minutes, MINUTES_FIELDS))
    after = content(meeting)
    for part in ("present", "agenda"):
        if before.get(part) != after[part]:
            changes[part] = [before.get(part), after[part]]
    if changes or created:
        audit.record(
            actor=actor,
            action="minutes_recorded" if created else "updated",
            obj=minutes,
            organisation_id=project.organisation_id,
            changes=changes,
        )
    if meeting.state == Meeting.State.SCHEDULED:
        _hold(actor, meeting, minutes)
    if published and has_unpublished_changes(meeting):
        _publish(actor, meeting, minutes, reason=reason)
    return minutes


def _publish(actor: Actor, meeting: Meeting, minutes: Minutes, *, reason: str) -> MinutesVersion:
    latest = latest_version(meeting)
    current = content(meeting)
    if latest is not None and latest.content == current:
        raise ValidationError(
            _("Nothing changed since version %(number)d was published.")
            % {"number": latest.number},
            code="unchanged",
        )
    reason = reason.strip()
    if latest is not None and not reason:
        raise ValidationError(
            {
                "reason": _(
                    "These minutes are published: say what your correction changes. Version "
                    "%(number)d stays as it was, with its confirmations."
                )
                % {"number": latest.number}
            },
            code="reason_required",
        )
    if "\x00" in reason or len(reason) > 2000:
        raise ValidationError({"reason": _("Say it in at most 2000 characters.")})
    now = timezone.now()
    version = MinutesVersion.objects.create(
        minutes=minutes,
        number=(latest.number if latest else 0) + 1,
        content=current,
        corrects=latest,
        reason=reason if latest else "",
        published_at=now,
        published_by=actor.user,
        confirm_by=now + timedelta(days=minutes.confirm_days),
    )
    audit.record(
        actor=actor,
        action="minutes_corrected" if latest else "published",
        obj=minutes,
        organisation_id=meeting.project.organisation_id,
        changes={"version": [latest.number if latest else None, version.number]}
        | ({"reason": [None, reason]} if latest else {}),
    )
    webhook_payloads.minutes_published(meeting, version)
    _notify_published(meeting, version)
    return version


@transaction.atomic
def minutes_publish(*, actor: Actor, meeting: Meeting, reason: str = "") -> MinutesVersion:
    """Publish the minutes to the client (or, when already published, a correction)."""
    require(permissions.can_manage(actor, meeting.project))
    meeting = _locked(meeting)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None or meeting.state != Meeting.State.HELD:
        raise ValidationError(_("Record the minutes first."), code="no_minutes")
    return _publish(actor, meeting, minutes, reason=reason)


def _notify_published(meeting: Meeting, version: MinutesVersion) -> None:
    for contact in meeting.client_attendees.all():
        if not contact.email:
            continue
        link = ""
        if contact.portal_access and contact.user_id:
            link = settings.SITE_URL + reverse(
                "portal_meetings:detail", args=[meeting.project_id, meeting.number]
            )
        with translation.override(contact.language):
            email_queue(
                to=contact.email,
                template="minutes_published",
                context={
                    "name": contact.full_name,
                    "title": meeting.title,
                    "reference": meeting.reference,
                    "project": meeting.project.name,
                    "version": version.number,
                    "correction": version.corrects_id is not None,
                    "reason": version.reason,
                    "confirm_by": version.confirm_by,
                    "decisions": version.content["decisions"],
                    "action_items": version.content["action_items"],
                    "link": link,
                },
                language=contact.language,
                kind="minutes_published",
                organisation_id=meeting.project.organisation_id,
                attachments=[attachments.spec("minutes_pdf", version_id=version.pk)],
            )


# --- the client's answer ------------------------------------------------------------------------


@transaction.atomic
def minutes_respond(
    *, actor: Actor, meeting: Meeting, confirm: bool, comment: str = ""
) -> MinutesResponse:
    """A client attendee confirms the latest version of the minutes, or proposes a correction:
    once, within the window."""
    if not permissions.can_respond(actor, meeting):
        raise ValidationError(
            _("Only the client's attendees confirm the minutes."), code="not_invited"
        )
    version = (
        MinutesVersion.objects.select_for_update(of=("self",))
        .filter(minutes__meeting=meeting)
        .order_by("-number")
        .first()
    )
    if version is None:
        raise ValidationError(_("The minutes are not published yet."), code="not_published")
    contact = next(c for c in meeting.client_attendees.all() if c.pk in actor.contact_ids)
    earlier = version.responses.filter(contact=contact).first()
    if earlier is not None:
        when = date_format(timezone.localtime(earlier.created_at), "Y-m-d H:i")
        message = (
            _(
                "You confirmed version %(number)d of these minutes on %(when)s; that is "
                "recorded once."
            )
            if earlier.kind == MinutesResponse.Kind.CONFIRMED
            else _(
                "You proposed a correction to version %(number)d on %(when)s; the project "
                "manager will publish a corrected version for you to confirm."
            )
        )
        raise ValidationError(message % {"number": version.number, "when": when}, code="answered")
    if timezone.now() > version.confirm_by:
        raise ValidationError(
            _("The time to answer ended on %(when)s.")
            % {"when": date_format(timezone.localtime(version.confirm_by), "Y-m-d H:i")},
            code="window_closed",
        )
    comment = comment.strip()
    if "\x00" in comment or len(comment) > 4000:
        raise ValidationError({"comment": _("Say it in at most 4000 characters.")})
    if not confirm and not comment:
        raise ValidationError({"comment": _("Say what should be corrected.")}, code="required")
    try:
        with transaction.atomic():
            response = MinutesResponse.objects.create(
                version=version,
                contact=contact,
                kind=MinutesResponse.Kind.CONFIRMED if confirm else MinutesResponse.Kind.CORRECTION,
                comment=comment,
                ip=actor.ip,
            )
    except IntegrityError:  # answered at the same moment in another tab
        raise ValidationError(_("Your answer is recorded already."), code="answered") from None
    audit.record(
        actor=actor,
        action="minutes_confirmed" if confirm else "minutes_correction_proposed",
        obj=version.minutes,
        organisation_id=meeting.project.organisation_id,
        contact_id=contact.pk,
        changes={"version": [None, version.number]}
        | ({"comment": [None, comment]} if comment else {}),
    )
    if not confirm:
        organiser = meeting.organiser
        email_queue(
            to=organiser.email,
            template="minutes_correction",
            context={
                "name": organiser.full_name or organiser.email,
                "contact": contact.full_name,
                "title": meeting.title,
                "reference": meeting.reference,
                "project": meeting.project.name,
                "version": version.number,
                "comment": comment,
                "link": settings.SITE_URL
                + reverse("meetings:detail", args=[meeting.project_id, meeting.number]),
            },
            language=organiser.language,
            kind="minutes_correction",
            organisation_id=meeting.project.organisation_id,
        )
    return response


# --- decisions ----------------------------------------------------------------------------------


def _agenda_item(meeting: Meeting, agenda_item_id: Any) -> AgendaItem | None:
    if not agenda_item_id:
        return None
    item = meeting.agenda_items.filter(pk__in=_ids([agenda_item_id], "agenda_item")).first()
    if item is None:
        raise ValidationError({"agenda_item": _("Choose an item of this meeting's agenda.")})
    return item


@transaction.atomic
def decision_record(
    *,
    actor: Actor,
    meeting: Meeting,
    text: str,
    decided_by_user_id: int | None = None,
    decided_by_contact_id: int | None = None,
    agenda_item_id: int | None = None,
) -> Decision:
    require(permissions.can_manage(actor, meeting.project))
    meeting = _locked(meeting)
    _refuse_unless_held(meeting)
    if bool(decided_by_user_id) == bool(decided_by_contact_id):
        raise ValidationError(
            {"decided_by": _("Say who decided: a team member or a client contact.")},
            code="decided_by",
        )
    project = meeting.project
    decision = Decision(meeting=meeting, agenda_item=_agenda_item(meeting, agenda_item_id))
    if decided_by_user_id:
        decision.decided_by_user = team_members(project, [decided_by_user_id], "decided_by")[0]
    else:
        decision.decided_by_contact = client_contacts(
            project, [decided_by_contact_id], "decided_by"
        )[0]
    assign(decision, ("text",), {"text": text})
    decision.full_clean(exclude=["meeting", "agenda_item", "decided_by_user", "decided_by_contact"])
    decision.save()
    audit.record(
        actor=actor,
        action="created",
        obj=decision,
        organisation_id=project.organisation_id,
        changes={
            "text": [None, decision.text],
            "decided_by": [None, str(decision.decided_by)],
            "meeting": [None, meeting.reference],
        },
    )
    return decision


@transaction.atomic
def decision_delete(*, actor: Actor, decision: Decision) -> None:
    require(permissions.can_manage(actor, decision.meeting.project))
    audit.record(
        actor=actor,
        action="deleted",
        obj=decision,
        organisation_id=decision.meeting.project.organisation_id,
        changes={"text": [decision.text, None]},
    )
    decision.delete()


# --- action items -------------------------------------------------------------------------------


@transaction.atomic
def action_item_create(
    *,
    actor: Actor,
    project: Project,
    what: str,
    due_date: date | None,
    owner_user_id: int | None = None,
    owner_contact_id: int | None = None,
    meeting: Meeting | None = None,
    agenda_item_id: int | None = None,
    confirm_past_due: bool = False,
) -> ActionItem:
    """Someone agreed to do something by a day. A due date already past is a warning: recorded
    only when confirmed (it shows as overdue from the start)."""
    require(permissions.can_manage(actor, project))
    agenda_item = None
    if meeting is not None:
        if meeting.project_id != project.pk:
            raise ValidationError({"meeting": _("Choose a meeting of this project.")})
        meeting = _locked(meeting)
        _refuse_unless_held(meeting)
        agenda_item = _agenda_item(meeting, agenda_item_id)
    if owner_user_id and owner_contact_id:
        raise ValidationError(
            {"owner": _("Choose one owner: a team member or a client contact.")}, code="two_owners"
        )
    if not owner_user_id and not owner_contact_id:
        raise ValidationError(
            {"owner": _("Choose who owns it: a team member or a client contact.")},
            code="no_owner",
        )
    if due_date is None:
        raise ValidationError({"due_date": _("Choose the day it is due.")}, code="required")
    today = timezone.localdate()
    if due_date < today and not confirm_past_due:
        raise ValidationError(
            {
                "due_date": _(
                    "%(date)s is in the past: the action item would be overdue from the start. "
                    "Confirm to record it anyway, or choose a later day."
                )
                % {"date": due_date.isoformat()}
            },
            code="past_due",
        )
    item = ActionItem(
        project=project,
        meeting=meeting,
        agenda_item=agenda_item,
        due_date=due_date,
        created_by=actor.user,
    )
    if owner_user_id:
        item.owner_user = team_members(project, [owner_user_id], "owner")[0]
    else:
        item.owner_contact = client_contacts(project, [owner_contact_id], "owner")[0]
    assign(item, ("what",), {"what": what})
    item.full_clean(exclude=["project", "meeting", "agenda_item", "owner_user", "owner_contact"])
    item.save()
    audit.record(
        actor=actor,
        action="created",
        obj=item,
        organisation_id=project.organisation_id,
        changes={
            "what": [None, item.what],
            "owner": [None, str(item.owner)],
            "due_date": [None, item.due_date.isoformat()],
        }
        | ({"meeting": [None, meeting.reference]} if meeting else {})
        | ({"past_due_confirmed": [None, True]} if due_date < today else {}),
    )
    return item


@transaction.atomic
def action_item_close(*, actor: Actor, action_item: ActionItem, note: str) -> ActionItem:
    """Done, with a note of what was done; by its owner (a contact in the portal) or the
    project's managers."""
    require(permissions.can_close(actor, action_item))
    item = (
        ActionItem.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=action_item.pk)
    )
    if not item.is_open:
        assert item.closed_at is not None
        raise ValidationError(
            _("It was closed on %(when)s.")
            % {"when": date_format(timezone.localtime(item.closed_at), "Y-m-d")},
            code="closed",
        )
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say what was done.")}, code="required")
    assign(item, ("closed_note",), {"closed_note": note})
    item.status = ActionItem.Status.DONE
    item.closed_at = timezone.now()
    if actor.is_contact:
        item.closed_by_contact_id = item.owner_contact_id
    else:
        item.closed_by_user = actor.user
    item.full_clean(exclude=["project", "meeting", "agenda_item", "owner_user", "owner_contact"])
    item.save()
    audit.record(
        actor=actor,
        action="closed",
        obj=item,
        organisation_id=item.project.organisation_id,
        contact_id=item.owner_contact_id if actor.is_contact else None,
        changes={
            "status": [ActionItem.Status.OPEN, ActionItem.Status.DONE],
            "closed_note": [None, note],
        },
    )
    return item
