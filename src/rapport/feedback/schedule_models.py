"""An organisation's feedback settings (the low-score thresholds and default delays) and a
project's survey schedules: surveys sent on their own after each milestone, monthly, or at
closure, each occasion recorded once so that nothing is ever sent twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.core.models import TimeStamped

DEFAULT_LOW_RATING = 2  # a dimension scored at or below this opens a follow-up
DEFAULT_LOW_NPS = 6  # a recommendation at or below this (a detractor) opens a follow-up
DEFAULT_FOLLOW_UP_DAYS = 3  # the follow-up is due this many days after the feedback arrived
DEFAULT_REMIND_AFTER_DAYS = 5


class FeedbackSettings(TimeStamped):
    """What counts as a low score in this organisation, and its default delays."""

    organisation = models.OneToOneField(
        "tenancy.Organisation", on_delete=models.CASCADE, related_name="feedback_settings"
    )
    low_rating = models.PositiveSmallIntegerField(
        _("a rating at or below this opens a follow-up (1–5)"), default=DEFAULT_LOW_RATING
    )
    low_nps = models.PositiveSmallIntegerField(
        _("a recommendation at or below this opens a follow-up (0–10)"), default=DEFAULT_LOW_NPS
    )
    follow_up_days = models.PositiveSmallIntegerField(
        _("follow-up due after (days)"), default=DEFAULT_FOLLOW_UP_DAYS
    )
    remind_after_days = models.PositiveSmallIntegerField(
        _("remind after (days), by default"), default=DEFAULT_REMIND_AFTER_DAYS
    )

    class Meta:
        verbose_name = _("feedback settings")
        verbose_name_plural = _("feedback settings")

    def __str__(self) -> str:
        return f"{self.organisation} feedback settings"


class SurveySchedule(TimeStamped):
    """When a project's survey goes out on its own, with which template, to whom."""

    class Trigger(models.TextChoices):
        MILESTONE = "milestone", _("After each milestone is completed")
        MONTHLY = "monthly", _("Monthly")
        CLOSURE = "closure", _("At closure")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="survey_schedules"
    )
    trigger = models.CharField(_("when"), max_length=10, choices=Trigger.choices)
    day_of_month = models.PositiveSmallIntegerField(_("day of the month"), null=True, blank=True)
    template = models.ForeignKey(
        "feedback.SurveyTemplate",
        on_delete=models.PROTECT,
        related_name="schedules",
        verbose_name=_("survey template"),
    )
    all_portal_contacts = models.BooleanField(_("all contacts with portal access"), default=False)
    contacts = models.ManyToManyField(
        "clients.Contact", blank=True, related_name="+", verbose_name=_("contacts")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("survey schedule")
        ordering = ["trigger", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "trigger"], name="survey_schedule_trigger_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_trigger_display()}"


class ScheduledSending(models.Model):
    """One occasion of a schedule (a milestone, a month, the closure): created in the same
    transaction as the survey it sent, so a second attempt finds it and sends nothing."""

    schedule = models.ForeignKey(SurveySchedule, on_delete=models.CASCADE, related_name="sent")
    occasion = models.CharField(max_length=40)
    survey = models.ForeignKey(
        "feedback.Survey", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["schedule", "occasion"], name="scheduled_sending_once")
        ]

    def __str__(self) -> str:
        return f"{self.schedule} · {self.occasion}"
