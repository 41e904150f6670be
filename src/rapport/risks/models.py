"""Transparency: a project's risk register (what may happen) and issue log (what has happened,
with its impact and the proposed way forward). Both are internal until marked client-visible;
an issue shared with the client stays visible until it is resolved: problems are never
silently withdrawn."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from rapport.core.models import TimeStamped

LEVELS = (1, 5)  # probability and impact, each from 1 to 5
HIGH_SCORE = 15  # the default score from which a risk counts as high (see reports.health)
TEXT = 5000


def _text(label: StrOrPromise) -> models.TextField:
    return models.TextField(
        label, max_length=TEXT, blank=True, validators=[MaxLengthValidator(TEXT)]
    )


def _level(label: StrOrPromise) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(LEVELS[0]), MaxValueValidator(LEVELS[1])]
    )


class Risk(TimeStamped):
    """Something that may happen: its probability and impact (1–5 each, score = their product),
    who owns it, how it is mitigated, what happens if it occurs, and what tells it is coming."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("risk status", "Open")
        MITIGATING = "mitigating", pgettext_lazy("risk status", "Mitigating")
        CLOSED = "closed", pgettext_lazy("risk status", "Closed")
        OCCURRED = "occurred", pgettext_lazy("risk status", "Occurred")

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="risks")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("risk"), max_length=200)
    cause = _text(_("cause"))
    probability = _level(_("probability"))
    impact = _level(_("impact"))
    score = models.PositiveSmallIntegerField(_("score"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_risks",
        verbose_name=_("owner"),
    )
    mitigation = _text(_("mitigation"))
    contingency = _text(_("contingency plan"))
    trigger = _text(_("trigger"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    review_date = models.DateField(_("next review"), null=True, blank=True)
    client_visible = models.BooleanField(_("visible to the client"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["-score", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="risk_number_unique"),
            models.CheckConstraint(
                condition=models.Q(probability__gte=1, probability__lte=5)
                & models.Q(impact__gte=1, impact__lte=5)
                & models.Q(score=models.F("probability") * models.F("impact")),
                name="risk_levels_in_range",
            ),
        ]
        indexes = [models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} · {self.title}"

    @property
    def reference(self) -> str:
        return f"R-{self.number:03d}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.MITIGATING)

    @property
    def band(self) -> str:
        """The heat map's colour band of the score: low, medium, high, critical."""
        return band(self.score)


def band(score: int) -> str:
    if score >= 20:
        return "critical"
    if score >= HIGH_SCORE:
        return "high"
    if score >= 8:
        return "medium"
    return "low"


class Issue(TimeStamped):
    """A problem that has happened: what it affects (schedule, budget, quality), the proposed
    solution, who owns it and by when. It is shared with the client only with a solution."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("issue status", "Open")
        IN_PROGRESS = "in_progress", pgettext_lazy("issue status", "In progress")
        RESOLVED = "resolved", pgettext_lazy("issue status", "Resolved")

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="issues")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("issue"), max_length=200)
    description = _text(_("description"))
    affects_schedule = models.BooleanField(_("affects the schedule"), default=False)
    affects_budget = models.BooleanField(_("affects the budget"), default=False)
    affects_quality = models.BooleanField(_("affects quality"), default=False)
    impact = _text(_("impact"))
    proposed_solution = _text(_("proposed solution"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_issues",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    resolution = _text(_("resolution"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    client_visible = models.BooleanField(_("visible to the client"), default=False)
    shared_at = models.DateTimeField(_("shared with the client"), null=True, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shared by"),
    )
    from_risk = models.ForeignKey(
        Risk,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="issues",
        verbose_name=_("from risk"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="issue_number_unique"),
            # visible to the client only once shared, and then with a way forward
            models.CheckConstraint(
                condition=models.Q(client_visible=False, shared_at__isnull=True)
                | (
                    models.Q(client_visible=True, shared_at__isnull=False)
                    & ~models.Q(proposed_solution="")
                ),
                name="issue_shared_with_solution",
            ),
        ]
        indexes = [models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} · {self.title}"

    @property
    def reference(self) -> str:
        return f"I-{self.number:03d}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.RESOLVED

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None

    @property
    def affects(self) -> list[str]:
        """What it affects, as the labels of its flags."""
        return [
            str(label)
            for flag, label in (
                (self.affects_schedule, _("schedule")),
                (self.affects_budget, _("budget")),
                (self.affects_quality, _("quality")),
            )
            if flag
        ]


# --- conflicts ----------------------------------------------------------------------------


class Conflict(TimeStamped):
    """A conflict with or within a client relationship: who is in it, where it comes from
    (one or several root causes), how it is handled (strategy, escalation, the steps taken) and
    how it ended. Internal: the client never sees the register."""

    class RootCause(models.TextChoices):
        COMMUNICATION = "communication", _("Communication breakdown")
        EXPECTATIONS = "expectations", _("Mismatched expectations")
        RESOURCES = "resources", _("Resource allocation")
        SCOPE = "scope", _("Scope or requirements")
        PERSONAL = "personal", _("Personal")
        OTHER = "other", pgettext_lazy("root cause", "Other")

    class Strategy(models.TextChoices):
        NEGOTIATION = "negotiation", _("Negotiation")
        MEDIATION = "mediation", _("Mediation")
        ARBITRATION = "arbitration", _("Arbitration")
        COLLABORATION = "collaboration", _("Collaboration")
        COMPROMISE = "compromise", _("Compromise")
        ESCALATION = "escalation", _("Escalation")

    class Escalation(models.TextChoices):
        TEAM = "team", _("Within the team")
        PROJECT_MANAGER = "project_manager", _("Project manager")
        MANAGEMENT = "management", _("Management")
        SPONSORS = "sponsors", _("Executive sponsors")
        EXTERNAL = "external", _("External mediator or arbitrator")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("conflict status", "Open")
        CLOSED = "closed", pgettext_lazy("conflict status", "Closed")

    organisation = models.ForeignKey(
        "tenancy.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.CASCADE,
        related_name="conflicts",
        verbose_name=_("client"),
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conflicts",
        verbose_name=_("project"),
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("conflict"), max_length=200)
    description = _text(_("description"))
    impact = _text(_("impact"))
    root_causes = models.JSONField(_("root causes"), default=list, blank=True)
    strategy = models.CharField(_("strategy"), max_length=16, choices=Strategy.choices, blank=True)
    escalation_level = models.CharField(
        _("escalation level"), max_length=16, choices=Escalation.choices, default=Escalation.TEAM
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    resolution = _text(_("resolution"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    client_agreed = models.BooleanField(_("the client agreed"), null=True, blank=True)
    team_parties = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("team members")
    )
    contact_parties = models.ManyToManyField(
        "clients.Contact", blank=True, related_name="conflicts", verbose_name=_("client contacts")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("conflict")
        verbose_name_plural = _("conflicts")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="conflict_number_unique"
            ),
            # closed only with its resolution
            models.CheckConstraint(
                condition=models.Q(status="open") | ~models.Q(resolution=""),
                name="conflict_closed_with_resolution",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} · {self.title}"

    @property
    def reference(self) -> str:
        return f"CF-{self.number:03d}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def root_cause_labels(self) -> list[str]:
        labels = dict(self.RootCause.choices)
        return [str(labels.get(cause, cause)) for cause in self.root_causes or []]


class ConflictStep(models.Model):
    """One step taken on a conflict: who, when, what happened."""

    conflict = models.ForeignKey(Conflict, on_delete=models.CASCADE, related_name="steps")
    occurred_on = models.DateField(_("when"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    description = models.TextField(
        _("what happened"), max_length=TEXT, validators=[MaxLengthValidator(TEXT)]
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict step")
        verbose_name_plural = _("conflict steps")
        ordering = ["occurred_on", "id"]

    def __str__(self) -> str:
        return f"{self.occurred_on} · {self.description[:60]}"


class Evidence(models.Model):
    """A record that relates to a conflict or an issue and shows what happened: a change
    request, a status report, a shared issue. Further kinds (meetings, messages, feedback) are
    one more foreign key each."""

    class Kind(models.TextChoices):
        CHANGE_REQUEST = "change_request", _("Change request")
        STATUS_REPORT = "status_report", _("Status report")
        ISSUE = "issue", _("Issue")

    conflict = models.ForeignKey(
        Conflict, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    change_request = models.ForeignKey(
        "changes.ChangeRequest", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status_report = models.ForeignKey(
        "reports.StatusReport", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    linked_issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("linked"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(conflict__isnull=False, issue__isnull=True)
                | models.Q(conflict__isnull=True, issue__isnull=False),
                name="evidence_of_one_record",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    change_request__isnull=False,
                    status_report__isnull=True,
                    linked_issue__isnull=True,
                )
                | models.Q(
                    change_request__isnull=True,
                    status_report__isnull=False,
                    linked_issue__isnull=True,
                )
                | models.Q(
                    change_request__isnull=True,
                    status_report__isnull=True,
                    linked_issue__isnull=False,
                ),
                name="evidence_is_one_record",
            ),
        ]

    def __str__(self) -> str:
        return str(self.target)

    @property
    def kind(self) -> str:
        if self.change_request_id:
            return self.Kind.CHANGE_REQUEST
        if self.status_report_id:
            return self.Kind.STATUS_REPORT
        return self.Kind.ISSUE

    @property
    def target(self) -> models.Model | None:
        return self.change_request or self.status_report or self.linked_issue
