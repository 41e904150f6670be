"""Every read of status reports starts from the projects the actor can see; contacts see only
published reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from rapport.clients.models import Contact
from rapport.clients.selectors import client_portal_contacts
from rapport.projects.models import Project
from rapport.projects.selectors import managed_by, projects_visible_to
from rapport.reports.models import ReportAcknowledgement, StatusReport
from rapport.reports.thread_selectors import waiting_thread_count
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import Organisation


def reports_visible_to(actor: Actor) -> QuerySet[StatusReport]:
    reports = StatusReport.objects.filter(project__in=projects_visible_to(actor))
    if actor.is_contact:
        reports = reports.filter(state=StatusReport.State.PUBLISHED)
    return reports


def report_list(*, actor: Actor, project: Project) -> QuerySet[StatusReport]:
    return (
        reports_visible_to(actor)
        .filter(project=project)
        .select_related("created_by", "published_by", "corrects")
        .annotate(acknowledged=Count("acknowledgements"), waiting_threads=waiting_thread_count())
        .order_by("-number")
    )


def report_get(*, actor: Actor, project: Project, number: int) -> StatusReport:
    return get_object_or_404(
        reports_visible_to(actor)
        .filter(project=project)
        .select_related("project__client", "created_by", "published_by", "corrects"),
        number=number,
    )


def acknowledgements(*, report: StatusReport) -> list[ReportAcknowledgement]:
    return list(report.acknowledgements.select_related("contact").order_by("at", "id"))


def report_recipients(*, project: Project) -> QuerySet[Contact]:
    """The client's portal contacts: they receive the report and may acknowledge it."""
    return client_portal_contacts(client_id=project.client_id)


def with_acknowledgement_status(
    reports: QuerySet[StatusReport], *, organisation: Organisation, now: datetime | None = None
) -> QuerySet[StatusReport]:
    """Each report with ``recipients`` (its client's portal contacts), ``recipients_acknowledged``
    (how many of them acknowledged it) and ``acknowledgement_overdue`` (published more than the
    organisation's acknowledgement window ago and not acknowledged by all of them): subqueries
    of the same query, whatever the number of reports."""
    cutoff = (now or timezone.now()) - timedelta(days=organisation.report_acknowledgement_days)
    recipients = (
        Contact.objects.filter(client_id=OuterRef("project__client_id"), portal_access=True)
        .order_by()
        .values("client_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    acknowledged = (
        ReportAcknowledgement.objects.filter(
            report_id=OuterRef("pk"),
            contact__client_id=OuterRef("project__client_id"),
            contact__portal_access=True,
        )
        .order_by()
        .values("report_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return reports.annotate(
        recipients=Coalesce(Subquery(recipients), 0),
        recipients_acknowledged=Coalesce(Subquery(acknowledged), 0),
    ).annotate(
        acknowledgement_overdue=Case(
            When(
                state=StatusReport.State.PUBLISHED,
                published_at__lt=cutoff,
                recipients_acknowledged__lt=F("recipients"),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


@dataclass(frozen=True)
class AcknowledgementWait:
    """How long the client has had a published report, against the organisation's window."""

    days: int  # whole days since it was published
    window: int  # the organisation's acknowledgement window, in days
    overdue: bool  # published more than ``window`` days ago


def acknowledgement_wait(
    *, report: StatusReport, organisation: Organisation, now: datetime | None = None
) -> AcknowledgementWait | None:
    """None while the report is a draft: nobody can acknowledge it yet."""
    if not report.is_published or report.published_at is None:
        return None
    waited = (now or timezone.now()) - report.published_at
    window = organisation.report_acknowledgement_days
    return AcknowledgementWait(
        days=max(waited.days, 0), window=window, overdue=waited > timedelta(days=window)
    )


# --- the client portal's home -----------------------------------------------------------------


def reports_awaiting_acknowledgement(*, actor: Actor) -> QuerySet[StatusReport]:
    """Published reports none of the contact actor's contacts has acknowledged yet."""
    acknowledged = ReportAcknowledgement.objects.filter(
        report=OuterRef("pk"), contact_id__in=actor.contact_ids or ()
    )
    return (
        reports_visible_to(actor)
        .filter(state=StatusReport.State.PUBLISHED)
        .exclude(Exists(acknowledged))
        .select_related("project")
        .order_by("published_at", "id")
    )


def latest_published_reports(
    *, actor: Actor, projects: QuerySet[Project]
) -> QuerySet[StatusReport]:
    """The newest published report of each of ``projects`` (one query, whatever their number)."""
    newest = (
        StatusReport.objects.filter(project=OuterRef("project"), state=StatusReport.State.PUBLISHED)
        .order_by("-published_at", "-number")
        .values("pk")[:1]
    )
    return (
        reports_visible_to(actor)
        .filter(project__in=projects, state=StatusReport.State.PUBLISHED, pk=Subquery(newest))
        .select_related("project")
        .order_by("-published_at", "-id")
    )


def published_reports(*, actor: Actor, project: Project, limit: int = 100) -> list[StatusReport]:
    """The project's published reports, newest first, for its timeline."""
    return list(
        reports_visible_to(actor)
        .filter(project=project, state=StatusReport.State.PUBLISHED)
        .order_by("-published_at", "-number")[:limit]
    )


# --- the member's reports (home page) -----------------------------------------------------


def drafts_of(*, actor: Actor) -> QuerySet[StatusReport]:
    """Drafted reports of the member's projects, not yet published."""
    return (
        reports_visible_to(actor)
        .filter(project__in=managed_by(actor), state=StatusReport.State.DRAFT)
        .select_related("project__client")
        .order_by("period_end", "id")
    )


def projects_with_report_cadence(*, actor: Actor) -> QuerySet[Project]:
    """The member's active projects reported at a cadence, each with its last report's end
    (``last_period_end``, a draft's included: a drafted report is no longer due)."""
    return (
        managed_by(actor)
        .filter(status=Project.Status.ACTIVE)
        .exclude(report_cadence=Project.ReportCadence.NONE)
        .select_related("client")
        .annotate(last_period_end=Max("status_reports__period_end"))
        .order_by("name", "id")
    )
