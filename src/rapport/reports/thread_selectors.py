"""Reading the client's questions on a status report. A thread is reached only through its
report, once that report is resolved for the actor (``selectors.report_get``); a draft has no
threads anyone can read."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from rapport.reports.models import ReportMessage, ReportThread, StatusReport
from rapport.tenancy.actors import Actor


def threads_of(*, report: StatusReport) -> QuerySet[ReportThread]:
    """The report's threads, oldest first, each with its messages and their authors."""
    return (
        ReportThread.objects.filter(report=report, report__state=StatusReport.State.PUBLISHED)
        .select_related("opened_by")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=ReportMessage.objects.select_related(
                    "author_user", "author_contact"
                ).order_by("created_at", "id"),
            )
        )
        .order_by("created_at", "id")
    )


def thread_get(*, report: StatusReport, thread_id: int) -> ReportThread:
    """One thread of this report; another report's thread is not found."""
    return get_object_or_404(threads_of(report=report), pk=thread_id)


def waiting_thread_count() -> Coalesce:
    """Annotation for a queryset of reports: how many of its threads wait for an answer."""
    waiting = (
        ReportThread.objects.filter(report=OuterRef("pk"), waiting_since__isnull=False)
        .order_by()
        .values("report")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(waiting, output_field=IntegerField()), 0)


def questions_waiting(*, actor: Actor) -> QuerySet[ReportThread]:
    """Questions on published reports of the projects this member manages (or of every
    project, for owners and admins) that wait for an answer, the longest wait first."""
    if not actor.is_member or actor.user is None:
        return ReportThread.objects.none()
    threads = ReportThread.objects.filter(
        waiting_since__isnull=False,
        report__state=StatusReport.State.PUBLISHED,
        report__project__organisation_id=actor.organisation_id,
    )
    if not actor.is_admin:
        threads = threads.filter(report__project__pm=actor.user)
    return threads.select_related("report__project__client").order_by("waiting_since", "id")
