"""Conversations with the project team through the client portal API (``/api/v1/portal/``,
a contact's portal API token): the same operations as the team's, showing only what the
client sees (no waiting clock, no response times). Files are attached through the portal's
pages only."""

from django.db.models import QuerySet
from ninja import Router, Status
from ninja.pagination import paginate

from rapport.core.api_pagination import Pages
from rapport.messaging.api import (
    AttachmentOut,
    MessageIn,
    MessageOut,
    ThreadIn,
    ThreadOut,
    attachments_of,
    message_post,
    thread_list,
    thread_open,
    thread_read,
)
from rapport.messaging.models import Message, Thread
from rapport.portal.api import PortalTokenAuth
from rapport.tenancy.actors import ActorRequest

router = Router(auth=PortalTokenAuth(), tags=["client portal"])


class PortalMessageOut(MessageOut):
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj: Message) -> list[AttachmentOut]:
        return attachments_of(obj, "portal_messages")


class PortalThreadDetailOut(ThreadOut):
    messages: list[PortalMessageOut]

    @staticmethod
    def resolve_messages(obj: Thread) -> list[Message]:
        return list(getattr(obj, "conversation", []))


@router.get(
    "/projects/{project_id}/threads",
    response=list[ThreadOut],
    operation_id="portal_threads_list",
)
@paginate(Pages)
def portal_threads_list(request: ActorRequest, project_id: int) -> QuerySet[Thread]:
    """Your conversations with the project team, the latest first, each with how many of its
    messages you have not read."""
    return thread_list(request, project_id)


@router.post(
    "/projects/{project_id}/threads",
    response={201: PortalThreadDetailOut},
    operation_id="portal_threads_create",
)
def portal_threads_create(
    request: ActorRequest, project_id: int, payload: ThreadIn
) -> Status[Thread]:
    """Start a conversation with the project team; the project manager gets it by email."""
    return Status(201, thread_open(request, project_id, payload))


@router.get(
    "/projects/{project_id}/threads/{thread_id}",
    response=PortalThreadDetailOut,
    operation_id="portal_threads_get",
)
def portal_threads_get(request: ActorRequest, project_id: int, thread_id: int) -> Thread:
    """The conversation, oldest message first; reading it marks it read for you."""
    return thread_read(request, project_id, thread_id)


@router.post(
    "/projects/{project_id}/threads/{thread_id}/messages",
    response={201: PortalMessageOut},
    operation_id="portal_threads_messages_create",
)
def portal_threads_messages_create(
    request: ActorRequest, project_id: int, thread_id: int, payload: MessageIn
) -> Status[Message]:
    """Answer in the conversation; the project team gets it by email."""
    return Status(201, message_post(request, project_id, thread_id, payload))
