"""Client meetings through the API: list and schedule a project's meetings (one, or a series),
reschedule, cancel them and send their invitation again, list and add agenda items (or carry
proposals over), list, create and close action items.
Times are ISO 8601: with an offset, or without one meaning wall-clock time in ``time_zone``.
(Contacts follow their meetings and close their action items through the client portal API.)"""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from rapport.core.api_conventions import named_by_body
from rapport.core.api_pagination import Pages
from rapport.core.api_schemas import NoBody
from rapport.core.forms import MAX_ID
from rapport.meetings import minutes as minutes_services
from rapport.meetings import permissions, selectors, services
from rapport.meetings.models import (
    ActionItem,
    AgendaItem,
    Frequency,
    Kind,
    Meeting,
    MinutesResponse,
    MinutesVersion,
)
from rapport.meetings.models import Decision as MeetingDecision
from rapport.projects.models import Project
from rapport.projects.selectors import project_get
from rapport.tenancy.actors import ActorRequest

router = Router(tags=["meetings"])

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Ids = Annotated[list[Id], Field(max_length=200)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Short = Annotated[str, StringConstraints(max_length=500)]
Note = Annotated[str, StringConstraints(max_length=4000)]
ZoneName = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class MeetingOut(Schema):
    id: int
    number: int
    reference: str
    title: str
    kind: str
    state: str
    start: datetime
    end: datetime
    time_zone: str
    place: str
    video_link: str
    organiser_id: int
    attendee_ids: list[int]
    contact_ids: list[int]
    series_id: int | None
    frequency: str | None
    plan_item_id: int | None
    uid: str
    sequence: int
    cancel_reason: str
    created_at: datetime

    @staticmethod
    def resolve_attendee_ids(obj: Meeting) -> list[int]:
        return [user.pk for user in obj.attendees.all()]

    @staticmethod
    def resolve_contact_ids(obj: Meeting) -> list[int]:
        return [contact.pk for contact in obj.client_attendees.all()]

    @staticmethod
    def resolve_frequency(obj: Meeting) -> str | None:
        return obj.series.frequency if obj.series else None


class MeetingIn(Schema):
    title: Title
    kind: Kind = Kind.STATUS
    start: datetime
    end: datetime
    time_zone: ZoneName
    place: Annotated[str, StringConstraints(max_length=200)] = ""
    video_link: Short = ""
    attendee_ids: Ids = []
    contact_ids: Ids = []
    plan_item_id: Id | None = None
    frequency: Frequency | None = None
    until: date | None = None
    count: Annotated[int, Field(ge=2, le=52)] | None = None


class MeetingPatchIn(Schema):
    """Only what changes; the attendees get the updated invitation."""

    title: Title | None = None
    kind: Kind | None = None
    start: datetime | None = None
    end: datetime | None = None
    time_zone: ZoneName | None = None
    place: Annotated[str, StringConstraints(max_length=200)] | None = None
    video_link: Short | None = None
    attendee_ids: Ids | None = None
    contact_ids: Ids | None = None
    plan_item_id: Id | None = None


class CancelIn(Schema):
    reason: Short = ""
    following: bool = False


class AgendaItemOut(Schema):
    id: int
    order: int
    title: str
    time_box: int
    owner_user_id: int | None
    owner_contact_id: int | None
    source: str
    notes: str


class AgendaItemIn(Schema):
    title: Title
    time_box: Annotated[int, Field(ge=1, le=480)] = 10
    owner_user_id: Id | None = None
    owner_contact_id: Id | None = None


class ActionItemOut(Schema):
    id: int
    what: str
    owner_user_id: int | None
    owner_contact_id: int | None
    due_date: date
    status: str
    overdue_days: int
    meeting_number: int | None
    closed_at: datetime | None
    closed_note: str

    @staticmethod
    def resolve_overdue_days(obj: ActionItem) -> int:
        return obj.overdue_days()

    @staticmethod
    def resolve_meeting_number(obj: ActionItem) -> int | None:
        return obj.meeting.number if obj.meeting else None


class ActionItemIn(Schema):
    what: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    due_date: date
    owner_user_id: Id | None = None
    owner_contact_id: Id | None = None
    meeting_number: Id | None = None
    confirm_past_due: bool = Field(
        False, description="A due date in the past is refused (422) unless confirmed."
    )


class ActionItemCloseIn(Schema):
    note: Note


def _meeting(request: ActorRequest, project_id: int, number: int) -> tuple[Project, Meeting]:
    project = project_get(actor=request.actor, project_id=project_id)
    return project, selectors.meeting_get(actor=request.actor, project=project, number=number)


def _readable(project: Project, request: ActorRequest) -> None:
    if not permissions.can_view(request.actor, project):
        raise PermissionDenied


@router.get(
    "/projects/{project_id}/meetings", response=list[MeetingOut], operation_id="meetings_list"
)
@paginate(Pages)
def meetings_list(
    request: ActorRequest,
    project_id: int,
    when: Literal["upcoming", "past"] | None = None,
) -> QuerySet[Meeting]:
    project = project_get(actor=request.actor, project_id=project_id)
    _readable(project, request)
    return selectors.meeting_list(
        actor=request.actor, project=project, when=when or ""
    ).prefetch_related("attendees", "client_attendees")


@router.post(
    "/projects/{project_id}/meetings",
    response={201: MeetingOut},
    operation_id="meetings_create",
)
def meetings_create(request: ActorRequest, project_id: int, payload: MeetingIn) -> Status[Meeting]:
    """Schedule a meeting, or a series (``frequency`` with ``until`` or ``count``); the
    attendees are invited by email with a calendar invitation. Returns the (first) meeting."""
    project = project_get(actor=request.actor, project_id=project_id)
    values = payload.dict()
    values["kind"] = values["kind"].value
    values["frequency"] = values["frequency"].value if values["frequency"] else ""
    meeting = services.meeting_schedule(actor=request.actor, project=project, **values)
    return Status(201, _meeting(request, project_id, meeting.number)[1])


@router.get(
    "/projects/{project_id}/meetings/{number}",
    response=MeetingOut,
    operation_id="meetings_get",
)
def meetings_get(request: ActorRequest, project_id: int, number: int) -> Meeting:
    project, meeting = _meeting(request, project_id, number)
    _readable(project, request)
    return meeting


@router.patch(
    "/projects/{project_id}/meetings/{number}",
    response=MeetingOut,
    operation_id="meetings_update",
)
def meetings_update(
    request: ActorRequest, project_id: int, number: int, payload: MeetingPatchIn
) -> Meeting:
    """Reschedule or change a scheduled meeting (one occurrence of a series alone)."""
    _project, meeting = _meeting(request, project_id, number)
    changes = payload.dict(exclude_unset=True)
    values: dict[str, Any] = {
        "title": meeting.title,
        "kind": meeting.kind,
        "start": meeting.start,
        "end": meeting.end,
        "time_zone": meeting.time_zone,
        "place": meeting.place,
        "video_link": meeting.video_link,
        "attendee_ids": [user.pk for user in meeting.attendees.all()],
        "contact_ids": [contact.pk for contact in meeting.client_attendees.all()],
        "plan_item_id": meeting.plan_item_id,
    }
    for name, value in changes.items():
        if value is not None or name == "plan_item_id":
            values[name] = value.value if isinstance(value, Kind) else value
    services.meeting_update(actor=request.actor, meeting=meeting, **values)
    return _meeting(request, project_id, number)[1]


@router.post(
    "/projects/{project_id}/meetings/{number}/cancel",
    response=MeetingOut,
    operation_id="meetings_cancel",
)
def meetings_cancel(
    request: ActorRequest, project_id: int, number: int, payload: CancelIn
) -> Meeting:
    """Cancel (``following``: and the later occurrences of its series); the attendees get a
    calendar cancellation."""
    _project, meeting = _meeting(request, project_id, number)
    services.meeting_cancel(
        actor=request.actor, meeting=meeting, reason=payload.reason, following=payload.following
    )
    return _meeting(request, project_id, number)[1]


@router.post(
    "/projects/{project_id}/meetings/{number}/send-update",
    response=MeetingOut,
    operation_id="meetings_send_update",
)
def meetings_send_update(
    request: ActorRequest, project_id: int, number: int, payload: NoBody | None = None
) -> Meeting:
    """Send the attendees the invitation again, with the agenda as it is now (a scheduled
    meeting only)."""
    _project, meeting = _meeting(request, project_id, number)
    services.meeting_send_update(actor=request.actor, meeting=meeting)
    return _meeting(request, project_id, number)[1]


@router.get(
    "/projects/{project_id}/meetings/{number}/agenda-items",
    response=list[AgendaItemOut],
    operation_id="agenda_items_list",
)
def agenda_items_list(request: ActorRequest, project_id: int, number: int) -> list[AgendaItem]:
    project, meeting = _meeting(request, project_id, number)
    _readable(project, request)
    return selectors.agenda(meeting=meeting)


@router.post(
    "/projects/{project_id}/meetings/{number}/agenda-items",
    response={201: AgendaItemOut},
    operation_id="agenda_items_create",
)
def agenda_items_create(
    request: ActorRequest, project_id: int, number: int, payload: AgendaItemIn
) -> Status[AgendaItem]:
    _project, meeting = _meeting(request, project_id, number)
    item = services.agenda_item_add(actor=request.actor, meeting=meeting, **payload.dict())
    return Status(201, item)


class ProposalOut(Schema):
    source: str
    object_id: int
    title: str
    detail: str
    overdue_days: int


class CarryIn(Schema):
    """A proposal to put on the agenda, as ``GET …/agenda-proposals`` lists it."""

    source: Literal["action_item", "milestone", "change_request"]
    object_id: Id


@router.get(
    "/projects/{project_id}/meetings/{number}/agenda-proposals",
    response=list[ProposalOut],
    operation_id="agenda_proposals_list",
)
@paginate(Pages, ordering=("source", "object_id", "overdue_days", "title"))
def agenda_proposals_list(request: ActorRequest, project_id: int, number: int) -> list[Any]:
    """What the agenda should cover and does not yet (the project's managers): open action
    items of earlier meetings, overdue milestones, pending change requests."""
    project, meeting = _meeting(request, project_id, number)
    if not permissions.can_manage(request.actor, project):
        raise PermissionDenied
    if meeting.state == Meeting.State.CANCELLED:
        return []
    return selectors.agenda_proposals(meeting=meeting)


@router.post(
    "/projects/{project_id}/meetings/{number}/agenda-items/carry",
    response={201: AgendaItemOut},
    operation_id="agenda_items_carry",
)
def agenda_items_carry(
    request: ActorRequest, project_id: int, number: int, payload: CarryIn
) -> Status[AgendaItem]:
    """Carry a proposal over to the agenda: an open action item (owned by its owner), an
    overdue milestone or a pending change request. One already on the agenda is refused (422)."""
    _project, meeting = _meeting(request, project_id, number)
    item = services.agenda_item_carry(
        actor=request.actor, meeting=meeting, source=payload.source, object_id=payload.object_id
    )
    return Status(201, item)


@router.get(
    "/projects/{project_id}/action-items",
    response=list[ActionItemOut],
    operation_id="action_items_list",
)
@paginate(Pages)
def action_items_list(
    request: ActorRequest,
    project_id: int,
    status: ActionItem.Status | None = None,
    mine: bool = False,
) -> QuerySet[ActionItem]:
    project = project_get(actor=request.actor, project_id=project_id)
    _readable(project, request)
    return selectors.action_item_list(
        actor=request.actor, project=project, status=status.value if status else "", mine=mine
    )


@router.post(
    "/projects/{project_id}/action-items",
    response={201: ActionItemOut},
    operation_id="action_items_create",
)
def action_items_create(
    request: ActorRequest, project_id: int, payload: ActionItemIn
) -> Status[ActionItem]:
    """An action item, of a held meeting (``meeting_number``) or of the project."""
    project = project_get(actor=request.actor, project_id=project_id)
    values = payload.dict()
    number = values.pop("meeting_number")
    meeting = (
        selectors.meeting_get(actor=request.actor, project=project, number=number)
        if number
        else None
    )
    item = minutes_services.action_item_create(
        actor=request.actor, project=project, meeting=meeting, **values
    )
    return Status(201, selectors.action_item_get(actor=request.actor, action_item_id=item.pk))


@router.post(
    "/projects/{project_id}/action-items/{action_item_id}/close",
    response=ActionItemOut,
    operation_id="action_items_close",
)
def action_items_close(
    request: ActorRequest, project_id: int, action_item_id: int, payload: ActionItemCloseIn
) -> ActionItem:
    project = project_get(actor=request.actor, project_id=project_id)
    item = get_object_or_404(
        selectors.action_items_visible_to(request.actor).select_related("project", "meeting"),
        project=project,
        pk=action_item_id,
    )
    minutes_services.action_item_close(actor=request.actor, action_item=item, note=payload.note)
    return selectors.action_item_get(actor=request.actor, action_item_id=item.pk)


@router.get(
    "/projects/{project_id}/action-items/{action_item_id}",
    response=ActionItemOut,
    operation_id="action_items_get",
)
def action_items_get(request: ActorRequest, project_id: int, action_item_id: int) -> ActionItem:
    project = project_get(actor=request.actor, project_id=project_id)
    _readable(project, request)
    return get_object_or_404(
        selectors.action_items_visible_to(request.actor).select_related("meeting"),
        project=project,
        pk=action_item_id,
    )


class MeetingDecisionOut(Schema):
    id: int
    text: str
    agenda_item_id: int | None
    decided_by_user_id: int | None
    decided_by_contact_id: int | None
    created_at: datetime


class MeetingDecisionIn(Schema):
    """Who decided: a team member or a client contact, one of the two."""

    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
    decided_by_user_id: Id | None = None
    decided_by_contact_id: Id | None = None
    agenda_item_id: Id | None = None


@router.get(
    "/projects/{project_id}/meetings/{number}/decisions",
    response=list[MeetingDecisionOut],
    operation_id="meeting_decisions_list",
)
@paginate(Pages)
def meeting_decisions_list(
    request: ActorRequest, project_id: int, number: int
) -> QuerySet[MeetingDecision]:
    project, meeting = _meeting(request, project_id, number)
    _readable(project, request)
    return selectors.decision_list(meeting=meeting)


@router.post(
    "/projects/{project_id}/meetings/{number}/decisions",
    response={201: MeetingDecisionOut},
    operation_id="meeting_decisions_create",
)
def meeting_decisions_create(
    request: ActorRequest, project_id: int, number: int, payload: MeetingDecisionIn
) -> Status[MeetingDecision]:
    """Recorded with the minutes of a held meeting."""
    _project, meeting = _meeting(request, project_id, number)
    decision = minutes_services.decision_record(
        actor=request.actor, meeting=meeting, **payload.dict()
    )
    return Status(201, decision)


class MinutesResponseOut(Schema):
    contact_id: int
    kind: str
    comment: str
    created_at: datetime


class MinutesVersionOut(Schema):
    number: int
    published_at: datetime
    published_by_id: int | None
    confirm_by: datetime
    corrects: int | None
    reason: str
    content: dict[str, Any]
    responses: list[MinutesResponseOut]

    @staticmethod
    def resolve_corrects(obj: MinutesVersion) -> int | None:
        return obj.corrects.number if obj.corrects else None

    @staticmethod
    def resolve_responses(obj: MinutesVersion) -> list[MinutesResponse]:
        return list(obj.responses.all())


@router.get(
    "/projects/{project_id}/meetings/{number}/minutes",
    response=list[MinutesVersionOut],
    operation_id="meeting_minutes_list",
)
@paginate(Pages)
def meeting_minutes_list(
    request: ActorRequest, project_id: int, number: int
) -> list[MinutesVersion]:
    """The published versions of the minutes, newest first, with the client's answers (the
    internal notes are never published)."""
    project, meeting = _meeting(request, project_id, number)
    _readable(project, request)
    return selectors.versions(meeting=meeting)


# --- writing the minutes -----------------------------------------------------------------------

Long = Annotated[str, StringConstraints(max_length=10000)]


class AgendaNoteIn(Schema):
    agenda_item_id: Id
    notes: Long


class AgendaNoteOut(Schema):
    agenda_item_id: int
    title: str
    notes: str


class MinutesIn(Schema):
    """The whole record: who was there, the summary the client reads, the notes per agenda
    item (items not named keep theirs) and the internal notes the client never reads."""

    present_user_ids: Ids = []
    present_contact_ids: Ids = []
    summary: Long = ""
    notes: Annotated[list[AgendaNoteIn], Field(max_length=200)] = []
    internal_notes: Long = ""
    confirm_days: Annotated[int, Field(ge=1, le=60)] = Field(
        5, description="Days the client attendees have to confirm a published version."
    )
    reason: Annotated[str, StringConstraints(max_length=2000)] = Field(
        "",
        description="Once published, a change to what the client reads publishes a "
        "correction: say what it changes (required then).",
    )


class MinutesOut(Schema):
    recorded: bool = Field(description="false until the minutes are first recorded")
    meeting_state: str
    present_user_ids: list[int]
    present_contact_ids: list[int]
    summary: str
    notes: list[AgendaNoteOut]
    internal_notes: str
    confirm_days: int
    recorded_by_id: int | None
    published_version: int | None = Field(description="The latest published version's number.")
    unpublished_changes: bool = Field(
        description="What the client would read differs from the latest published version."
    )
    updated_at: datetime | None


class PublishIn(Schema):
    reason: Annotated[str, StringConstraints(max_length=2000)] = Field(
        "", description="What a correction changes (required once a version is published)."
    )


MINUTES_BODY_FIELDS = {
    "present_users": "present_user_ids",
    "present_contacts": "present_contact_ids",
}


def _minutes_out(meeting: Meeting) -> MinutesOut:
    minutes = getattr(meeting, "minutes", None)
    latest = minutes_services.latest_version(meeting) if minutes is not None else None
    return MinutesOut(
        recorded=minutes is not None,
        meeting_state=meeting.state,
        present_user_ids=sorted(u.pk for u in minutes.present_users.all()) if minutes else [],
        present_contact_ids=sorted(c.pk for c in minutes.present_contacts.all()) if minutes else [],
        summary=minutes.summary if minutes else "",
        notes=[
            AgendaNoteOut(agenda_item_id=item.pk, title=item.title, notes=item.notes)
            for item in selectors.agenda(meeting=meeting)
        ],
        internal_notes=minutes.internal_notes if minutes else "",
        confirm_days=minutes.confirm_days if minutes else 5,
        recorded_by_id=minutes.recorded_by_id if minutes else None,
        published_version=latest.number if latest else None,
        unpublished_changes=minutes_services.has_unpublished_changes(meeting),
        updated_at=minutes.updated_at if minutes else None,
    )


@router.get(
    "/projects/{project_id}/meetings/{number}/minutes/draft",
    response=MinutesOut,
    operation_id="meeting_minutes_draft_get",
)
def meeting_minutes_draft_get(request: ActorRequest, project_id: int, number: int) -> MinutesOut:
    """The minutes as recorded (internal notes included): what the next published version
    would be made of."""
    project, meeting = _meeting(request, project_id, number)
    _readable(project, request)
    return _minutes_out(meeting)


@router.put(
    "/projects/{project_id}/meetings/{number}/minutes/draft",
    response=MinutesOut,
    operation_id="meeting_minutes_record",
)
def meeting_minutes_record(
    request: ActorRequest, project_id: int, number: int, payload: MinutesIn
) -> MinutesOut:
    """Record or edit the minutes, once the meeting has started. The first recording holds the
    meeting and logs it as a touchpoint; once published, a change to what the client reads
    publishes a correction at once (``reason`` required), internal notes change freely."""
    _project, meeting = _meeting(request, project_id, number)
    values = payload.dict()
    notes = {note["agenda_item_id"]: note["notes"] for note in values.pop("notes")}
    with named_by_body(MINUTES_BODY_FIELDS):
        minutes_services.minutes_record(actor=request.actor, meeting=meeting, notes=notes, **values)
    return _minutes_out(_meeting(request, project_id, number)[1])


@router.post(
    "/projects/{project_id}/meetings/{number}/minutes/publish",
    response={201: MinutesVersionOut},
    operation_id="meeting_minutes_publish",
)
def meeting_minutes_publish(
    request: ActorRequest, project_id: int, number: int, payload: PublishIn
) -> Status[MinutesVersion]:
    """Publish the recorded minutes to the client: a frozen version the client attendees are
    asked (by email) to confirm within the minutes' ``confirm_days``. Once published, this
    publishes a correction (``reason`` required); unchanged minutes are refused."""
    _project, meeting = _meeting(request, project_id, number)
    version = minutes_services.minutes_publish(
        actor=request.actor, meeting=meeting, reason=payload.reason
    )
    return Status(201, version)


# --- one agenda item, one decision ---------------------------------------------------------------


class AgendaItemPatch(Schema):
    """Only what changes; ``order`` moves it on the agenda. One owner at most: naming one
    clears the other."""

    title: Title | None = None
    time_box: Annotated[int, Field(ge=1, le=480)] | None = None
    order: Annotated[int, Field(ge=0, le=10000)] | None = None
    owner_user_id: Id | None = None
    owner_contact_id: Id | None = None


def _agenda_item(meeting: Meeting, item_id: int) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.select_related("meeting__project", "owner_user", "owner_contact"),
        meeting=meeting,
        pk=item_id,
    )


