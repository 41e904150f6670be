"""Communication with a client: who the stakeholders are on a project, what the plan says goes
to whom, by which channel and how often, and every touchpoint that happened. All of it is
internal: the client never sees the register, the plan or the log."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.communication import channels
from rapport.communication.channels import Channel, MessageKind
from rapport.core.models import TimeStamped


class Level(models.TextChoices):
    HIGH = "high", _("High")
    LOW = "low", _("Low")


class Stakeholder(TimeStamped):
    """A contact's place on one project: their role, influence and interest (the 2×2 grid)."""

    class Role(models.TextChoices):
        SPONSOR = "sponsor", _("Sponsor")
        DECISION_MAKER = "decision_maker", _("Decision maker")
        KEY_USER = "key_user", _("Key user")
        INFLUENCER = "influencer", _("Influencer")
        EXPERT = "expert", _("Subject-matter expert")
        END_USER = "end_user", _("End user")
        OTHER = "other", _("Other")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="stakeholders"
    )
    contact = models.ForeignKey(
        "clients.Contact", on_delete=models.CASCADE, related_name="stakeholder_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OTHER)
    influence = models.CharField(
        _("influence"), max_length=4, choices=Level.choices, default=Level.LOW
    )
    interest = models.CharField(
        _("interest"), max_length=4, choices=Level.choices, default=Level.LOW
    )
    notes = models.TextField(
        _("internal notes"), max_length=4000, blank=True, validators=[MaxLengthValidator(4000)]
    )

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        ordering = ["project", "contact__full_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "contact"], name="stakeholder_unique")
        ]

    def __str__(self) -> str:
        return f"{self.contact} · {self.get_role_display()}"

    @property
    def quadrant(self) -> str:
        """Manage closely, keep satisfied, keep informed, or monitor."""
        return {
            (Level.HIGH, Level.HIGH): "manage",
            (Level.HIGH, Level.LOW): "satisfy",
            (Level.LOW, Level.HIGH): "inform",
            (Level.LOW, Level.LOW): "monitor",
        }[(Level(self.influence), Level(self.interest))]


class PlanItem(TimeStamped):
    """One line of a project's communication plan: what goes to whom, how, how often."""

    class Fulfilment(models.TextChoices):
        INTERACTION = "interaction", _("Touchpoints logged against it")
        STATUS_REPORT = "status_report", _("Published status reports")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="communication_plan"
    )
    title = models.CharField(_("what"), max_length=200)
    audience = models.ManyToManyField(
        "clients.Contact", related_name="communication_plan_items", verbose_name=_("audience")
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    kind = models.CharField(
        _("kind of message"), max_length=12, choices=MessageKind.choices, blank=True
    )
    cadence_days = models.PositiveSmallIntegerField(
        _("every (days)"), validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="communication_plan_items",
        verbose_name=_("owner"),
    )
    starts_on = models.DateField(_("starts on"))
    fulfilled_by = models.CharField(
        _("done by"), max_length=14, choices=Fulfilment.choices, default=Fulfilment.INTERACTION
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("communication plan item")
        verbose_name_plural = _("communication plan items")
        ordering = ["project", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cadence_days__gte=1, cadence_days__lte=366),
                name="plan_item_cadence_range",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def channel_suited(self) -> bool | None:
        """Whether the planned channel suits the kind of message (None: no kind given)."""
        advice = channels.advise(self.kind)
        return advice.follows(self.channel) if advice else None


class Interaction(TimeStamped):
    """A touchpoint with a client: a call, a meeting, an email, a visit… as it happened."""

    class Direction(models.TextChoices):
        OUTBOUND = "outbound", _("We reached out")
        INBOUND = "inbound", _("The client reached out")

    organisation = models.ForeignKey(
        "tenancy.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="interactions"
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="interactions",
        verbose_name=_("project"),
    )
    contacts = models.ManyToManyField(
        "clients.Contact", related_name="interactions", verbose_name=_("contacts"), blank=True
    )
    occurred_at = models.DateTimeField(_("when"))
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.OUTBOUND
    )
    summary = models.TextField(_("summary"), max_length=4000, validators=[MaxLengthValidator(4000)])
    follow_ups = models.TextField(
        _("follow-ups"), max_length=4000, blank=True, validators=[MaxLengthValidator(4000)]
    )
    kind = models.CharField(
        _("kind of message"), max_length=12, choices=MessageKind.choices, blank=True
    )
    # whether the channel was one suited to the kind of message (null: no kind given)
    channel_suited = models.BooleanField(_("channel suited"), null=True, blank=True)
    plan_item = models.ForeignKey(
        PlanItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interactions",
        verbose_name=_("fulfils"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("touchpoint")
        verbose_name_plural = _("touchpoints")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["client", "-occurred_at"]),
            models.Index(fields=["project", "-occurred_at"]),
            models.Index(fields=["plan_item", "-occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.summary[:60]}"


class DigestSent(models.Model):
    """A member's daily cadence digest for an organisation was dealt with on a day (sent, or
    found empty): the hourly job sends each at most once a day."""

    membership = models.ForeignKey("tenancy.Membership", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    items = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "day"], name="digest_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} · {self.day}"
