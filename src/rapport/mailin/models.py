"""Email in: every notification that may be answered by email carries its own reply address
(``reply+TOKEN@domain``); what arrives at such an address is kept as received, then posted
where the token points, as from the person the notification went to."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReplyToken(models.Model):
    """One notification's reply address: what it answers (``kind``, ``object_id``) and who may
    answer (``recipient_email``). Only the token's digest is stored."""

    organisation = models.ForeignKey(
        "tenancy.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    recipient_email = models.EmailField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("reply address")
        verbose_name_plural = _("reply addresses")
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} → {self.recipient_email}"


class InboundEmail(models.Model):
    """An email as it was received, before and after Rapport dealt with it; a second delivery
    of the same message (same Message-ID, same address) is not kept twice."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        POSTED = "posted", _("Posted")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(
        "tenancy.Organisation", on_delete=models.CASCADE, null=True, related_name="+"
    )
    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    mail_from = models.CharField(_("envelope sender"), max_length=320, blank=True)
    rcpt_to = models.CharField(_("address"), max_length=320)
    message_id = models.CharField(_("Message-ID"), max_length=500, blank=True)
    raw = models.BinaryField(_("message"))
    size = models.PositiveIntegerField(_("size"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    reason = models.TextField(_("reason"), blank=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbound email")
        verbose_name_plural = _("inbound emails")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message_id", "rcpt_to"],
                condition=~Q(message_id=""),
                name="inbound_email_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rcpt_to} · {self.message_id or self.pk}"
