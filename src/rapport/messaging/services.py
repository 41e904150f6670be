"""Opening threads and posting messages, one function per action. The permission check, the
waiting clock, the files, the audit event and the emails all happen here, so that the pages,
the API and mail coming in (a contact answering a notification) behave alike."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.clients.models import Contact
from rapport.clients.selectors import client_portal_contacts
from rapport.core import markdown
from rapport.core.services import assign, require
from rapport.mailin import addresses
from rapport.messaging import attachments as files
from rapport.messaging import permissions
from rapport.messaging.models import Message, MessageAttachment, Thread, ThreadRead, Via
from rapport.notify.models import OutboundEmail
from rapport.notify.services import email_queue
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import ADMIN_ROLES, Membership, User

REPLY_KIND = "thread"  # reply tokens of message notifications
# Which way in each kind of actor may write through.
VIA_OF = {"member": (Via.APP, Via.EMAIL), "contact": (Via.PORTAL, Via.EMAIL)}


def _via(actor: Actor, via: str | None) -> str:
    allowed = VIA_OF.get(actor.kind, ())
    if not allowed:
        raise ValueError(f"a {actor.kind} actor does not write messages")
    if via is None:
        return allowed[0]
    if via not in allowed:
        raise ValueError(f"a {actor.kind} does not write through {via!r}")
    return via


def _prepare(
    *, actor: Actor, project: Project, body: str, attachments: Sequence[File], via: str | None
) -> tuple[Message, list[files.Upload]]:
    """The message and its files, checked; nothing written yet."""
    contact = None
    if actor.is_contact:
        contact = permissions.speaking_contact(actor, project)
        require(contact is not None)
    else:
        require(permissions.can_take_part(actor, project))
    if actor.is_member and project.published_at is None:
        raise ValidationError(
            _("Publish the project to the client portal first: the client could not read it."),
            code="project_unpublished",
        )
    message = Message(
        author_user=actor.user if actor.is_member else None,
        author_contact=contact,
        via=_via(actor, via),
    )
    assign(message, ("body",), {"body": body})
    message.full_clean(exclude=["thread", "author_user", "author_contact", "response_seconds"])
    uploads = files.check(list(attachments))
    if not message.body and not uploads:
        raise ValidationError({"body": _("Write a message or attach a file.")}, code="empty")
    return message, uploads


def _mark_read(thread: Thread, user: User, up_to: datetime) -> None:
    """Move the person's read mark forward to ``up_to`` (never back)."""
    found = ThreadRead.objects.filter(thread=thread, user=user).update(
        last_read_at=Case(
            When(last_read_at__lt=up_to, then=Value(up_to)), default=F("last_read_at")
        )
    )
    if not found:
        ThreadRead.objects.get_or_create(thread=thread, user=user, defaults={"last_read_at": up_to})


def _post(
    *,
    actor: Actor,
    thread: Thread,
    message: Message,
    uploads: list[files.Upload],
    at: datetime,
) -> Message:
    """Write a checked message: the waiting clock, the files, the audit event, the emails.
    A file written before a later step fails is removed again."""
    project = thread.project
    message.thread = thread
    message.created_at = at
    if message.from_client:
        if thread.waiting_since is None:
            thread.waiting_since = at
    elif thread.waiting_since is not None:
        message.response_seconds = max(0, round((at - thread.waiting_since).total_seconds()))
        thread.waiting_since = None
    thread.last_message_at = max(thread.last_message_at, at)
    message.save()
    thread.save(update_fields=["waiting_since", "last_message_at"])
    assert actor.user is not None
    _mark_read(thread, actor.user, at)
    written: list[str] = []
    try:
        for upload in uploads:
            stored_name = files.write(upload, folder=f"{project.organisation_id}/{project.pk}")
            written.append(stored_name)
            MessageAttachment.objects.create(
                message=message,
                stored_name=stored_name,
                filename=upload.filename,
                content_type=upload.content_type,
                size=upload.size,
            )
        audit.record(
            actor=actor,
            action="posted",
            obj=message,
            organisation_id=project.organisation_id,
            contact_id=message.author_contact_id,
            changes={
                "via": [None, message.via],
                "body_length": [None, len(message.body)],
                **(
                    {"attachments": [None, [upload.filename for upload in uploads]]}
                    if uploads
                    else {}
                ),
            },
        )
        message_notify(message=message)
    except BaseException:
        for stored_name in written:
            files.remove(stored_name)
        raise
    return message


