from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class RateLimitCounter(models.Model):
    """Requests counted in one fixed window of one rate limit (``core.ratelimit``), shared by
    every web process through the database. ``key`` is a digest of the limit's scope and who
    is counted (an IP address, an email address), never the value itself."""

    key = models.CharField(max_length=64)
    slot = models.BigIntegerField()  # the window's number: seconds since the epoch // window
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "slot"], name="ratelimit_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.slot}: {self.count}"
