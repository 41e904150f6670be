from __future__ import annotations

from crontask import cron
from django.tasks import task

from rapport.portability import services


@task
def build_organisation_export(*, export_id: int) -> str:
    return services.organisation_export_build(export_id=export_id).status


@cron("41 3 * * *")
@task
def prune_organisation_exports() -> int:
    """Organisation exports older than ``RAPPORT_EXPORT_KEEP_DAYS``, with their archives."""
    return services.organisation_exports_prune()
