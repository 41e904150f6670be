"""Client meetings (section 五 of the article: regular meetings with a clear agenda, and minutes
for follow-up): the meeting and its series, the agenda, the minutes with their published
versions and the client's confirmations, decisions, and the action items that live on after
the meeting until someone closes them."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rapport.core.models import TimeStamped
from rapport.tenancy.models import validate_time_zone


class Kind(models.TextChoices):
    STATUS = "status", _("Status meeting")
    STEERING = "steering", _("Steering committee")
    WORKSHOP = "workshop", _("Workshop")
    KICK_OFF = "kick_off", _("Kick-off")
    RETROSPECTIVE = "retrospective", _("Retrospective")
    OTHER = "other", _("Other meeting")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    FORTNIGHTLY = "fortnightly", _("Fortnightly")
    MONTHLY = "monthly", _("Monthly")


class MeetingSeries(TimeStamped):
    """A recurring meeting's one definition. Its occurrences are meetings of their own (each
    with its agenda and minutes); in calendars they are one entry with a rule, sharing the
    series' UID, an occurrence that moves being an exception of it (RECURRENCE-ID)."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="meeting_series"
    )
    frequency = models.CharField(_("repeats"), max_length=12, choices=Frequency.choices)
    until = models.DateField(_("until"), null=True, blank=True)
    count = models.PositiveSmallIntegerField(_("occurrences"), null=True, blank=True)
    time_zone = models.CharField(
        _("organiser's time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    uid = models.CharField(_("calendar UID"), max_length=120, unique=True)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")
        ordering = ["id"]

    def __str__(self) -> str:
        first = self.meetings.order_by("start").first()
        return f"{first.title if first else self.uid} · {self.get_frequency_display()}"


class Meeting(TimeStamped):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="meetings"
    )
    number = models.PositiveIntegerField(_("number"))
    series = models.ForeignKey(
        MeetingSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("series"),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("type"), max_length=14, choices=Kind.choices, default=Kind.STATUS)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    time_zone = models.CharField(
        _("organiser's time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), max_length=500, blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organiser"),
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="meetings",
        verbose_name=_("team attendees"),
    )
    client_attendees = models.ManyToManyField(
        "clients.Contact", blank=True, related_name="meetings", verbose_name=_("client attendees")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.SCHEDULED
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    plan_item = models.ForeignKey(
        "communication.PlanItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("fulfils"),
    )
    interaction = models.OneToOneField(
        "communication.Interaction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting",
        verbose_name=_("touchpoint"),
    )
    # the calendar entry: a series' occurrences share its UID and name their original start
    uid = models.CharField(_("calendar UID"), max_length=120)
    recurrence_id = models.DateTimeField(_("original start in its series"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-start", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="meeting_number_unique"),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="meeting_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["project", "start"]), models.Index(fields=["uid"])]

    def __str__(self) -> str:
        return f"{self.reference} · {self.title}"

    @property
    def reference(self) -> str:
        return f"M-{self.number:03d}"

    @property
    def duration_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def is_scheduled(self) -> bool:
        return self.state == self.State.SCHEDULED

    @property
    def series_time_zone(self) -> str:
        """The zone its series' rule is written in (an occurrence's RECURRENCE-ID too)."""
        return self.series.time_zone if self.series is not None else self.time_zone


class AgendaItem(TimeStamped):
    class Source(models.TextChoices):
        MANUAL = "manual", _("Added by hand")
        ACTION_ITEM = "action_item", _("Open action item")
        MILESTONE = "milestone", _("Overdue milestone")
        CHANGE_REQUEST = "change_request", _("Pending change request")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner (team)"),
    )
    owner_contact = models.ForeignKey(
        "clients.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner (client)"),
    )
    time_box = models.PositiveSmallIntegerField(
        _("time box (minutes)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(480)],
    )
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.MANUAL
    )
    action_item = models.ForeignKey(
        "meetings.ActionItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    milestone = models.ForeignKey(
        "projects.Milestone", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    change_request = models.ForeignKey(
        "changes.ChangeRequest", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(
        _("notes"), max_length=10000, blank=True, validators=[MaxLengthValidator(10000)]
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(owner_user__isnull=False, owner_contact__isnull=False),
                name="agenda_item_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner(self) -> object | None:
        return self.owner_user or self.owner_contact


class Minutes(TimeStamped):
    """What happened at a meeting, as the PM records it: who was there, the notes per agenda
    item (on the items), the decisions and action items, and internal notes the client never
    sees. What the client reads is a published, frozen ``MinutesVersion``."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    present_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("present (team)")
    )
    present_contacts = models.ManyToManyField(
        "clients.Contact", blank=True, related_name="+", verbose_name=_("present (client)")
    )
    summary = models.TextField(
        _("summary"), max_length=10000, blank=True, validators=[MaxLengthValidator(10000)]
    )
    internal_notes = models.TextField(
        _("internal notes"),
        max_length=10000,
        blank=True,
        validators=[MaxLengthValidator(10000)],
        help_text=_("Never shown to the client."),
    )
    confirm_days = models.PositiveSmallIntegerField(
        _("days the client has to confirm"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return str(self.meeting)


class MinutesVersion(models.Model):
    """The minutes as published to the client, frozen; a correction is a new version that
    names the one it corrects, which stays as it was, with its confirmations."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    # what the client reads: attendance, agenda notes, decisions, action items; never
    # the internal notes
    content = models.JSONField(_("content"))
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    reason = models.TextField(_("what the correction changes"), max_length=2000, blank=True)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    confirm_by = models.DateTimeField(_("confirm by"))

    class Meta:
        verbose_name = _("minutes version")
        verbose_name_plural = _("minutes versions")
        ordering = ["minutes", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "number"], name="minutes_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.minutes} · v{self.number}"

    @property
    def window_open(self) -> bool:
        return timezone.now() <= self.confirm_by


class MinutesResponse(models.Model):
    """A client attendee's answer to one published version: confirmed, or a correction
    proposed. Once per contact and version."""

    class Kind(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        CORRECTION = "correction", _("Correction proposed")

    version = models.ForeignKey(MinutesVersion, on_delete=models.CASCADE, related_name="responses")
    contact = models.ForeignKey("clients.Contact", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("answer"), max_length=10, choices=Kind.choices)
    comment = models.TextField(_("proposed correction"), max_length=4000, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("answered"), auto_now_add=True)

    class Meta:
        verbose_name = _("minutes confirmation")
        verbose_name_plural = _("minutes confirmations")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "contact"], name="minutes_response_once_per_contact"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} · {self.contact} · {self.get_kind_display()}"


class Decision(TimeStamped):
    """What was decided at a meeting, and by whom."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("agenda item"),
    )
    text = models.TextField(_("decision"), max_length=4000, validators=[MaxLengthValidator(4000)])
    decided_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by (team)"),
    )
    decided_by_contact = models.ForeignKey(
        "clients.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by (client)"),
    )

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def decided_by(self) -> object | None:
        return self.decided_by_user or self.decided_by_contact


class ActionItem(TimeStamped):
    """Something someone agreed to do: owned by a team member or a client contact, due on a
    day, open until closed with a note. It outlives its meeting: overdue ones are flagged,
    proposed for the next agenda, listed in the next status report and reminded by email."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("action item status", "Open")
        DONE = "done", _("Done")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="action_items"
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("meeting"),
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("agenda item"),
    )
    what = models.CharField(_("what"), max_length=300)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("owner (team)"),
    )
    owner_contact = models.ForeignKey(
        "clients.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("owner (client)"),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=6, choices=Status.choices, default=Status.OPEN
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_note = models.TextField(_("closing note"), max_length=4000, blank=True)
    closed_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_by_contact = models.ForeignKey(
        "clients.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reminded_on = models.DateField(_("last reminded"), null=True, blank=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_user__isnull=False, owner_contact__isnull=True)
                | Q(owner_user__isnull=True, owner_contact__isnull=False),
                name="action_item_one_owner",
            )
        ]
        indexes = [
            models.Index(fields=["project", "status", "due_date"]),
            models.Index(fields=["owner_user", "status"]),
            models.Index(fields=["owner_contact", "status"]),
        ]

    def __str__(self) -> str:
        return self.what

    @property
    def owner(self) -> object | None:
        return self.owner_user or self.owner_contact

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def overdue_days(self, today: date | None = None) -> int:
        """Days past its due date while open; 0 when on time or closed."""
        if not self.is_open:
            return 0
        return max(((today or timezone.localdate()) - self.due_date).days, 0)

    @property
    def is_overdue(self) -> bool:
        return self.overdue_days() > 0
