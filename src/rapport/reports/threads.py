"""The client's questions and comments on a published status report: a portal contact opens a
thread or adds to one, the project team answers. ``waiting_since`` says how long the client
has been waiting; every post is audited and emailed to the other side in their language."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.clients.models import Contact
from rapport.core.services import assign, require
from rapport.mailin import addresses
from rapport.notify.services import email_queue
from rapport.reports import permissions
from rapport.reports.models import MESSAGE_MAX_LENGTH, ReportMessage, ReportThread, StatusReport
from rapport.tenancy.actors import Actor


def _checked_message(body: str) -> ReportMessage:
    """An unsaved message with the body stripped; empty, oversized or NUL text refused."""
    if not isinstance(body, str):
        raise ValidationError({"body": _("Enter a text value.")}, code="invalid")
    message = ReportMessage()
    assign(message, ("body",), {"body": body})
    if not message.body:
        raise ValidationError({"body": _("Write your message first.")}, code="required")
    if len(message.body) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {
                "body": _("Keep the message to %(max)s characters at most (it has %(length)s).")
                % {"max": MESSAGE_MAX_LENGTH, "length": len(message.body)}
            },
            code="max_length",
        )
    return message


def _refuse_unless_published(report: StatusReport) -> None:
    if not report.is_published:
        raise ValidationError(
            _("Questions are asked on published reports only. Nothing was sent."),
            code="unpublished",
        )


def _report(report: StatusReport) -> StatusReport:
    return StatusReport.objects.select_related(
        "project__organisation", "project__client", "project__pm"
    ).get(pk=report.pk)


def _locked_thread(thread: ReportThread) -> ReportThread:
    return (
        ReportThread.objects.select_for_update(of=("self",))
        .select_related(
            "report__project__organisation", "report__project__client", "report__project__pm"
        )
        .get(pk=thread.pk)
    )


def _asking_contact(actor: Actor, report: StatusReport) -> Contact:
    contact = permissions.asking_contact(actor, report.project)
    if contact is None:
        raise PermissionDenied
    return contact


def _link(name: str, thread: ReportThread) -> str:
    report = thread.report
    return (
        settings.SITE_URL
        + reverse(name, args=[report.project_id, report.number])
        + f"#thread-{thread.pk}"
    )


def _reply_address(thread: ReportThread, recipient: str) -> str | None:
    """Answering the notification by email posts in the thread, as its recipient."""
    return addresses.reply_address(
        kind="report_thread",
        object_id=thread.pk,
        recipient_email=recipient,
        organisation_id=thread.report.project.organisation_id,
    )


def _tell_pm(thread: ReportThread, message: ReportMessage, *, follow_up: bool) -> None:
    """The project's manager learns of the client's message, in their own language."""
    report = thread.report
    project = report.project
    pm = project.pm
    if not pm.is_active or not pm.email:
        return
    reply_to = _reply_address(thread, pm.email)
    email_queue(
        to=pm.email,
        reply_to=reply_to,
        template="report_question",
        language=pm.language,
        kind="report_question",
        organisation_id=project.organisation_id,
        context={
            "name": pm.full_name,
            "author": message.author_name,
            "client": project.client.name,
            "project": project.name,
            "reference": report.reference,
            "body": message.body,
            "follow_up": follow_up,
            "link": _link("reports:detail", thread),
            "can_reply": bool(reply_to),
        },
    )


def _tell_contacts(thread: ReportThread, message: ReportMessage) -> None:
    """The contacts who wrote in the thread read the team's answer, each in their language."""
    report = thread.report
    project = report.project
    writers = Contact.objects.filter(
        pk__in=thread.messages.filter(author_contact__isnull=False).values("author_contact"),
        client_id=project.client_id,
        portal_access=True,
    ).exclude(email="")
    for contact in writers.order_by("pk"):
        reply_to = _reply_address(thread, contact.email)
        email_queue(
            to=contact.email,
            reply_to=reply_to,
            template="report_answer",
            language=contact.language,
            kind="report_answer",
            organisation_id=project.organisation_id,
            context={
                "name": contact.full_name,
                "author": message.author_name,
                "project": project.name,
                "reference": report.reference,
                "body": message.body,
                "link": _link("portal_reports:detail", thread),
                "can_reply": bool(reply_to),
            },
        )


def _record(actor: Actor, action: str, message: ReportMessage) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=message,
        organisation_id=message.thread.report.project.organisation_id,
        contact_id=message.author_contact_id,
        changes={"thread": [None, str(message.thread)], "body": [None, message.body]},
    )


@transaction.atomic
def report_thread_open(*, actor: Actor, report: StatusReport, body: str) -> ReportThread:
    """A client contact asks a question or comments on a published report; the thread waits
    for the team's answer and the project manager is told."""
    report = _report(report)
    contact = _asking_contact(actor, report)
    _refuse_unless_published(report)
    message = _checked_message(body)
    now = timezone.now()
    thread = ReportThread.objects.create(report=report, opened_by=contact, waiting_since=now)
    message.thread = thread
    message.author_contact = contact
    message.save()
    _record(actor, "question_asked", message)
    _tell_pm(thread, message, follow_up=False)
    return thread


@transaction.atomic
def report_thread_follow_up(*, actor: Actor, thread: ReportThread, body: str) -> ReportMessage:
    """Any portal contact of the client adds to a thread; it waits for an answer from the
    oldest message nobody has answered yet."""
    thread = _locked_thread(thread)
    report = thread.report
    contact = _asking_contact(actor, report)
    _refuse_unless_published(report)
    message = _checked_message(body)
    message.thread = thread
    message.author_contact = contact
    message.save()
    if thread.waiting_since is None:
        thread.waiting_since = message.created_at
        thread.save(update_fields=["waiting_since"])
    _record(actor, "question_followed_up", message)
    _tell_pm(thread, message, follow_up=True)
    return message


@transaction.atomic
def report_thread_answer(*, actor: Actor, thread: ReportThread, body: str) -> ReportMessage:
    """The project team answers: the thread no longer waits, and the contacts who wrote in it
    are told."""
    thread = _locked_thread(thread)
    report = thread.report
    require(permissions.can_answer(actor, report.project))
    _refuse_unless_published(report)
    message = _checked_message(body)
    message.thread = thread
    message.author_user = actor.user
    message.save()
    if thread.waiting_since is not None:
        thread.waiting_since = None
        thread.save(update_fields=["waiting_since"])
    _record(actor, "question_answered", message)
    _tell_contacts(thread, message)
    return message
