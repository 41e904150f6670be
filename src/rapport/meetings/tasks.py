from crontask import cron
from django.tasks import task
from django.utils import timezone

from rapport.meetings import reminders


@cron("30 6 * * *")
@task
def remind_overdue_action_items() -> int:
    """Every morning: each owner of overdue action items gets one reminder."""
    return reminders.send_due(today=timezone.localdate())
