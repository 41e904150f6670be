"""Meetings through the client portal API (``/api/v1/portal/``, a contact's portal token): the
meetings the contact is invited to with their agenda and published minutes (never the internal
notes), the answer to the minutes, and the contact's own action items, which they close."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import StringConstraints

from rapport.core.api_pagination import Pages
from rapport.meetings import minutes as minutes_services
from rapport.meetings import selectors
from rapport.meetings.models import ActionItem, Meeting
from rapport.portal.api import PortalTokenAuth
from rapport.projects.selectors import project_get
from rapport.tenancy.actors import ActorRequest

portal_router = Router(auth=PortalTokenAuth(), tags=["client portal"])


class PortalAgendaItemOut(Schema):
    title: str
    owner: str
    time_box: int


class PortalMinutesOut(Schema):
    version: int
    published_at: datetime
    confirm_by: datetime
    corrects: int | None
    reason: str
    content: dict[str, Any]


class PortalMeetingOut(Schema):
    number: int
    title: str
    kind: str
    state: str
    start: datetime
    end: datetime
    time_zone: str
    place: str
    video_link: str
    cancel_reason: str


class PortalMeetingDetailOut(PortalMeetingOut):
    agenda: list[PortalAgendaItemOut]
    minutes: PortalMinutesOut | None

    @staticmethod
    def resolve_agenda(obj: Meeting) -> list[PortalAgendaItemOut]:
        return [
            PortalAgendaItemOut(
                title=item.title, owner=str(item.owner or ""), time_box=item.time_box
            )
            for item in selectors.agenda(meeting=obj)
        ]

    @staticmethod
    def resolve_minutes(obj: Meeting) -> PortalMinutesOut | None:
        version = minutes_services.latest_version(obj)
        if version is None:
            return None
        return PortalMinutesOut(
            version=version.number,
            published_at=version.published_at,
            confirm_by=version.confirm_by,
            corrects=version.corrects.number if version.corrects else None,
            reason=version.reason,
            content=version.content,
        )


class MinutesAnswerIn(Schema):
    answer: Literal["confirm", "correct"]
    comment: Annotated[str, StringConstraints(max_length=4000)] = ""


class MinutesAnswerOut(Schema):
    version: int
    answer: str
    comment: str
    answered_at: datetime


class PortalActionItemOut(Schema):
    id: int
    project_id: int
    what: str
    due_date: date
    status: str
    overdue_days: int
    closed_note: str

    @staticmethod
    def resolve_overdue_days(obj: ActionItem) -> int:
        return obj.overdue_days()


class PortalActionItemCloseIn(Schema):
    note: Annotated[str, StringConstraints(max_length=4000)]


def _meeting(request: ActorRequest, project_id: int, number: int) -> Meeting:
    project = project_get(actor=request.actor, project_id=project_id)
    return selectors.meeting_get(actor=request.actor, project=project, number=number)


@portal_router.get(
    "/projects/{project_id}/meetings",
    response=list[PortalMeetingOut],
    operation_id="portal_meetings_list",
)
@paginate(Pages)
def portal_meetings_list(request: ActorRequest, project_id: int) -> QuerySet[Meeting]:
    """The project's meetings you are invited to."""
    project = project_get(actor=request.actor, project_id=project_id)
    return selectors.meeting_list(actor=request.actor, project=project)


@portal_router.get(
    "/projects/{project_id}/meetings/{number}",
    response=PortalMeetingDetailOut,
    operation_id="portal_meetings_get",
)
def portal_meetings_get(request: ActorRequest, project_id: int, number: int) -> Meeting:
    """A meeting with its agenda and, once published, the latest version of its minutes."""
    return _meeting(request, project_id, number)


@portal_router.post(
    "/projects/{project_id}/meetings/{number}/minutes/answer",
    response=MinutesAnswerOut,
    operation_id="portal_meetings_answer",
)
def portal_meetings_answer(
    request: ActorRequest, project_id: int, number: int, payload: MinutesAnswerIn
) -> MinutesAnswerOut:
    """Confirm the latest version of the minutes, or propose a correction (``comment``):
    once per version, within its window."""
    meeting = _meeting(request, project_id, number)
    response = minutes_services.minutes_respond(
        actor=request.actor,
        meeting=meeting,
        confirm=payload.answer == "confirm",
        comment=payload.comment,
    )
    return MinutesAnswerOut(
        version=response.version.number,
        answer=response.kind,
        comment=response.comment,
        answered_at=response.created_at,
    )


@portal_router.get(
    "/action-items", response=list[PortalActionItemOut], operation_id="portal_action_items_list"
)
@paginate(Pages)
def portal_action_items_list(
    request: ActorRequest, status: ActionItem.Status | None = None
) -> QuerySet[ActionItem]:
    """Your action items, on your clients' projects."""
    return selectors.action_item_list(actor=request.actor, status=status.value if status else "")


@portal_router.post(
    "/action-items/{action_item_id}/close",
    response=PortalActionItemOut,
    operation_id="portal_action_items_close",
)
def portal_action_items_close(
    request: ActorRequest, action_item_id: int, payload: PortalActionItemCloseIn
) -> ActionItem:
    """Close your action item with a note of what was done."""
    item = selectors.action_item_get(actor=request.actor, action_item_id=action_item_id)
    minutes_services.action_item_close(actor=request.actor, action_item=item, note=payload.note)
    return selectors.action_item_get(actor=request.actor, action_item_id=item.pk)
