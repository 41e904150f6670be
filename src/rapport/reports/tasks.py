"""The reporting schedule: every half hour, each active project with a reporting cadence whose
day it is (in its organisation's time zone) gets a draft status report, written in its PM's
language, and the PM an email asking them to review and publish it."""

from __future__ import annotations

import logging
import zoneinfo
from datetime import date, datetime

from crontask import cron
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from rapport.notify.services import email_queue
from rapport.projects.models import Project
from rapport.reports import schedule, services
from rapport.reports.models import StatusReport
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import Organisation

logger = logging.getLogger(__name__)


def _time_zone(organisation: Organisation) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(organisation.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _draft_if_due(project_id: int, today: date) -> StatusReport | None:
    """Draft and announce one project's report in one transaction, checked again under the
    project's lock so that two runs at once draft it once."""
    with transaction.atomic():
        project = (
            Project.objects.select_for_update()
            .select_related("organisation", "pm")
            .get(pk=project_id)
        )
        last = project.status_reports.aggregate(end=Max("period_end"))["end"]
        period = schedule.due_period(project, last_period_end=last, today=today)
        if period is None:
            return None
        pm = project.pm
        report = services.report_draft(
            actor=Actor.system(project.organisation),
            project=project,
            period_start=period.start,
            period_end=period.end,
            language=pm.language,
        )
        if pm.is_active and pm.email:
            email_queue(
                to=pm.email,
                template="status_report_drafted",
                language=pm.language,
                kind="status_report_drafted",
                organisation_id=project.organisation_id,
                context={
                    "name": pm.full_name or pm.email,
                    "project": project.name,
                    "reference": report.reference,
                    "period_start": report.period_start,
                    "period_end": report.period_end,
                    "overall": report.overall_health,
                    "link": settings.SITE_URL
                    + reverse("reports:edit", args=[project.pk, report.number]),
                },
            )
        return report


def draft_due_reports(*, now: datetime | None = None) -> list[StatusReport]:
    """Draft every report due today, each organisation's today in its own time zone. One
    project failing is logged and does not stop the others; it is tried again next run."""
    now = now or timezone.now()
    drafted = []
    for organisation in Organisation.objects.order_by("pk"):
        zone = _time_zone(organisation)
        today = now.astimezone(zone).date()
        candidates = (
            Project.objects.filter(
                organisation=organisation,
                status=Project.Status.ACTIVE,
                report_weekday=today.weekday(),
            )
            .exclude(report_cadence=Project.ReportCadence.NONE)
            .annotate(last_period_end=Max("status_reports__period_end"))
            .order_by("pk")
        )
        for project in candidates:
            if schedule.due_period(project, last_period_end=project.last_period_end, today=today):
                try:
                    # "today" in the report's data (as_of, decision days) is the organisation's
                    with timezone.override(zone):
                        report = _draft_if_due(project.pk, today)
                except Exception:
                    logger.exception(
                        "The scheduled status report of project %s (%s) could not be drafted",
                        project.pk,
                        project.code,
                    )
                    continue
                if report is not None:
                    drafted.append(report)
    if drafted:
        logger.info("Drafted %d scheduled status reports", len(drafted))
    return drafted


@cron("*/30 * * * *")
@task
def draft_scheduled_reports() -> int:
    """Every half hour, so each organisation's day starts with its drafts soon after its
    midnight; a report already drafted for the day is never drafted again."""
    return len(draft_due_reports())


@task
def recompute_project_health(project_ids: list[int]) -> int:
    """After a change (``health_store.changed``): the changed projects' stale health rows
    computed again, for the days they were for; none if a read computed them first."""
    from rapport.reports import health_store

    return health_store.recompute_stale(project_ids)


@cron("7 * * * *")
@task
def refresh_project_health() -> int:
    """Hourly (and after an organisation's health thresholds change): every project's stored
    health computed for its organisation's today where it is missing or stale, so that the
    first portfolio of the day reads stored rows; past days pruned."""
    from rapport.reports import health_store

    return health_store.refresh_due()
