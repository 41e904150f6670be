from __future__ import annotations

from django.tasks import task

from rapport.portability import services


@task
def build_organisation_export(*, export_id: int) -> str:
    return services.organisation_export_build(export_id=export_id).status
