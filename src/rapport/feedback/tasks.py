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


@task
def read_feedback_comment(*, feedback_id: int) -> bool:
    """A comment was recorded: its sentiment and terms, stored for the analysis pages."""
    return services.feedback_comment_read(feedback_id=feedback_id)


@cron("*/10 * * * *")
@task
def read_pending_feedback_comments() -> int:
    """Every ten minutes: the comments not read yet (after an upgrade, or a lost job)."""
    return services.feedback_comments_read_pending()
