"""What PM and client agree on: objectives, milestones with deliverables, budget, quality
standards, and the signed versions of it all."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.core.models import TimeStamped

MONEY_DIGITS, MONEY_PLACES = 14, 2
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


class Objective(TimeStamped):
    """A SMART objective; ``current_value`` tracks it and is not part of the baseline."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="objectives"
    )
    statement = models.TextField(_("statement"), max_length=1000)
    metric = models.CharField(_("metric"), max_length=200, blank=True)
    target_value = models.DecimalField(
        _("target value"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    relevance = models.TextField(_("why it matters"), max_length=1000, blank=True)
    achievability = models.TextField(_("how it is achievable"), max_length=1000, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    current_value = models.DecimalField(
        _("current value"), max_digits=16, decimal_places=4, null=True, blank=True
    )

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.statement[:80]


class Milestone(TimeStamped):
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField(_("name"), max_length=200)
    baseline_date = models.DateField(_("baseline date"))
    forecast_date = models.DateField(_("forecast date"), null=True, blank=True)
    done_date = models.DateField(_("done date"), null=True, blank=True)
    client_visible = models.BooleanField(_("visible to the client"), default=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Its share of the budget when earned value is computed."),
    )

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["baseline_date", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def expected_date(self) -> date:
        """When it is (or was) expected: done, else forecast, else the baseline date."""
        return self.done_date or self.forecast_date or self.baseline_date


class Deliverable(TimeStamped):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SUBMITTED = "submitted", _("Awaiting acceptance")
        ACCEPTED = "accepted", _("Accepted")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="deliverables"
    )
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.CASCADE,
        related_name="deliverables",
        verbose_name=_("milestone"),
    )
    name = models.CharField(_("name"), max_length=200)
    acceptance_criteria = models.TextField(_("acceptance criteria"), max_length=4000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    submitted_at = models.DateTimeField(_("submitted for acceptance"), null=True, blank=True)

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        ordering = ["milestone__baseline_date", "id"]

    def __str__(self) -> str:
        return self.name


class DeliverableDecision(models.Model):
    """The client's acceptance or rejection, with what the criteria said at that moment."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="decisions")
    contact = models.ForeignKey("clients.Contact", on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("reason"), max_length=4000, blank=True)
    criteria_shown = models.TextField(_("criteria shown"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)

    class Meta:
        verbose_name = _("deliverable decision")
        verbose_name_plural = _("deliverable decisions")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.deliverable} · {self.get_decision_display()}"


class BudgetCategory(models.TextChoices):
    LABOUR = "labour", _("Labour")
    LICENCES = "licences", _("Licences")
    TRAVEL = "travel", _("Travel")
    HARDWARE = "hardware", _("Hardware")
    SUBCONTRACTING = "subcontracting", _("Subcontracting")
    OTHER = "other", _("Other")


class BudgetLine(TimeStamped):
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="budget_lines"
    )
    category = models.CharField(_("category"), max_length=20, choices=BudgetCategory.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    amount = models.DecimalField(
        _("amount"), validators=NON_NEGATIVE, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES
    )

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["category", "id"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.amount}"


class QualityStandard(TimeStamped):
    """What "done" means: criteria the client will check, for some deliverables."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="quality_standards"
    )
    title = models.CharField(_("title"), max_length=200)
    criteria = models.TextField(_("criteria"), max_length=4000)
    deliverables = models.ManyToManyField(
        Deliverable, blank=True, related_name="quality_standards", verbose_name=_("deliverables")
    )

    class Meta:
        verbose_name = _("quality standard")
        verbose_name_plural = _("quality standards")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class BaselineVersion(models.Model):
    """One submitted baseline: an immutable snapshot of what was agreed (or proposed), and
    the client's decision on it. Never edited after its decision."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting sign-off")
        SIGNED = "signed", _("Signed")
        RETURNED = "returned", _("Sent back")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        SUPERSEDED = "superseded", _("Superseded")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="baseline_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    reason = models.TextField(_("reason for the change"), max_length=2000, blank=True)
    snapshot = models.JSONField(_("baseline"))
    client_snapshot = models.JSONField(_("what the client sees"))
    client_snapshot_sha256 = models.CharField(max_length=64)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    change_request_ref = models.CharField(_("change request"), max_length=20, blank=True)
    decided_by = models.ForeignKey(
        "clients.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_comment = models.TextField(_("comment"), max_length=4000, blank=True)
    decision_ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("baseline version")
        verbose_name_plural = _("baseline versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="baseline_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project.code} v{self.number}"
