"""Client feedback (section 七 of the article): survey templates per organisation, surveys sent
to a project's contacts with a personal link each, their responses, and the feedback the PM
records from interviews, calls, meetings and emails, on the same dimensions."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rapport.core.models import TimeStamped

RATING = (1, 5)
NPS = (0, 10)
TEXT = 4000


class Dimension(models.TextChoices):
    PROGRESS = "progress", pgettext_lazy("feedback dimension", "Progress")
    QUALITY = "quality", pgettext_lazy("feedback dimension", "Quality")
    COMMUNICATION = "communication", pgettext_lazy("feedback dimension", "Communication")
    CUSTOM = "custom", pgettext_lazy("feedback dimension", "Other")


class SurveyTemplate(TimeStamped):
    """An organisation's questionnaire, worded in both languages."""

    organisation = models.ForeignKey(
        "tenancy.Organisation", on_delete=models.CASCADE, related_name="survey_templates"
    )
    name = models.CharField(_("name"), max_length=200)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("survey template")
        ordering = ["-is_default", "name"]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", _("Rating from 1 to 5")
        NPS = "nps", _("Recommendation from 0 to 10")
        TEXT = "text", _("Free text")

    template = models.ForeignKey(SurveyTemplate, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    dimension = models.CharField(
        _("dimension"), max_length=16, choices=Dimension.choices, blank=True
    )
    text_en = models.CharField(_("question (English)"), max_length=300)
    text_zh = models.CharField(_("question (Chinese)"), max_length=300)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text_en

    def text(self, language: str) -> str:
        return self.text_zh if language.startswith("zh") else self.text_en


class Survey(TimeStamped):
    """One sending of a template to chosen contacts of a project."""

    organisation = models.ForeignKey("tenancy.Organisation", on_delete=models.CASCADE)
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="surveys"
    )
    template = models.ForeignKey(SurveyTemplate, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("answers accepted until"))
    remind_after_days = models.PositiveSmallIntegerField(_("remind after (days)"), default=5)

    class Meta:
        verbose_name = _("survey")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class SurveyInvitation(TimeStamped):
    """A contact's personal link to one survey: the token is stored hashed only."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    contact = models.ForeignKey("clients.Contact", on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "contact"], name="survey_contact_unique")
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.contact}"


class Feedback(TimeStamped):
    """What a client said: a survey response or an entry recorded by the PM. Scores per
    dimension (1–5) and the NPS (0–10) are columns so that analysis and follow-up read them
    directly; the answers to each question are kept in ``answers``."""

    class Source(models.TextChoices):
        SURVEY = "survey", _("Survey")
        INTERVIEW = "interview", _("Interview")
        CALL = "call", _("Call")
        MEETING = "meeting", _("Comment in a meeting")
        EMAIL = "email", _("Email")

    organisation = models.ForeignKey("tenancy.Organisation", on_delete=models.CASCADE)
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="feedback"
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    invitation = models.OneToOneField(
        SurveyInvitation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="response",
    )
    contact = models.ForeignKey(
        "clients.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_on = models.DateField(_("date"))
    progress = models.PositiveSmallIntegerField(_("progress"), null=True, blank=True)
    quality = models.PositiveSmallIntegerField(_("quality"), null=True, blank=True)
    communication = models.PositiveSmallIntegerField(_("communication"), null=True, blank=True)
    custom = models.PositiveSmallIntegerField(_("other"), null=True, blank=True)
    nps = models.PositiveSmallIntegerField(_("recommendation (0–10)"), null=True, blank=True)
    comment = models.TextField(
        _("comment"), max_length=TEXT, blank=True, validators=[MaxLengthValidator(TEXT)]
    )
    answers = models.JSONField(default=list, blank=True)
    # The comment as read by the job worker (analysis.read_comment), once, after it is
    # recorded; both None until then (and for rows recorded before the job existed).
    sentiment = models.DecimalField(
        _("sentiment"), max_digits=3, decimal_places=2, null=True, blank=True, editable=False
    )
    terms = models.JSONField(null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["project", "received_on"]),
            # the comments the job has not read yet: a handful, found without a scan
            models.Index(
                fields=["id"], condition=models.Q(terms__isnull=True), name="feedback_unread"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(progress__isnull=True) | models.Q(progress__range=RATING))
                & (models.Q(quality__isnull=True) | models.Q(quality__range=RATING))
                & (models.Q(communication__isnull=True) | models.Q(communication__range=RATING))
                & (models.Q(custom__isnull=True) | models.Q(custom__range=RATING))
                & (models.Q(nps__isnull=True) | models.Q(nps__range=NPS)),
                name="feedback_scores_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} · {self.received_on}"

    def scores(self) -> dict[str, int]:
        return {
            name: value for name in Dimension.values if (value := getattr(self, name)) is not None
        }


from rapport.feedback.followup_models import FollowUp, ImprovementAction, PmRating  # noqa: E402
from rapport.feedback.schedule_models import (  # noqa: E402
    FeedbackSettings,
    ScheduledSending,
    SurveySchedule,
)

__all__ = [
    "FeedbackSettings",
    "FollowUp",
    "ImprovementAction",
    "PmRating",
    "ScheduledSending",
    "SurveySchedule",
]
