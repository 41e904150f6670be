"""A project's closure: the PM's narrative and lessons, the checklist's manual items, the
closure report frozen when the project closes, and the client's acceptance of it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.core.models import TimeStamped


class Closure(TimeStamped):
    class State(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        CLOSED = "closed", _("Closed, awaiting the client's acceptance")
        ACCEPTED = "accepted", _("Accepted by the client")

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="closure"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PREPARING
    )
    narrative = models.TextField(_("project summary"), max_length=20000, blank=True)
    lessons = models.TextField(_("lessons learned"), max_length=20000, blank=True)
    budget_closed_on = models.DateField(_("budget closed on"), null=True, blank=True)
    budget_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Frozen when the project closes: what the team reads, and what the client is shown.
    report = models.JSONField(_("closure report"), null=True, blank=True)
    client_report = models.JSONField(null=True, blank=True)
    override_reason = models.TextField(_("reason for closing anyway"), max_length=2000, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        "clients.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acceptance_comment = models.TextField(_("comment"), max_length=4000, blank=True)
    acceptance_ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("project closure")
        verbose_name_plural = _("project closures")

    def __str__(self) -> str:
        return f"{self.project} closure"