@router.get(
    "/projects/{project_id}/meetings/{number}/agenda-items/{item_id}",
    response=AgendaItemOut,
    operation_id="agenda_items_get",
)
def agenda_items_get(
    request: ActorRequest, project_id: int, number: int, item_id: int
) -> AgendaItem:
    project, meeting = _meeting(request, project_id, number)
    _readable(project, request)
    return _agenda_item(meeting, item_id)


@router.patch(
    "/projects/{project_id}/meetings/{number}/agenda-items/{item_id}",
    response=AgendaItemOut,
    operation_id="agenda_items_update",
)
def agenda_items_update(
    request: ActorRequest, project_id: int, number: int, item_id: int, payload: AgendaItemPatch
) -> AgendaItem:
    _project, meeting = _meeting(request, project_id, number)
    item = _agenda_item(meeting, item_id)
    changes = payload.dict(exclude_unset=True)
    values: dict[str, Any] = {
        "title": item.title,
        "time_box": item.time_box,
        "order": item.order,
        "owner_user_id": item.owner_user_id,
        "owner_contact_id": item.owner_contact_id,
    }
    if {"owner_user_id", "owner_contact_id"} & changes.keys():
        values["owner_user_id"] = changes.pop("owner_user_id", None)
        values["owner_contact_id"] = changes.pop("owner_contact_id", None)
    values.update({name: value for name, value in changes.items() if value is not None})
    services.agenda_item_update(actor=request.actor, item=item, **values)
    return _agenda_item(meeting, item_id)


