from crontask import cron
from django.tasks import task
from django.utils import timezone

from rapport.communication import digest


@cron("5 * * * *")
@task
def send_cadence_digests() -> int:
    """Hourly, so that each member's digest goes out at their own morning."""
    return digest.send_due(now=timezone.now())
