"""Status reports: drafted from the project's data, edited by the PM, published (then frozen)
to the client, who acknowledges them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.core.models import TimeStamped
from rapport.reports.health import STATED_CHOICES

NARRATIVE_FIELDS = ("summary", "achievements", "problems", "asks", "next_steps")


class StatusReport(TimeStamped):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="status_reports"
    )
    number = models.PositiveIntegerField(_("number"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    summary = models.TextField(_("summary"), max_length=10000, blank=True)
    achievements = models.TextField(_("achievements"), max_length=10000, blank=True)
    problems = models.TextField(_("problems and solutions"), max_length=10000, blank=True)
    asks = models.TextField(_("asks of the client"), max_length=10000, blank=True)
    next_steps = models.TextField(_("next steps"), max_length=10000, blank=True)
    # {"dimensions": {name: {"colour", "reasons"}}, "overall": colour}, see reports.health
    health = models.JSONField(_("computed health"), default=dict)
    overall_health = models.CharField(_("computed health"), max_length=10, blank=True)
    stated_health = models.CharField(
        _("stated health"), max_length=10, choices=STATED_CHOICES, blank=True
    )
    stated_reason = models.TextField(_("reason for the stated health"), max_length=4000, blank=True)
    data = models.JSONField(_("data"), default=dict)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="status_report_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="status_report_period_ordered",
            ),
        ]
        indexes = [
            # a project's reports in a state, newest first: its latest published report in
            # one step of the index (the portal and the status lists)
            models.Index(
                fields=["project", "state", "-published_at", "-number"],
                name="status_report_latest",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.period_start}–{self.period_end}"

    @property
    def reference(self) -> str:
        return f"SR-{self.number:03d}"

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class ReportAcknowledgement(models.Model):
    """A client contact says they read a published report; once per contact."""

    report = models.ForeignKey(
        StatusReport, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    contact = models.ForeignKey("clients.Contact", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(_("acknowledged"), auto_now_add=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("report acknowledgement")
        verbose_name_plural = _("report acknowledgements")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "contact"], name="report_acknowledgement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report.reference} · {self.contact}"


MESSAGE_MAX_LENGTH = 4000


class ReportThread(models.Model):
    """A question or comment a client contact opens on a published report, answered by the
    project team. ``waiting_since`` is when the oldest unanswered client message was written:
    set when a contact posts, cleared when the team answers."""

    report = models.ForeignKey(StatusReport, on_delete=models.CASCADE, related_name="threads")
    opened_by = models.ForeignKey(
        "clients.Contact",
        on_delete=models.RESTRICT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)
    waiting_since = models.DateTimeField(_("waiting for an answer since"), null=True, blank=True)

    class Meta:
        verbose_name = _("report question")
        verbose_name_plural = _("report questions")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["report", "waiting_since"])]

    def __str__(self) -> str:
        return f"{self.report.reference} · #{self.pk}"


class ReportMessage(models.Model):
    """One message of a thread, written by a client contact or by a member of the team."""

    thread = models.ForeignKey(
        ReportThread, on_delete=models.CASCADE, related_name="messages", verbose_name=_("thread")
    )
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by (team)"),
    )
    author_contact = models.ForeignKey(
        "clients.Contact",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by (client)"),
    )
    body = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("report message")
        verbose_name_plural = _("report messages")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(author_user__isnull=False, author_contact__isnull=True)
                    | models.Q(author_user__isnull=True, author_contact__isnull=False)
                ),
                name="report_message_one_author",
            )
        ]

    def __str__(self) -> str:
        return f"{self.thread} · {self.created_at:%Y-%m-%d %H:%M}" if self.created_at else ""

    @property
    def from_team(self) -> bool:
        return self.author_user_id is not None

    @property
    def author_name(self) -> str:
        author = self.author_user if self.from_team else self.author_contact
        return str(author) if author is not None else ""


class ProjectHealth(models.Model):
    """A project's health and schedule figures as computed for one day (``as_of``), kept so
    that the portfolio filters, sorts and pages them in SQL (``reports.health_store``). A row
    is the same computation a status report makes that day; it is marked ``stale`` by every
    audited change to the project (or to its organisation's thresholds) and computed again
    before it is read. Rows of past days are recomputed for the new day and pruned."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="stored_health"
    )
    as_of = models.DateField()
    stale = models.BooleanField(default=False)
    overall = models.CharField(max_length=8)
    schedule = models.CharField(max_length=8)
    budget = models.CharField(max_length=8)
    scope = models.CharField(max_length=8)
    risks_issues = models.CharField(max_length=8)
    satisfaction = models.CharField(max_length=8)
    assessment = models.JSONField()  # reports.health.assess, with every dimension's reasons
    baseline_end = models.DateField()
    forecast_end = models.DateField()
    slip_days = models.IntegerField()
    burn_percent = models.IntegerField(null=True)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "as_of"], name="project_health_day")
        ]
        indexes = [models.Index(fields=["as_of", "overall"], name="project_health_day_overall")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.as_of}: {self.overall}"
