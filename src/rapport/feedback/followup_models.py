"""What Rapport does with what the client said: a low score opens a follow-up for the PM;
improvement actions record what the team changes because of it (shown to the client as
"you said, we did" when shareable); the PM's own rating sets the expectation gap beside the
client's."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rapport.core.models import TimeStamped

GAP_POINTS = 2  # the PM's and the client's ratings this far apart are flagged
NOTE = 2000


class FollowUp(TimeStamped):
    """A low score the PM must act on: on their home page until handled."""

    feedback = models.OneToOneField(
        "feedback.Feedback", on_delete=models.CASCADE, related_name="follow_up"
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="feedback_follow_ups"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="feedback_follow_ups"
    )
    due_date = models.DateField(_("due"))
    low_scores = models.JSONField(default=dict)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    handling = models.TextField(
        _("how it was handled"), max_length=NOTE, blank=True, validators=[MaxLengthValidator(NOTE)]
    )

    class Meta:
        verbose_name = _("feedback follow-up")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["assignee", "handled_at"])]

    def __str__(self) -> str:
        return f"{self.feedback}"


class ImprovementAction(TimeStamped):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("improvement status", "Open")
        IN_PROGRESS = "in_progress", pgettext_lazy("improvement status", "In progress")
        DONE = "done", pgettext_lazy("improvement status", "Done")

    organisation = models.ForeignKey("tenancy.Organisation", on_delete=models.CASCADE)
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="improvement_actions"
    )
    feedback = models.ForeignKey(
        "feedback.Feedback",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="improvement_actions",
        verbose_name=_("the feedback behind it"),
    )
    title = models.CharField(_("improvement"), max_length=200)
    you_said = models.TextField(
        _("you said"), max_length=NOTE, blank=True, validators=[MaxLengthValidator(NOTE)]
    )
    we_did = models.TextField(
        _("we did"), max_length=NOTE, blank=True, validators=[MaxLengthValidator(NOTE)]
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    shareable = models.BooleanField(_("show to the client"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("improvement action")
        ordering = ["status", "due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class PmRating(TimeStamped):
    """The PM's own rating of the dimensions for a period, to set beside the client's."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="pm_ratings"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    progress = models.PositiveSmallIntegerField(_("progress"), null=True, blank=True)
    quality = models.PositiveSmallIntegerField(_("quality"), null=True, blank=True)
    communication = models.PositiveSmallIntegerField(_("communication"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("PM rating")
        ordering = ["-period_end", "-pk"]

    def __str__(self) -> str:
        return f"{self.period_start} – {self.period_end}"
