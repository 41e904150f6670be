"""Every read of status reports starts from the projects the actor can see; contacts see only
published reports."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from rapport.clients.models import Contact
from rapport.projects.models import Project
from rapport.projects.selectors import projects_visible_to
from rapport.reports.models import ReportAcknowledgement, StatusReport
from rapport.reports.thread_selectors import waiting_thread_count
from rapport.tenancy.actors import Actor


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
    return Contact.objects.filter(client_id=project.client_id, portal_access=True).order_by(
        "full_name", "id"
    )
