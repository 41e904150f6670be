"""What was actually spent: cost entries and time entries, rolled up against the budget."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.core.models import TimeStamped
from rapport.projects.models.baseline import (
    MONEY_DIGITS,
    MONEY_PLACES,
    NON_NEGATIVE,
    BudgetCategory,
)


class CostEntry(TimeStamped):
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="cost_entries"
    )
    category = models.CharField(_("category"), max_length=20, choices=BudgetCategory.choices)
    date = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    amount = models.DecimalField(
        _("amount"), validators=NON_NEGATIVE, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES
    )

    class Meta:
        verbose_name = _("cost entry")
        verbose_name_plural = _("cost entries")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["project", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.amount}"


class TimeEntry(TimeStamped):
    """Hours worked at an internal rate; counts as labour against the budget."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="time_entries"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
    )
    rate = models.DecimalField(
        _("hourly rate"),
        validators=NON_NEGATIVE,
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
    )
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["project", "date"])]

    def __str__(self) -> str:
        return f"{self.person} {self.date} {self.hours}h"

    @property
    def cost(self) -> Decimal:
        return (self.hours * self.rate).quantize(Decimal("0.01"))
