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


def default_checkin_months() -> list[int]:
    return [1, 3, 6, 12]


class ClosureSettings(TimeStamped):
    """An organisation's closure settings: when, after a project closes, to check in with the
    client's key contacts (months after closing)."""

    organisation = models.OneToOneField(
        "tenancy.Organisation", on_delete=models.CASCADE, related_name="closure_settings"
    )
    checkin_months = models.JSONField(
        _("check-ins after closing (months)"), default=default_checkin_months
    )

    class Meta:
        verbose_name = _("closure settings")
        verbose_name_plural = _("closure settings")

    def __str__(self) -> str:
        return f"{self.organisation} closure settings"


class CheckIn(TimeStamped):
    """A planned conversation with one of the client's key contacts after the project closed,
    so the relationship goes on after delivery; done when a touchpoint records it."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="checkins"
    )
    contact = models.ForeignKey(
        "clients.Contact",
        on_delete=models.CASCADE,
        related_name="checkins",
        verbose_name=_("contact"),
    )
    months = models.PositiveSmallIntegerField(_("months after closing"))
    due_on = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    interaction = models.ForeignKey(
        "communication.Interaction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("touchpoint"),
    )

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "contact", "months"], name="checkin_unique")
        ]
        indexes = [models.Index(fields=["done_at", "due_on"])]

    def __str__(self) -> str:
        return f"{self.project} · {self.contact} · {self.months}"
