from crontask import cron
from django.tasks import task

from rapport.lessons import services


@task
def read_project_terms(*, project_id: int) -> bool:
    """A project's words changed: their search terms, stored for its lesson suggestions."""
    return services.project_terms_read(project_id=project_id)


@cron("5-59/10 * * * *")
@task
def read_pending_project_terms() -> int:
    """Every ten minutes: the projects whose words were not read since they changed (after an
    upgrade, an import, or a lost job)."""
    return services.project_terms_read_pending()
