from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from rapport.core.models import TimeStamped


class Project(TimeStamped):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        ON_HOLD = "on_hold", _("On hold")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    class ReportCadence(models.TextChoices):
        NONE = "none", _("None: drafted by hand")
        WEEKLY = "weekly", _("Weekly")
        FORTNIGHTLY = "fortnightly", _("Every two weeks")
        FOUR_WEEKLY = "four_weekly", _("Every four weeks")

    organisation = models.ForeignKey(
        "tenancy.Organisation", on_delete=models.CASCADE, related_name="projects"
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("client"),
    )
    name = models.CharField(_("name"), max_length=150)
    code = models.CharField(
        _("code"), max_length=20, help_text=_("A short reference, unique in your organisation.")
    )
    description = models.TextField(_("description"), blank=True, max_length=5000)
    pm = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="managed_projects",
        verbose_name=_("project manager"),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    # Shown in the client portal once published; who published it and when stay on record.
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set by an explicit re-baseline: unlocks the signed baseline for editing until the next
    # version is submitted, which carries this reason.
    rebaseline_reason = models.TextField(_("reason for re-baselining"), blank=True, max_length=2000)
    # While the project is active, the weekly schedule drafts a status report from the data on
    # this day for the PM to review and publish (reports.schedule decides when).
    report_cadence = models.CharField(
        _("status report cadence"),
        max_length=12,
        choices=ReportCadence.choices,
        default=ReportCadence.NONE,
        help_text=_(
            "While the project is active, a status report is drafted from the data on this "
            "day, in the project manager's language, for them to review and publish."
        ),
    )
    report_weekday = models.PositiveSmallIntegerField(
        _("status report day"), choices=list(WEEKDAYS.items()), default=4
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"],
                name="project_code_unique",
                violation_error_message=_("A project with this code already exists."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="project_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(report_weekday__lte=6), name="project_report_weekday_valid"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": _("The end date cannot be before the start date.")},
                code="end_before_start",
            )

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ProjectMember(TimeStamped):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_memberships"
    )
    can_see_financials = models.BooleanField(
        _("sees budget and actuals"),
        default=False,
        help_text=_("Team members see no budgets, costs or rates unless granted."),
    )

    class Meta:
        verbose_name = _("project member")
        verbose_name_plural = _("project members")
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="project_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.project}"
