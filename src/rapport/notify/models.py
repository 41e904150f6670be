from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.notify.kinds import Delivery


class OutboundEmail(models.Model):
    """Every email Rapport sends, kept as sent: the outbox an admin reads, and the record of
    delivery or failure."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(
        "tenancy.Organisation", on_delete=models.CASCADE, null=True, related_name="+"
    )
    to = models.EmailField(_("to"), max_length=254)
    reply_to = models.CharField(_("reply to"), max_length=320, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    language = models.CharField(_("language"), max_length=10)
    kind = models.CharField(_("kind"), max_length=40)
    # [{"builder": name, "args": {...}}]: files built at sending, see notify.attachments
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    # RFC 8058 one-click unsubscribe target; empty for the kinds a person must receive
    unsubscribe_url = models.CharField(_("unsubscribe link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class Notification(models.Model):
    """One event for one person: shown in the app (members) or the portal (contacts) until
    read, and the line of the daily digest when the person chose the digest for its kind.

    ``user`` is the account that reads it; a contact without a portal login has none, and the
    row then only feeds their digest."""

    class Side(models.TextChoices):
        MEMBER = "member", _("App")
        CONTACT = "contact", _("Client portal")

    organisation = models.ForeignKey(
        "tenancy.Organisation", on_delete=models.CASCADE, null=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    contact = models.ForeignKey(
        "clients.Contact", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    language = models.CharField(_("language"), max_length=10)
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=255)
    link = models.CharField(_("link"), max_length=500, blank=True)  # a path on this site
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    in_digest = models.BooleanField(_("waiting for the digest"), default=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "side", "organisation", "read_at"]),
            models.Index(fields=["in_digest", "email"]),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """How one person receives one kind: a portal contact without a login is known by the
    contact row (reached through the unsubscribe link), everyone else by their user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification_preferences",
    )
    contact = models.ForeignKey(
        "clients.Contact", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=40)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=models.Q(user__isnull=False),
                name="notify_preference_user_kind",
            ),
            models.UniqueConstraint(
                fields=["contact", "kind"],
                condition=models.Q(user__isnull=True),
                name="notify_preference_contact_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | models.Q(contact__isnull=False),
                name="notify_preference_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.delivery}"
