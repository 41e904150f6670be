"""Change requests: requested, evaluated, decided by the client, implemented into a new
baseline version. Every step is recorded."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.core.models import TimeStamped
from rapport.projects.models import BudgetCategory


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_EVALUATION = "under_evaluation", _("Under evaluation")
    INTERNAL_APPROVAL = "internal_approval", _("Awaiting internal approval")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting the client's approval")
    NEEDS_INFORMATION = "needs_information", _("More information asked")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    IMPLEMENTED = "implemented", _("Implemented")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATES = frozenset(
    {
        State.DRAFT,
        State.SUBMITTED,
        State.UNDER_EVALUATION,
        State.INTERNAL_APPROVAL,
        State.AWAITING_APPROVAL,
        State.NEEDS_INFORMATION,
    }
)

# The only legal steps; ``withdrawn`` is reachable from every open state.
TRANSITIONS: dict[str, frozenset[str]] = {
    State.DRAFT: frozenset({State.SUBMITTED}),
    State.SUBMITTED: frozenset({State.UNDER_EVALUATION}),
    State.UNDER_EVALUATION: frozenset({State.INTERNAL_APPROVAL, State.AWAITING_APPROVAL}),
    State.INTERNAL_APPROVAL: frozenset({State.AWAITING_APPROVAL, State.UNDER_EVALUATION}),
    State.AWAITING_APPROVAL: frozenset({State.APPROVED, State.REJECTED, State.NEEDS_INFORMATION}),
    State.NEEDS_INFORMATION: frozenset({State.UNDER_EVALUATION}),
    State.APPROVED: frozenset({State.IMPLEMENTED}),
    State.REJECTED: frozenset(),
    State.IMPLEMENTED: frozenset(),
    State.WITHDRAWN: frozenset(),
}


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Recommendation(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    DEFER = "defer", _("Defer")


class ChangeRequest(TimeStamped):
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="change_requests"
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000)
    reason = models.TextField(_("reason"), max_length=5000, blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    requested_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_by_contact = models.ForeignKey(
        "clients.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    objectives = models.ManyToManyField(
        "projects.Objective", blank=True, related_name="+", verbose_name=_("affected objectives")
    )
    milestones = models.ManyToManyField(
        "projects.Milestone", blank=True, related_name="+", verbose_name=_("affected milestones")
    )
    deliverables = models.ManyToManyField(
        "projects.Deliverable",
        blank=True,
        related_name="+",
        verbose_name=_("affected deliverables"),
    )
    budget_lines = models.ManyToManyField(
        "projects.BudgetLine", blank=True, related_name="+", verbose_name=_("affected budget lines")
    )
    # --- impact (the evaluation) ---
    scope_added = models.TextField(_("scope added"), max_length=5000, blank=True)
    scope_removed = models.TextField(_("scope removed"), max_length=5000, blank=True)
    schedule_days = models.PositiveIntegerField(_("schedule impact (days)"), default=0)
    quality_impact = models.TextField(_("quality impact"), max_length=5000, blank=True)
    risk_impact = models.TextField(_("risk impact"), max_length=5000, blank=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=10, choices=Recommendation.choices, blank=True
    )
    recommendation_note = models.TextField(_("recommendation note"), max_length=5000, blank=True)
    evaluation_notes = models.TextField(
        _("internal evaluation notes"),
        max_length=5000,
        blank=True,
        help_text=_("Never shown to the client."),
    )
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    baseline_version = models.ForeignKey(
        "projects.BaselineVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resulting baseline version"),
    )

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="change_request_number_unique"
            )
        ]
        indexes = [models.Index(fields=["project", "state"])]

    def __str__(self) -> str:
        return f"{self.reference} · {self.title}"

    @property
    def reference(self) -> str:
        return f"CR-{self.number:03d}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def can_move_to(self, state: str) -> bool:
        if state == State.WITHDRAWN:
            return self.is_open
        return state in TRANSITIONS.get(self.state, frozenset())


class CostImpact(models.Model):
    """The cost a change adds (or, negative, saves) in one budget category."""

    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="cost_impacts"
    )
    category = models.CharField(_("category"), max_length=20, choices=BudgetCategory.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("cost impact")
        verbose_name_plural = _("cost impacts")
        constraints = [
            models.UniqueConstraint(
                fields=["change_request", "category"], name="cost_impact_category_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.amount}"


class Decision(models.Model):
    """One decision on a change request, with a snapshot of what the decider saw."""

    class Kind(models.TextChoices):
        INTERNAL_APPROVE = "internal_approve", _("Approved internally")
        INTERNAL_RETURN = "internal_return", _("Sent back internally")
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")
        NEEDS_INFORMATION = "needs_information", _("Asked for more information")

    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="decisions"
    )
    kind = models.CharField(_("decision"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contact = models.ForeignKey(
        "clients.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(_("comment"), max_length=5000, blank=True)
    snapshot = models.JSONField(_("what was shown"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)

    class Meta:
        verbose_name = _("change decision")
        verbose_name_plural = _("change decisions")
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.change_request.reference} · {self.get_kind_display()}"
