"""Conversations with the client through the API, for the project's team: list a project's
threads (with what you have not read), read one (which marks it read), open one, answer.
Bodies are markdown, returned raw and rendered (sanitised). Files are attached through the
pages only; here they are listed with the page address that downloads them. (Client contacts
use the same operations under the portal API: rapport.messaging.portal_api.)"""

from datetime import datetime
from typing import Annotated

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints

from rapport.core import markdown
from rapport.core.api_pagination import Pages
from rapport.messaging import selectors, services
from rapport.messaging.models import BODY_MAX, Message, Thread
from rapport.projects.models import Project
from rapport.projects.selectors import project_get
from rapport.tenancy.actors import ActorRequest

router = Router(tags=["messages"])

Subject = Annotated[str, StringConstraints(max_length=200)]
Body = Annotated[str, StringConstraints(max_length=BODY_MAX)]


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    download_url: str  # a page address: downloads need a signed-in session


def attachments_of(message: Message, namespace: str) -> list[AttachmentOut]:
    thread = message.thread
    return [
        AttachmentOut(
            id=attachment.pk,
            filename=attachment.filename,
            content_type=attachment.content_type,
            size=attachment.size,
            download_url=reverse(
                f"{namespace}:attachment", args=[thread.project_id, thread.pk, attachment.pk]
            ),
        )
        for attachment in message.attachments.all()
    ]


class MessageOut(Schema):
    id: int
    author: str
    from_client: bool
    body: str
    body_html: str
    via: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj: Message) -> str:
        return obj.author_name

    @staticmethod
    def resolve_body_html(obj: Message) -> str:
        return str(markdown.render(obj.body))


class TeamMessageOut(MessageOut):
    response_seconds: int | None  # on the team's first answer: how long the client waited
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj: Message) -> list[AttachmentOut]:
        return attachments_of(obj, "messages_app")


class ThreadOut(Schema):
    id: int
    subject: str
    opened_by: str
    opened_by_client: bool
    created_at: datetime
    last_message_at: datetime
    message_count: int
    unread_count: int
    unread: bool

    @staticmethod
    def resolve_opened_by(obj: Thread) -> str:
        return obj.opener_name

    @staticmethod
    def resolve_unread_count(obj: Thread) -> int:
        return int(getattr(obj, "unread", 0))

    @staticmethod
    def resolve_unread(obj: Thread) -> bool:
        return bool(getattr(obj, "unread", 0))


class TeamThreadOut(ThreadOut):
    waiting_since: datetime | None  # the client's oldest message not answered yet


class TeamThreadDetailOut(TeamThreadOut):
    messages: list[TeamMessageOut]

    @staticmethod
    def resolve_messages(obj: Thread) -> list[Message]:
        return list(getattr(obj, "conversation", []))


class ThreadIn(Schema):
    subject: Subject
    body: Body


class MessageIn(Schema):
    body: Body


# --- shared by the team's and the client's operations --------------------------------------------


def project_of(request: ActorRequest, project_id: int) -> Project:
    return project_get(actor=request.actor, project_id=project_id)


def thread_list(request: ActorRequest, project_id: int) -> QuerySet[Thread]:
    project = project_of(request, project_id)
    return selectors.thread_list(actor=request.actor, project=project)


def thread_read(request: ActorRequest, project_id: int, thread_id: int) -> Thread:
    """The thread with its messages (as ``thread.conversation``); reading marks it read."""
    actor = request.actor
    project = project_of(request, project_id)
    thread = get_object_or_404(selectors.thread_list(actor=actor, project=project), pk=thread_id)
    conversation = list(selectors.thread_messages(thread=thread))
    for message in conversation:
        message.thread = thread
    thread.conversation = conversation  # type: ignore[attr-defined]
    services.thread_mark_read(actor=actor, thread=thread)
    return thread


def thread_open(request: ActorRequest, project_id: int, payload: ThreadIn) -> Thread:
    project = project_of(request, project_id)
    thread = services.thread_open(
        actor=request.actor, project=project, subject=payload.subject, body=payload.body
    )
    return thread_read(request, project_id, thread.pk)


def message_post(
    request: ActorRequest, project_id: int, thread_id: int, payload: MessageIn
) -> Message:
    project = project_of(request, project_id)
    thread = selectors.thread_get(actor=request.actor, project=project, thread_id=thread_id)
    message = services.message_post(actor=request.actor, thread=thread, body=payload.body)
    return selectors.thread_messages(thread=thread).select_related("thread").get(pk=message.pk)


# --- the team's operations -----------------------------------------------------------------------


@router.get(
    "/projects/{project_id}/threads", response=list[TeamThreadOut], operation_id="threads_list"
)
@paginate(Pages)
def threads_list(request: ActorRequest, project_id: int) -> QuerySet[Thread]:
    """The project's conversations with the client, the latest first, each with how many of
    its messages you have not read."""
    return thread_list(request, project_id)


@router.post(
    "/projects/{project_id}/threads",
    response={201: TeamThreadDetailOut},
    operation_id="threads_create",
)
def threads_create(request: ActorRequest, project_id: int, payload: ThreadIn) -> Status[Thread]:
    """Open a conversation with the client's portal contacts (the project must be in the
    portal); they get it by email."""
    return Status(201, thread_open(request, project_id, payload))


@router.get(
    "/projects/{project_id}/threads/{thread_id}",
    response=TeamThreadDetailOut,
    operation_id="threads_get",
)
def threads_get(request: ActorRequest, project_id: int, thread_id: int) -> Thread:
    """The conversation, oldest message first; reading it marks it read for you."""
    return thread_read(request, project_id, thread_id)


@router.post(
    "/projects/{project_id}/threads/{thread_id}/messages",
    response={201: TeamMessageOut},
    operation_id="threads_messages_create",
)
def threads_messages_create(
    request: ActorRequest, project_id: int, thread_id: int, payload: MessageIn
) -> Status[Message]:
    """Answer in the conversation; the client's portal contacts get it by email."""
    return Status(201, message_post(request, project_id, thread_id, payload))
