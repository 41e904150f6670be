from crontask import cron
from django.tasks import task
from django.utils import timezone

from rapport.feedback import services


@cron("20 7 * * *")
@task
def remind_surveys() -> int:
    """Daily: remind the contacts who have not answered a survey yet (at most twice)."""
    return services.survey_remind_due(now=timezone.now())
