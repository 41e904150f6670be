"""The client's questions on published status reports through the API. Members read a report's
threads and, if they manage the report, answer (``router``, under ``/api/v1/``); client
contacts read the threads of their client's published reports, open one and add to one
(``portal_router``, under ``/api/v1/portal/``, with a portal API token). A draft has no
threads: its report is not found for a contact, and its thread list is empty for a member."""

from datetime import datetime
from typing import Annotated

from django.db.models import QuerySet
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints

from rapport.core.api_pagination import Pages
from rapport.portal.api import PortalTokenAuth
from rapport.projects.selectors import project_get
from rapport.reports import selectors, thread_selectors, threads
from rapport.reports.models import MESSAGE_MAX_LENGTH, ReportMessage, ReportThread, StatusReport
from rapport.tenancy.actors import ActorRequest

router = Router(tags=["status reports"])
portal_router = Router(auth=PortalTokenAuth(), tags=["client portal"])

Body = Annotated[str, StringConstraints(max_length=MESSAGE_MAX_LENGTH)]


class ThreadMessageOut(Schema):
    id: int
    author_name: str
    from_team: bool  # written by the project team (else by a contact of the client)
    body: str
    created_at: datetime


class ReportThreadOut(Schema):
    id: int
    opened_by: str
    created_at: datetime
    waiting_since: datetime | None  # the oldest client message the team has not answered
    messages: list[ThreadMessageOut]

    @staticmethod
    def resolve_opened_by(obj: ReportThread) -> str:
        return obj.opened_by.full_name

    @staticmethod
    def resolve_messages(obj: ReportThread) -> list[ThreadMessageOut]:
        return [_message_out(message) for message in obj.messages.all()]


def _message_out(message: ReportMessage) -> ThreadMessageOut:
    return ThreadMessageOut(
        id=message.pk,
        author_name=message.author_name,
        from_team=message.from_team,
        body=message.body,
        created_at=message.created_at,
    )


class ReportMessageIn(Schema):
    body: Body


def _report(request: ActorRequest, project_id: int, number: int) -> StatusReport:
    project = project_get(actor=request.actor, project_id=project_id)
    return selectors.report_get(actor=request.actor, project=project, number=number)


def _thread(request: ActorRequest, project_id: int, number: int, thread_id: int) -> ReportThread:
    report = _report(request, project_id, number)
    return thread_selectors.thread_get(report=report, thread_id=thread_id)


# --- members ---------------------------------------------------------------------------------


@router.get(
    "/projects/{project_id}/status-reports/{number}/threads",
    response=list[ReportThreadOut],
    operation_id="status_report_threads_list",
)
@paginate(Pages)
def status_report_threads_list(
    request: ActorRequest, project_id: int, number: int
) -> QuerySet[ReportThread]:
    """The client's questions and comments on the report, oldest first, with every message."""
    return thread_selectors.threads_of(report=_report(request, project_id, number))


@router.post(
    "/projects/{project_id}/status-reports/{number}/threads/{thread_id}/messages",
    response={201: ReportThreadOut},
    operation_id="status_report_threads_answer",
)
def status_report_threads_answer(
    request: ActorRequest, project_id: int, number: int, thread_id: int, payload: ReportMessageIn
) -> Status[ReportThread]:
    """Answer the client (those who manage the report): the thread no longer waits and the
    contacts who wrote in it are emailed."""
    thread = _thread(request, project_id, number, thread_id)
    threads.report_thread_answer(actor=request.actor, thread=thread, body=payload.body)
    return Status(201, _thread(request, project_id, number, thread_id))


# --- client contacts -------------------------------------------------------------------------


@portal_router.get(
    "/projects/{project_id}/status-reports/{number}/threads",
    response=list[ReportThreadOut],
    operation_id="portal_status_report_threads_list",
)
@paginate(Pages)
def portal_status_report_threads_list(
    request: ActorRequest, project_id: int, number: int
) -> QuerySet[ReportThread]:
    """Your organisation's questions and comments on the report and the team's answers."""
    return thread_selectors.threads_of(report=_report(request, project_id, number))


@portal_router.post(
    "/projects/{project_id}/status-reports/{number}/threads",
    response={201: ReportThreadOut},
    operation_id="portal_status_report_threads_create",
)
def portal_status_report_threads_create(
    request: ActorRequest, project_id: int, number: int, payload: ReportMessageIn
) -> Status[ReportThread]:
    """Ask a question or comment on the report; it goes to the project manager at once."""
    report = _report(request, project_id, number)
    thread = threads.report_thread_open(actor=request.actor, report=report, body=payload.body)
    return Status(201, _thread(request, project_id, number, thread.pk))


@portal_router.post(
    "/projects/{project_id}/status-reports/{number}/threads/{thread_id}/messages",
    response={201: ReportThreadOut},
    operation_id="portal_status_report_threads_follow_up",
)
def portal_status_report_threads_follow_up(
    request: ActorRequest, project_id: int, number: int, thread_id: int, payload: ReportMessageIn
) -> Status[ReportThread]:
    """Add a message to a thread of the report; it waits for the team's answer again."""
    thread = _thread(request, project_id, number, thread_id)
    threads.report_thread_follow_up(actor=request.actor, thread=thread, body=payload.body)
    return Status(201, _thread(request, project_id, number, thread_id))
