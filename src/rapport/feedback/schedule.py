"""A project's survey schedules: a survey goes out on its own after each milestone is
completed, monthly on a chosen day, or when the project closes. The projects and closure
services call ``milestone_done`` and ``project_closed``; the monthly job calls
``send_monthly``. Each occasion is recorded with the survey it sent, under a unique key, so a
job run twice (or a milestone done, undone and done again) sends one survey only."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.clients.models import Contact
from rapport.clients.selectors import client_portal_contacts
from rapport.core.services import require
from rapport.feedback import permissions
from rapport.feedback.models import Survey, SurveyTemplate
from rapport.feedback.org_settings import feedback_settings_of
from rapport.feedback.schedule_models import ScheduledSending, SurveySchedule
from rapport.feedback.services import survey_create
from rapport.projects.models import Milestone, Project
from rapport.tenancy.actors import Actor

EXPIRY_DAYS = 21
LAST_DAY = 28  # every month has it


def schedules_of(*, actor: Actor, project: Project) -> QuerySet[SurveySchedule]:
    return (
        SurveySchedule.objects.filter(
            project=project, project__organisation_id=actor.organisation_id
        )
        .select_related("template")
        .prefetch_related("contacts")
        .order_by("trigger", "pk")
    )


def describe(schedule: SurveySchedule) -> str:
    """ "Monthly, on day 1", as the survey list shows it."""
    if schedule.trigger == SurveySchedule.Trigger.MONTHLY:
        return _("Monthly, on day %(day)d") % {"day": schedule.day_of_month}
    return str(schedule.get_trigger_display())


def _contacts(project: Project, contact_ids: Any) -> list[Contact] | None:
    try:
        ids = {int(pk) for pk in contact_ids or ()}
    except (TypeError, ValueError, OverflowError):
        return None
    contacts = list(
        Contact.objects.filter(client_id=project.client_id, pk__in=ids).exclude(email="")
    )
    return contacts if len(contacts) == len(ids) else None


@transaction.atomic
def schedule_save(
    *,
    actor: Actor,
    project: Project,
    trigger: Any,
    template_id: Any,
    day_of_month: Any = None,
    all_portal_contacts: bool = False,
    contact_ids: Any = (),
) -> SurveySchedule:
    """Set the project's schedule for one trigger (a second save of the same trigger
    changes it)."""
    require(permissions.can_send(actor, project))
    errors: dict[str, str] = {}
    if trigger not in SurveySchedule.Trigger.values:
        errors["trigger"] = _("Choose when the survey is sent.")
    day = None
    if trigger == SurveySchedule.Trigger.MONTHLY:
        try:
            day = int(str(day_of_month).strip())
        except (TypeError, ValueError, OverflowError):
            day = 0
        if not 1 <= day <= LAST_DAY:
            errors["day_of_month"] = _("Enter a day of the month from 1 to 28.")
    try:
        template = SurveyTemplate.objects.filter(
            organisation_id=project.organisation_id, pk=int(template_id)
        ).first()
    except (TypeError, ValueError, OverflowError):
        template = None
    if template is None:
        errors["template"] = _("Choose a survey template of your organisation.")
    contacts = [] if all_portal_contacts else _contacts(project, contact_ids)
    if contacts is None or (not all_portal_contacts and not contacts):
        errors["contacts"] = _(
            "Choose contacts of the project's client who have an email, or all portal contacts."
        )
    if errors or template is None:
        raise ValidationError(errors)
    schedule = SurveySchedule.objects.filter(project=project, trigger=trigger).first()
    created = schedule is None
    if schedule is None:
        schedule = SurveySchedule(project=project, trigger=trigger, created_by=actor.user)
    fields = ("day_of_month", "template_id", "all_portal_contacts")
    before = {} if created else audit.snapshot(schedule, fields)
    schedule.day_of_month = day
    schedule.template = template
    schedule.all_portal_contacts = bool(all_portal_contacts)
    schedule.save()
    schedule.contacts.set(contacts or [])
    audit.record(
        actor=actor,
        action="survey_scheduled" if created else "survey_schedule_updated",
        obj=schedule,
        organisation_id=project.organisation_id,
        changes={
            **audit.diff(before, audit.snapshot(schedule, fields)),
            "trigger": [None, trigger] if created else [trigger, trigger],
            "contacts": [None, sorted(c.full_name for c in contacts or [])],
        },
    )
    return schedule


@transaction.atomic
def schedule_delete(*, actor: Actor, schedule: SurveySchedule) -> None:
    require(permissions.can_send(actor, schedule.project))
    audit.record(
        actor=actor,
        action="survey_schedule_deleted",
        obj=schedule,
        organisation_id=schedule.project.organisation_id,
        changes={"trigger": [schedule.trigger, None]},
    )
    schedule.delete()


# --- sending --------------------------------------------------------------------------------


def _recipients(schedule: SurveySchedule) -> list[Contact]:
    if schedule.all_portal_contacts:
        contacts = client_portal_contacts(client_id=schedule.project.client_id)
    else:
        contacts = schedule.contacts.filter(client_id=schedule.project.client_id)
    return list(contacts.exclude(email="").order_by("pk"))


def send_scheduled(*, schedule_id: int, occasion: str, title: str = "") -> Survey | None:
    """Send the schedule's survey for one occasion, unless it was sent for it already (or the
    schedule is gone, or nobody is left to ask)."""
    with transaction.atomic():
        schedule = (
            SurveySchedule.objects.select_for_update(of=("self",))
            .select_related("project__organisation", "template")
            .filter(pk=schedule_id)
            .first()
        )
        if schedule is None:
            return None
        try:
            with transaction.atomic():
                sending = ScheduledSending.objects.create(schedule=schedule, occasion=occasion)
        except IntegrityError:
            return None  # sent already
        contacts = _recipients(schedule)
        if not contacts:
            return None
        project = schedule.project
        survey = survey_create(
            project=project,
            template=schedule.template,
            contacts=contacts,
            title=" · ".join(filter(None, [schedule.template.name, title]))[:200],
            days=EXPIRY_DAYS,
            remind_after_days=feedback_settings_of(project.organisation_id).remind_after_days,
        )
        sending.survey = survey
        sending.save(update_fields=["survey"])
        audit.record(
            actor=Actor.system(project.organisation),
            action="survey_sent",
            obj=survey,
            organisation_id=project.organisation_id,
            changes={
                "contacts": [None, [c.full_name for c in contacts]],
                "schedule": [None, f"{schedule.trigger} {occasion}"],
            },
        )
        return survey


def _enqueue(schedules: QuerySet[SurveySchedule], occasion: str, title: str) -> None:
    from rapport.feedback.tasks import send_scheduled_survey

    def enqueue(schedule_id: int) -> None:
        send_scheduled_survey.enqueue(schedule_id=schedule_id, occasion=occasion, title=title)

    for schedule_id in schedules.values_list("pk", flat=True):
        transaction.on_commit(partial(enqueue, schedule_id))


def milestone_done(*, milestone: Milestone) -> None:
    """Called in the transaction that marks a milestone done; the job runs after commit."""
    _enqueue(
        SurveySchedule.objects.filter(
            project_id=milestone.project_id, trigger=SurveySchedule.Trigger.MILESTONE
        ),
        f"milestone:{milestone.pk}",
        milestone.name,
    )


def project_closed(*, project: Project) -> None:
    """Called in the transaction that closes the project."""
    _enqueue(
        SurveySchedule.objects.filter(project=project, trigger=SurveySchedule.Trigger.CLOSURE),
        "closure",
        "",
    )


def send_monthly(*, today: date | None = None) -> int:
    """The monthly schedules of active projects whose day it is; the month is the occasion."""
    today = today or timezone.localdate()
    sent = 0
    for schedule_id in SurveySchedule.objects.filter(
        trigger=SurveySchedule.Trigger.MONTHLY,
        day_of_month=today.day,
        project__status=Project.Status.ACTIVE,
    ).values_list("pk", flat=True):
        month = today.strftime("%Y-%m")
        if send_scheduled(schedule_id=schedule_id, occasion=f"month:{month}", title=month):
            sent += 1
    return sent
