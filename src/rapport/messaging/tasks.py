from crontask import cron
from django.tasks import task

from rapport.messaging import attachments


@cron("17 3 * * *")
@task
def sweep_attachments() -> int:
    """Daily: remove attachment files whose message was never saved (a rolled-back write)."""
    return attachments.sweep()