@router.delete(
    "/projects/{project_id}/meetings/{number}/agenda-items/{item_id}",
    response={204: None},
    operation_id="agenda_items_delete",
)
def agenda_items_delete(
    request: ActorRequest, project_id: int, number: int, item_id: int
) -> Status[None]:
    _project, meeting = _meeting(request, project_id, number)
    services.agenda_item_delete(actor=request.actor, item=_agenda_item(meeting, item_id))
    return Status(204, None)


def _decision(meeting: Meeting, decision_id: int) -> MeetingDecision:
    return get_object_or_404(
        MeetingDecision.objects.select_related("meeting__project"),
        meeting=meeting,
        pk=decision_id,
    )


@router.get(
    "/projects/{project_id}/meetings/{number}/decisions/{decision_id}",
    response=MeetingDecisionOut,
    operation_id="meeting_decisions_get",
)
def meeting_decisions_get(
    request: ActorRequest, project_id: int, number: int, decision_id: int
) -> MeetingDecision:
    project, meeting = _meeting(request, project_id, number)
    _readable(project, request)
    return _decision(meeting, decision_id)


@router.delete(
    "/projects/{project_id}/meetings/{number}/decisions/{decision_id}",
    response={204: None},
    operation_id="meeting_decisions_delete",
)
def meeting_decisions_delete(
    request: ActorRequest, project_id: int, number: int, decision_id: int
) -> Status[None]:
    """Remove a decision recorded by mistake (a published version keeps it as it was)."""
    _project, meeting = _meeting(request, project_id, number)
    minutes_services.decision_delete(actor=request.actor, decision=_decision(meeting, decision_id))
    return Status(204, None)
