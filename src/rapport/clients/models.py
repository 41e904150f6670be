from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.communication.channels import Channel
from rapport.core.models import TimeStamped
from rapport.tenancy.models import Language, validate_time_zone


class Client(TimeStamped):
    """A customer organisation whose projects a PM runs."""

    organisation = models.ForeignKey(
        "tenancy.Organisation", on_delete=models.CASCADE, related_name="clients"
    )
    name = models.CharField(_("name"), max_length=150)
    website = models.URLField(_("website"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.ENGLISH
    )
    notes = models.TextField(_("internal notes"), blank=True, max_length=5000)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                "organisation",
                Lower("name"),
                name="client_name_unique_per_organisation",
                violation_error_message=_("A client with this name already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Contact(TimeStamped):
    """A person at a client: a stakeholder, and, once invited, a portal user."""

    organisation = models.ForeignKey(
        "tenancy.Organisation", on_delete=models.CASCADE, related_name="contacts"
    )
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.ENGLISH
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=12, choices=Channel.choices, blank=True
    )
    working_hours = models.CharField(
        _("working hours"),
        max_length=60,
        blank=True,
        help_text=_("In their time zone, e.g. Mon–Fri 09:00–18:00."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("portal login"),
    )
    portal_access = models.BooleanField(_("portal access"), default=False)
    is_approver = models.BooleanField(
        _("approver"),
        default=False,
        help_text=_("Signs off baselines and accepts deliverables in the portal."),
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                "client",
                Lower("email"),
                condition=~Q(email=""),
                name="contact_email_unique_per_client",
                violation_error_message=_("This client already has a contact with this email."),
            )
        ]

    def __str__(self) -> str:
        return self.full_name


class PortalInvitation(TimeStamped):
    """An emailed, expiring, single-use link with which a contact sets a portal password."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("portal invitation")
        verbose_name_plural = _("portal invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.contact)

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


def default_health_weights() -> dict[str, int]:
    from rapport.clients.health import DEFAULT_WEIGHTS

    return dict(DEFAULT_WEIGHTS)


class ClientHealthSettings(TimeStamped):
    """How much each part counts in an organisation's client health scores (relative weights,
    set by its admins on the settings page)."""

    organisation = models.OneToOneField(
        "tenancy.Organisation", on_delete=models.CASCADE, related_name="client_health_settings"
    )
    weights = models.JSONField(_("weights"), default=default_health_weights)

    class Meta:
        verbose_name = _("client health settings")
        verbose_name_plural = _("client health settings")

    def __str__(self) -> str:
        return f"{self.organisation} client health settings"


class ClientHealthSnapshot(models.Model):
    """A client's health score as computed on one day, with the parts that explain it; the
    day's snapshot is replaced each time the score is recomputed that day."""

    organisation = models.ForeignKey("tenancy.Organisation", on_delete=models.CASCADE)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="health_snapshots")
    day = models.DateField(_("day"))
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    parts = models.JSONField(_("parts"), default=list)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("client health snapshot")
        verbose_name_plural = _("client health snapshots")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["client", "day"], name="client_health_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.client} · {self.day} · {self.score}"


class ClientImport(TimeStamped):
    """An uploaded client and contact list waiting for its owner to check the column mapping
    and run it; consumed once, so a second submit of the same import writes nothing."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        IMPORTED = "imported", _("Imported")

    organisation = models.ForeignKey(
        "tenancy.Organisation", on_delete=models.CASCADE, related_name="client_imports"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="client_imports"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    headers = models.JSONField(_("headers"), default=list)
    rows = models.JSONField(_("rows"), default=list)
    mapping = models.JSONField(_("column mapping"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("client import")
        verbose_name_plural = _("client imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name
