from crontask import cron
from django.tasks import task

from rapport.webhooks import services


@task
def deliver_webhook(*, delivery_id: int) -> str:
    delivery = services.deliver(delivery_id=delivery_id)
    return delivery.status if delivery else "skipped"


@cron("* * * * *")
@task
def deliver_due_webhooks() -> int:
    """Every minute: the retries whose delay is over."""
    return services.deliver_due()
