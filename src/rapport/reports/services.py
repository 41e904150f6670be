"""Status reports: one function per action. A draft is filled from the data; a published
report is frozen (a correction is a new report that references it)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.core.services import assign, require
from rapport.notify import attachments
from rapport.notify.services import email_queue
from rapport.projects.models import Project
from rapport.reports import data, health, narrative, permissions
from rapport.reports.models import NARRATIVE_FIELDS, ReportAcknowledgement, StatusReport
from rapport.reports.selectors import report_recipients
from rapport.tenancy.actors import Actor
from rapport.webhooks import payloads as webhook_payloads

STATED_FIELDS = ("stated_health", "stated_reason")


def _locked(report: StatusReport) -> StatusReport:
    return (
        StatusReport.objects.select_for_update()
        .select_related("project__organisation", "project__client")
        .get(pk=report.pk)
    )


def _refuse_if_published(report: StatusReport) -> None:
    if report.is_published:
        raise ValidationError(
            _(
                "%(reference)s was published on %(date)s and cannot change: a correction is a "
                "new report that references the old one. Nothing was changed."
            )
            % {
                "reference": report.reference,
                "date": formats.date_format(
                    timezone.localtime(report.published_at), "SHORT_DATE_FORMAT"
                )
                if report.published_at
                else "",
            },
            code="published",
        )


HISTORY = 11  # earlier published reports shown in a report's health-over-time chart


def _fill(report: StatusReport, project: Project) -> None:
    """The data snapshot and computed health, from the project as it is now, with the health
    of the published reports before it."""
    snapshot, facts = data.gather(
        project, period_start=report.period_start, period_end=report.period_end
    )
    assessment = health.assess(facts, project.organisation.health_thresholds)
    earlier = project.status_reports.filter(state=StatusReport.State.PUBLISHED)
    if report.number:
        earlier = earlier.filter(number__lt=report.number)
    snapshot["health_history"] = [
        [row["number"], row["period_end"].isoformat(), row["overall_health"], row["stated_health"]]
        for row in earlier.order_by("-number").values(
            "number", "period_end", "overall_health", "stated_health"
        )[:HISTORY]
    ][::-1]
    report.data = snapshot
    report.health = assessment
    report.overall_health = assessment["overall"]


def _check_period(
    project: Project, period_start: date, period_end: date, corrects: StatusReport | None
) -> None:
    if period_end < period_start:
        raise ValidationError(
            {"period_end": _("The period must end on or after the day it starts.")},
            code="period_order",
        )
    others = project.status_reports.filter(
        period_start__lte=period_end, period_end__gte=period_start
    )
    if corrects is not None:
        others = others.exclude(Q(pk=corrects.pk) | Q(corrects_id=corrects.pk))
    clash = others.order_by("-number").first()
    if clash is not None:
        raise ValidationError(
            {
                "period_start": _(
                    "The period overlaps %(reference)s (%(start)s – %(end)s). Start after it "
                    "ends, or make this report a correction of it."
                )
                % {
                    "reference": clash.reference,
                    "start": clash.period_start.isoformat(),
                    "end": clash.period_end.isoformat(),
                }
            },
            code="period_overlap",
        )


def _draft_language(actor: Actor, language: str | None) -> str:
    """The language a new draft's narrative is written in: the one asked for, else the acting
    user's, else the site's default."""
    known = dict(settings.LANGUAGES)
    for candidate in (language, actor.user.language if actor.user else None):
        if candidate in known:
            return str(candidate)
    return str(settings.LANGUAGE_CODE)


@transaction.atomic
def report_draft(
    *,
    actor: Actor,
    project: Project,
    period_start: date,
    period_end: date,
    corrects: StatusReport | None = None,
    language: str | None = None,
) -> StatusReport:
    """A new draft for a period, filled from the data, its narrative pre-written from the data
    in ``language`` for the PM to edit; it may correct a published report."""
    require(permissions.can_draft(actor, project))
    project = Project.objects.select_for_update().select_related("organisation").get(pk=project.pk)
    if corrects is not None:
        corrects = project.status_reports.filter(
            pk=corrects.pk, state=StatusReport.State.PUBLISHED
        ).first()
        if corrects is None:
            raise ValidationError(
                {"corrects": _("Choose a published report of this project.")}, code="corrects"
            )
    _check_period(project, period_start, period_end, corrects)
    number = (project.status_reports.aggregate(n=Max("number"))["n"] or 0) + 1
    report = StatusReport(
        project=project,
        number=number,
        period_start=period_start,
        period_end=period_end,
        corrects=corrects,
        created_by=actor.user,
    )
    _fill(report, project)
    prefilled = narrative.prefill(
        report.data, report.health, language=_draft_language(actor, language)
    )
    for name, text in prefilled.items():
        setattr(report, name, text)
    report.save()
    audit.record(
        actor=actor,
        action="created",
        obj=report,
        organisation_id=project.organisation_id,
        changes={
            "period_start": [None, period_start.isoformat()],
            "period_end": [None, period_end.isoformat()],
            "overall_health": [None, report.overall_health],
            **({"corrects": [None, corrects.reference]} if corrects else {}),
        },
    )
    return report


@transaction.atomic
def report_update(*, actor: Actor, report: StatusReport, **values: Any) -> StatusReport:
    """The PM's narrative and stated health; a stated colour needs a written reason."""
    require(permissions.can_manage(actor, report.project))
    report = _locked(report)
    _refuse_if_published(report)
    before = audit.snapshot(report, NARRATIVE_FIELDS + STATED_FIELDS)
    assign(report, NARRATIVE_FIELDS + STATED_FIELDS, values)
    if report.stated_health and report.stated_health not in dict(health.STATED_CHOICES):
        raise ValidationError({"stated_health": _("Choose green, amber or red.")})
    if report.stated_health and not report.stated_reason:
        raise ValidationError(
            {"stated_reason": _("Say why the health differs from the computed one.")},
            code="reason_required",
        )
    if not report.stated_health:
        report.stated_reason = ""
    report.full_clean(exclude=["project", "corrects", "health", "data"])
    report.save()
    audit.record(
        actor=actor,
        action="updated",
        obj=report,
        organisation_id=report.project.organisation_id,
        changes=audit.diff(before, audit.snapshot(report, NARRATIVE_FIELDS + STATED_FIELDS)),
    )
    return report


