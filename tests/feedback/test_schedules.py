"""Scheduled surveys: after each milestone, monthly, at closure; each occasion sends once,
through the job queue, delivered by real SMTP."""

import email
import email.policy
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.closure import services as closure_services
from rapport.feedback import schedule, services
from rapport.feedback.models import ScheduledSending, Survey, SurveySchedule
from rapport.projects import baseline_services
from rapport.projects.models import Deliverable, Milestone
from tests.conftest import login
from tests.notify.smtp import SmtpServer, running_smtp_server, smtp_mailer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("django_mail_patch_dns")]


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    with running_smtp_server() as server:
        yield server


def _schedule(side, trigger, **values):
    values.setdefault("contact_ids", [side.contact_a.pk])
    return schedule.schedule_save(
        actor=side.actor(side.pm),
        project=side.project_a,
        trigger=trigger,
        template_id=services.template_default(organisation=side.organisation).pk,
        **values,
    )


def _recipients(smtp_server: SmtpServer) -> list[str]:
    return [to for envelope in smtp_server.inbox.envelopes for to in envelope.rcpt_tos]


def test_a_completed_milestone_sends_the_survey_by_smtp_once(
    world, settings: Any, smtp_server: SmtpServer, django_capture_on_commit_callbacks
):
    settings.MAILERS = smtp_mailer(smtp_server.port)
    side = world.one
    _schedule(side, "milestone")
    milestone = Milestone.objects.create(
        project=side.project_a, name="Design signed", baseline_date=side.project_a.start_date
    )
    pm = side.actor(side.pm)

    with django_capture_on_commit_callbacks(execute=True):
        baseline_services.item_update(actor=pm, item=milestone, done_date=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):  # saved again: not sent again
        baseline_services.item_update(
            actor=pm, item=milestone, done_date=timezone.localdate(), forecast_date=None
        )
    with django_capture_on_commit_callbacks(execute=True):  # the job run twice
        schedule.send_scheduled(
            schedule_id=SurveySchedule.objects.get().pk, occasion=f"milestone:{milestone.pk}"
        )

    survey = Survey.objects.get()
    assert survey.title.endswith("Design signed")
    assert _recipients(smtp_server) == [side.contact_a.email]
    message = email.message_from_bytes(
        smtp_server.inbox.envelopes[0].content, policy=email.policy.default
    )
    assert "/survey/" in message.get_body(preferencelist=("plain",)).get_content()
    assert AuditEvent.objects.filter(action="survey_sent", object_id=str(survey.pk)).exists()


def test_the_monthly_survey_goes_on_its_day_once_a_month(
    world, settings: Any, smtp_server: SmtpServer, django_capture_on_commit_callbacks
):
    settings.MAILERS = smtp_mailer(smtp_server.port)
    side = world.one
    _schedule(side, "monthly", day_of_month=3, contact_ids=(), all_portal_contacts=True)

    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.send_monthly(today=date(2026, 5, 2)) == 0
        assert schedule.send_monthly(today=date(2026, 5, 3)) == 1
        assert schedule.send_monthly(today=date(2026, 5, 3)) == 0
        assert schedule.send_monthly(today=date(2026, 6, 3)) == 1

    assert list(
        ScheduledSending.objects.order_by("occasion").values_list("occasion", flat=True)
    ) == ["month:2026-05", "month:2026-06"]
    portal = sorted(c.email for c in side.client_a.contacts.filter(portal_access=True))
    assert sorted(_recipients(smtp_server)) == sorted(portal * 2)


def test_closing_the_project_sends_the_closure_survey(world, django_capture_on_commit_callbacks):
    side = world.one
    _schedule(side, "closure")
    pm = side.actor(side.pm)
    Deliverable.objects.filter(project=side.project_a).update(status=Deliverable.Status.ACCEPTED)
    closure_services.closure_update(
        actor=pm, project=side.project_a, narrative="Done.", lessons="", budget_closed=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        closure_services.closure_close(actor=pm, project=side.project_a)

    survey = Survey.objects.get(project=side.project_a)
    assert list(survey.invitations.values_list("contact_id", flat=True)) == [side.contact_a.pk]
    assert ScheduledSending.objects.get().occasion == "closure"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"trigger": "weekly"}, "trigger"),
        ({"trigger": "monthly", "day_of_month": "31"}, "day_of_month"),
        ({"trigger": "monthly", "day_of_month": "x"}, "day_of_month"),
        ({"trigger": "milestone", "template_id": "999999999"}, "template"),
        ({"trigger": "milestone", "contact_ids": []}, "contacts"),
        ({"trigger": "milestone", "contact_ids": ["abc"]}, "contacts"),
    ],
)
def test_bad_schedules_are_refused(world, values, field):
    side = world.one
    values = {
        "template_id": services.template_default(organisation=side.organisation).pk,
        "contact_ids": [side.contact_a.pk],
        **values,
    }
    with pytest.raises(ValidationError) as error:
        schedule.schedule_save(actor=side.actor(side.pm), project=side.project_a, **values)
    assert field in error.value.message_dict
    assert not SurveySchedule.objects.exists()


def test_a_contact_of_another_client_is_refused(world):
    side = world.one
    with pytest.raises(ValidationError):
        _schedule(side, "milestone", contact_ids=[side.contact_b.pk])
    with pytest.raises(ValidationError):
        _schedule(side, "milestone", contact_ids=[world.two.contact_a.pk])


def test_the_survey_list_shows_the_schedule(world):
    side = world.one
    _schedule(side, "monthly", day_of_month=1)
    response = login(side.pm).get(f"/app/projects/{side.project_a.pk}/feedback/")
    assert "Scheduled: Monthly, on day 1" in response.content.decode()
