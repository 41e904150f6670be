from crontask import cron
from django.tasks import task

from rapport.notify import digest, services


@task(queue_name="email")
def send_email(*, email_id: int) -> str:
    return services.email_deliver(email_id=email_id).status


@cron("45 6 * * *")
@task
def send_notification_digests() -> int:
    """Daily, after the 06:30 action-item reminders, so they make the same day's digest."""
    return digest.send_all()
