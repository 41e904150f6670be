"""``python -m tests.reliability.enqueue_emails COUNT``: queue COUNT emails as Rapport queues
them (an outbox row, then the ``send_email`` job), in the database of the environment."""

from __future__ import annotations

import sys

import django


def main(count: int) -> None:
    django.setup()
    from django.db import transaction

    from rapport.notify.models import OutboundEmail
    from rapport.notify.tasks import send_email

    for number in range(count):
        with transaction.atomic():
            email = OutboundEmail.objects.create(
                to=f"reader{number}@crash.test",
                subject=f"Status report {number}",
                body_text=f"Report number {number}.",
                language="en",
                kind="report_published",
            )
            transaction.on_commit(lambda pk=email.pk: send_email.enqueue(email_id=pk))


if __name__ == "__main__":
    main(int(sys.argv[1]))