@transaction.atomic
def thread_open(
    *,
    actor: Actor,
    project: Project,
    subject: str,
    body: str,
    attachments: Sequence[File] = (),
    via: str | None = None,
    at: datetime | None = None,
) -> Thread:
    """Start a conversation on a project with its first message (either side may).
    ``at``: when it happened, for history told after the fact (the demo); now by default."""
    errors: dict[str, list[str]] = {}
    try:
        message, uploads = _prepare(
            actor=actor, project=project, body=body, attachments=attachments, via=via
        )
    except ValidationError as error:  # reported together with the subject's, if any
        errors.update(
            error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        )
        message, uploads = Message(), []
    at = at or timezone.now()
    thread = Thread(
        project=project,
        created_by_user=message.author_user,
        created_by_contact=message.author_contact,
        created_at=at,
        last_message_at=at,
    )
    try:
        assign(thread, ("subject",), {"subject": subject})
        thread.full_clean(
            exclude=["project", "created_by_user", "created_by_contact", "waiting_since"]
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    thread.save()
    audit.record(
        actor=actor,
        action="created",
        obj=thread,
        organisation_id=project.organisation_id,
        contact_id=message.author_contact_id,
        changes={"subject": [None, thread.subject]},
    )
    _post(actor=actor, thread=thread, message=message, uploads=uploads, at=at)
    return thread


@transaction.atomic
def message_post(
    *,
    actor: Actor,
    thread: Thread,
    body: str,
    attachments: Sequence[File] = (),
    via: str | None = None,
    at: datetime | None = None,
) -> Message:
    """Answer in a thread: a team member through the app, a client contact through the portal,
    either by email (``via="email"``: mail coming in calls this with the contact as actor)."""
    message, uploads = _prepare(
        actor=actor, project=thread.project, body=body, attachments=attachments, via=via
    )
    thread = Thread.objects.select_for_update().select_related("project__client").get(pk=thread.pk)
    return _post(
        actor=actor, thread=thread, message=message, uploads=uploads, at=at or timezone.now()
    )


@transaction.atomic
def thread_mark_read(*, actor: Actor, thread: Thread) -> None:
    """The actor has read the thread as far as its latest message (reading is not audited)."""
    require(permissions.can_take_part(actor, thread.project))
    if actor.user is not None:
        _mark_read(thread, actor.user, thread.last_message_at)


# --- the one place that emails a new message ---------------------------------------------------


def _team_recipients(message: Message) -> list[User]:
    """The project's PM and the team members who wrote in the thread, while they still work
    on the project."""
    thread = message.thread
    project = thread.project
    authors = thread.messages.filter(author_user__isnull=False).values("author_user_id")
    candidates = list(
        User.objects.filter(pk__in=authors, is_active=True)
        | User.objects.filter(pk=project.pm_id, is_active=True)
    )
    roles = dict(
        Membership.objects.filter(
            organisation_id=project.organisation_id, user__in=candidates
        ).values_list("user_id", "role")
    )
    team = set(project.memberships.values_list("user_id", flat=True))
    return [
        user
        for user in candidates
        if user.pk in roles
        and (user.pk == project.pm_id or user.pk in team or roles[user.pk] in ADMIN_ROLES)
        and user.pk != message.author_user_id
    ]


def _client_recipients(message: Message) -> list[Contact]:
    """All portal contacts of the project's client (the stakeholder register may narrow this
    later), once the project is in the portal."""
    project = message.thread.project
    if project.published_at is None:
        return []
    contacts = (
        client_portal_contacts(client_id=project.client_id)
        .filter(user__is_active=True)
        .exclude(email="")
    )
    if message.author_user_id is not None:
        contacts = contacts.exclude(user_id=message.author_user_id)
    return list(contacts)


def message_notify(*, message: Message) -> list[OutboundEmail]:
    """Email a new message to the other side, each in their language, with the message text
    (rendered safely) and a link to the thread; never to its author. A client's message goes
    to the project's PM and the team members who wrote in the thread, a team message to the
    client's portal contacts."""
    thread = message.thread
    project = thread.project
    context = {
        "project": project.name,
        "subject": thread.subject,
        "author": message.author_name,
        "from_client": message.from_client,
        "body": message.body,
        "body_html": markdown.render(message.body),
        "attachments": [attachment.filename for attachment in message.attachments.all()],
    }
    recipients: list[tuple[str, str, str, str]] = []
    if message.from_client:
        link = reverse("messages_app:thread", args=[project.pk, thread.pk])
        recipients = [
            (user.email, user.language, user.full_name, link) for user in _team_recipients(message)
        ]
    else:
        link = reverse("portal_messages:thread", args=[project.pk, thread.pk])
        recipients = [
            (contact.email, contact.language, contact.full_name, link)
            for contact in _client_recipients(message)
        ]
    queued = []
    for to, language, name, path in recipients:
        # answering the email posts in the thread, as its recipient (see rapport.mailin)
        reply_to = addresses.reply_address(
            kind=REPLY_KIND,
            object_id=thread.pk,
            recipient_email=to,
            organisation_id=project.organisation_id,
        )
        email = email_queue(
            to=to,
            reply_to=reply_to,
            template="message_posted",
            language=language,
            kind="message_posted",
            organisation_id=project.organisation_id,
            context={
                **context,
                "name": name,
                "link": settings.SITE_URL + path,
                "can_reply": bool(reply_to),
            },
        )
        if email is not None:  # None: the recipient chose the digest or no email
            queued.append(email)
    return queued
