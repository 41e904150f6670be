"""The job worker on the real database task backend: a request only queues an email; the
worker (``rapport worker --batch``) sends it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from rapport.notify.models import OutboundEmail
from tests import factories
from tests.notify.smtp import free_port, smtp_mailer

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("django_mail_patch_dns", "keep_signal_handlers"),
]

LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


@pytest.fixture(autouse=True)
def _database_tasks(settings: Any) -> None:
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}
    }


def invite_new_contact(world: Any, login_as: Any) -> OutboundEmail:
    """The owner presses "Invite to the portal" on a new contact's page."""
    side = world.one
    contact = factories.ContactFactory(client=side.client_a, email="new.person@client.test")
    response = login_as(side.owner).post(f"/app/clients/contacts/{contact.pk}/invite/")
    assert response.status_code == 302
    return OutboundEmail.objects.get(to=contact.email, kind="portal_invitation")


def test_worker_sends_the_email_a_request_queued(
    world: Any, login_as: Any, settings: Any, mailoutbox: list[Any]
) -> None:
    settings.MAILERS = LOCMEM
    queued = invite_new_contact(world, login_as)

    # The request queued the email at commit and left the sending to the worker.
    assert queued.status == OutboundEmail.Status.QUEUED
    assert mailoutbox == []
    job = DBTaskResult.objects.get()
    assert job.status == TaskResultStatus.READY
    assert job.queue_name == "email"
    assert job.task_path == "rapport.notify.tasks.send_email"
    assert job.args_kwargs["kwargs"] == {"email_id": queued.pk}

    call_command("worker", batch=True, verbosity=0)

    queued.refresh_from_db()
    assert queued.status == OutboundEmail.Status.SENT
    assert queued.sent_at is not None
    assert [message.to for message in mailoutbox] == [["new.person@client.test"]]
    assert mailoutbox[0].subject == queued.subject
    job.refresh_from_db()
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert job.return_value == "sent"

    # A second run finds nothing left to do and sends nothing twice.
    call_command("worker", batch=True, verbosity=0)
    assert len(mailoutbox) == 1


def test_worker_records_an_unreachable_smtp_server_and_carries_on(
    world: Any, login_as: Any, settings: Any
) -> None:
    settings.MAILERS = smtp_mailer(free_port())  # nothing listens there
    queued = invite_new_contact(world, login_as)

    call_command("worker", batch=True, verbosity=0)

    queued.refresh_from_db()
    assert queued.status == OutboundEmail.Status.FAILED
    assert queued.error
    job = DBTaskResult.objects.get()
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert job.return_value == "failed"
