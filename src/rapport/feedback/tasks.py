from crontask import cron
from django.tasks import task
from django.utils import timezone

from rapport.feedback import schedule, services


@cron("20 7 * * *")
@task
def remind_surveys() -> int:
    """Daily: remind the contacts who have not answered a survey yet (at most twice)."""
    return services.survey_remind_due(now=timezone.now())


@task
def send_scheduled_survey(*, schedule_id: int, occasion: str, title: str = "") -> int | None:
    """A milestone done or a project closed: the schedule's survey, once per occasion."""
    survey = schedule.send_scheduled(schedule_id=schedule_id, occasion=occasion, title=title)
    return survey.pk if survey else None


@cron("40 6 * * *")
@task
def send_monthly_surveys() -> int:
    """Daily: the monthly surveys whose day it is (each month's sent once)."""
    return schedule.send_monthly()
