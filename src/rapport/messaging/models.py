"""Portal messages: threaded conversations between a project's team and its client's portal
contacts. A message is written either by a team member (a user) or by a client contact, never
both; the thread remembers since when the client has been waiting for an answer, and the
answer remembers how long that wait was."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

BODY_MAX = 10_000


class Via(models.TextChoices):
    APP = "app", _("App")
    PORTAL = "portal", _("Client portal")
    EMAIL = "email", _("Email")


def _one_of(user_field: str, contact_field: str) -> Q:
    return Q(**{f"{user_field}__isnull": False, f"{contact_field}__isnull": True}) | Q(
        **{f"{user_field}__isnull": True, f"{contact_field}__isnull": False}
    )


class Thread(models.Model):
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="threads"
    )
    subject = models.CharField(_("subject"), max_length=200)
    # Opened by a team member or by a client contact (the evidence stays: PROTECT).
    created_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_by_contact = models.ForeignKey(
        "clients.Contact", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("opened"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message"), default=timezone.now)
    # The client's oldest message the team has not answered yet; null when answered.
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)

    class Meta:
        verbose_name = _("message thread")
        verbose_name_plural = _("message threads")
        ordering = ["-last_message_at", "-id"]
        indexes = [
            models.Index(fields=["project", "-last_message_at"], name="thread_project_recent"),
            models.Index(
                fields=["waiting_since"],
                condition=Q(waiting_since__isnull=False),
                name="thread_waiting_oldest",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=_one_of("created_by_user", "created_by_contact"),
                name="thread_one_opener",
            )
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def opened_by_client(self) -> bool:
        return self.created_by_contact_id is not None

    @property
    def opener_name(self) -> str:
        person = self.created_by_contact or self.created_by_user
        return str(person) if person else ""


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    author_contact = models.ForeignKey(
        "clients.Contact", on_delete=models.PROTECT, null=True, related_name="+"
    )
    body = models.TextField(
        _("message"), max_length=BODY_MAX, blank=True, validators=[MaxLengthValidator(BODY_MAX)]
    )
    via = models.CharField(_("sent through"), max_length=6, choices=Via.choices)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    # On the team's first answer to waiting client messages: how long the client waited.
    response_seconds = models.PositiveIntegerField(
        _("response time (seconds)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["thread", "created_at"], name="message_thread_time"),
            models.Index(
                fields=["created_at"],
                condition=Q(response_seconds__isnull=False),
                name="message_answer_time",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=_one_of("author_user", "author_contact"), name="message_one_author"
            )
        ]

    def __str__(self) -> str:
        # Never the body: this is what the audit trail keeps.
        return f"{self.thread.subject} #{self.pk}"

    @property
    def from_client(self) -> bool:
        return self.author_contact_id is not None

    @property
    def author_name(self) -> str:
        person = self.author_contact or self.author_user
        return str(person) if person else ""


class MessageAttachment(models.Model):
    """A file kept under the private attachment directory with a random name; served only
    through an access-checked download."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    stored_name = models.CharField(max_length=200, unique=True)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class ThreadRead(models.Model):
    """How far a person (team member or client contact: both sign in as users) has read."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="thread_read_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.thread_id} · {self.user_id}"