@transaction.atomic
def report_refresh(*, actor: Actor, report: StatusReport) -> StatusReport:
    """Read the draft's data and health again from the project as it is now."""
    require(permissions.can_manage(actor, report.project))
    report = _locked(report)
    _refuse_if_published(report)
    before = report.overall_health
    _fill(report, report.project)
    report.save()
    audit.record(
        actor=actor,
        action="report_refreshed",
        obj=report,
        organisation_id=report.project.organisation_id,
        changes={"overall_health": [before, report.overall_health]},
    )
    return report


@transaction.atomic
def report_publish(*, actor: Actor, report: StatusReport) -> StatusReport:
    """Freeze the report with the data as it is now, show it in the portal and email it to
    the client's portal contacts, each in their language."""
    require(permissions.can_manage(actor, report.project))
    report = _locked(report)
    _refuse_if_published(report)
    project = report.project
    if placeholder := narrative.placeholder_left([getattr(report, f) for f in NARRATIVE_FIELDS]):
        raise ValidationError(
            _(
                "Write the way forward for each problem before publishing: replace the line "
                "“%(placeholder)s”. Nothing was published."
            )
            % {"placeholder": placeholder},
            code="solution_missing",
        )
    if project.published_at is None:
        raise ValidationError(
            _("Publish the project to the client portal first: the client could not open it."),
            code="project_unpublished",
        )
    _fill(report, project)
    report.state = StatusReport.State.PUBLISHED
    report.published_at = timezone.now()
    report.published_by = actor.user
    report.save()
    audit.record(
        actor=actor,
        action="published",
        obj=report,
        organisation_id=project.organisation_id,
        changes={
            "state": [StatusReport.State.DRAFT, StatusReport.State.PUBLISHED],
            "overall_health": [None, report.overall_health],
            "stated_health": [None, report.stated_health or None],
        },
    )
    webhook_payloads.status_report_published(report)
    link = settings.SITE_URL + reverse("portal_reports:detail", args=[project.pk, report.number])
    for contact in report_recipients(project=project).exclude(email=""):
        email_queue(
            to=contact.email,
            template="status_report",
            language=contact.language,
            kind="status_report_published",
            organisation_id=project.organisation_id,
            context={
                "name": contact.full_name,
                "project": project.name,
                "reference": report.reference,
                "period_start": report.period_start,
                "period_end": report.period_end,
                "health": report.health,
                "overall": report.overall_health,
                "stated": report.stated_health,
                "stated_reason": report.stated_reason,
                "link": link,
            },
            attachments=[attachments.spec("status_report_pdf", report_id=report.pk)],
        )
    return report


@transaction.atomic
def report_acknowledge(*, actor: Actor, report: StatusReport) -> ReportAcknowledgement:
    """A client contact says they read a published report; a second time changes nothing."""
    report = StatusReport.objects.select_related("project").get(pk=report.pk)
    contact = permissions.acknowledging_contact(actor, report.project)
    if contact is None or not report.is_published:
        raise PermissionDenied
    existing = report.acknowledgements.filter(contact=contact).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            acknowledgement = ReportAcknowledgement.objects.create(
                report=report, contact=contact, ip=actor.ip
            )
    except IntegrityError:  # acknowledged at the same moment in another tab
        return report.acknowledgements.get(contact=contact)
    audit.record(
        actor=actor,
        action="acknowledged",
        obj=report,
        organisation_id=report.project.organisation_id,
        contact_id=contact.pk,
        changes={"acknowledged_by": [None, contact.full_name]},
    )
    return acknowledgement
