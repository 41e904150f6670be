"""Lessons learned, and the term index that makes them searchable in Chinese and English the
same way on every database."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rapport.core.models import TimeStamped


class Category(models.TextChoices):
    COMMUNICATION = "communication", _("Communication")
    EXPECTATIONS = "expectations", _("Expectations")
    CHANGE = "change", pgettext_lazy("lesson category", "Change")
    ESTIMATION = "estimation", _("Estimation")
    QUALITY = "quality", pgettext_lazy("lesson category", "Quality")
    RELATIONSHIP = "relationship", _("Relationship")
    OTHER = "other", pgettext_lazy("lesson category", "Other")


class Lesson(TimeStamped):
    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        CHINESE = "zh-hans", "简体中文"

    organisation = models.ForeignKey(
        "tenancy.Organisation", on_delete=models.CASCADE, related_name="lessons"
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="lessons",
        verbose_name=_("project"),
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="lessons",
        verbose_name=_("client"),
    )
    title = models.CharField(_("title"), max_length=200)
    what_happened = models.TextField(_("what happened"), max_length=5000)
    impact = models.TextField(_("impact"), max_length=5000, blank=True)
    root_cause = models.TextField(_("root cause"), max_length=5000, blank=True)
    recommendation = models.TextField(_("recommendation"), max_length=5000)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    shared_with_client = models.BooleanField(_("shared with the client"), default=False)
    year = models.PositiveSmallIntegerField(_("year"))
    length = models.PositiveIntegerField(default=0)  # indexed terms, for ranking
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["-created_at", "-id"]
        indexes = [
            # a term's postings best first, read from the index alone (count and length too)
            models.Index(fields=["organisation", "category", "year"]),
            # covers the count and mean length that ranking needs over a whole library
            models.Index(fields=["organisation", "length"], name="lesson_org_length"),
            # the library and the API list the newest first: 25 read in order, not all sorted
            models.Index(fields=["organisation", "-created_at", "-id"], name="lesson_org_newest"),
        ]

    def __str__(self) -> str:
        return self.title


class LessonTerm(models.Model):
    """One segmented term of a lesson and how often it occurs (title terms count double), with
    the lesson's length and the term's impact there (see ``lessons.search``), so that a term's
    best lessons are read first, from the index alone."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="terms")
    organisation = models.ForeignKey(
        "tenancy.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    term = models.CharField(max_length=64)
    count = models.PositiveIntegerField()
    length = models.PositiveIntegerField(default=0)  # the lesson's, as in Lesson.length
    impact = models.FloatField(default=0.0)  # search.impact(count, length)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lesson", "term"], name="lesson_term_unique")
        ]
        indexes = [
            # a term's postings best first, read from the index alone (count and length too)
            models.Index(
                fields=["organisation", "term", "-impact", "-lesson", "count", "length"],
                name="lesson_term_impact",
            )
        ]

    def __str__(self) -> str:
        return self.term


class ProjectTerms(models.Model):
    """A project's name and description as search terms (``search.query_terms``), what its
    lesson suggestions are ranked against. The job worker reads them when the words change,
    so that a project page does not load the Chinese segmenter (jieba, ~65 MB) into the web
    process. They count only while ``text_digest`` is the digest of the project's current
    words (``search.text_digest``); otherwise the words are read where they are needed."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    text_digest = models.CharField(max_length=64)
    terms = models.JSONField(default=list)
    read_at = models.DateTimeField()

    def __str__(self) -> str:
        return " ".join(self.terms)
