"""The daily digest: each person who chose "in the daily digest" for some kinds gets, once a
day, one email in their language listing what happened since the last one. Nothing is sent to
someone with nothing waiting."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction

from rapport.notify import kinds
from rapport.notify.models import Notification
from rapport.notify.services import email_queue

logger = logging.getLogger(__name__)


def send_all() -> int:
    """One digest per address and organisation with notifications waiting; returns how many
    were queued. One failure is logged and does not stop the others (they wait for the next
    day). Safe to run twice: a notification leaves the digest when its digest is queued."""
    waiting = (
        Notification.objects.filter(in_digest=True)
        .values_list("email", "organisation_id")
        .distinct()
        .order_by("email", "organisation_id")
    )
    sent = 0
    for email, organisation_id in waiting:
        try:
            sent += _send(email, organisation_id)
        except Exception:
            logger.exception("notification digest to %s failed", email)
    return sent


@transaction.atomic
def _send(email: str, organisation_id: int | None) -> int:
    items = list(
        Notification.objects.select_for_update(of=("self",))
        .filter(in_digest=True, email=email)
        .filter(
            **(
                {"organisation_id": organisation_id}
                if organisation_id is not None
                else {"organisation__isnull": True}
            )
        )
        .order_by("created_at", "pk")
    )
    if not items:
        return 0  # another run took them
    Notification.objects.filter(pk__in=[item.pk for item in items]).update(in_digest=False)
    email_queue(
        to=email,
        template="notification_digest",
        language=items[-1].language,
        kind=kinds.DIGEST,
        organisation_id=organisation_id,
        context={
            "items": [
                {
                    "title": item.title,
                    "kind": kinds.get(item.kind).label,
                    "created_at": item.created_at,
                    "link": settings.SITE_URL + item.link if item.link else "",
                }
                for item in items
            ],
        },
    )
    return 1
