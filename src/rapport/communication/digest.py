"""The daily cadence digest: each morning (07:00 in their time zone), each member who owns
planned touchpoints or manages projects gets one email, in their language, listing what is due
and overdue; nothing is sent when nothing needs them."""

from __future__ import annotations

import logging
import zoneinfo
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from rapport.communication import selectors
from rapport.communication.models import DigestSent, PlanItem
from rapport.notify.services import email_queue
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import Membership

logger = logging.getLogger(__name__)
DIGEST_HOUR = 7


def _local(now: datetime, time_zone: str) -> datetime:
    try:
        return now.astimezone(zoneinfo.ZoneInfo(time_zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return now.astimezone(zoneinfo.ZoneInfo("UTC"))


def send_due(*, now: datetime) -> int:
    """Send the digests whose morning has come and that were not dealt with today; returns how
    many were sent. Safe to run as often as wanted."""
    active = PlanItem.objects.filter(active=True, project__status__in=selectors.ACTIVE)
    memberships = (
        Membership.objects.filter(user__is_active=True)
        .filter(
            Q(user__in=active.values("owner"))
            | Q(
                user__in=active.values("project__pm"),
                organisation__in=active.values("project__organisation"),
            )
        )
        .select_related("user", "organisation")
        .order_by("pk")
    )
    sent = 0
    for membership in memberships:
        local = _local(now, membership.user.time_zone)
        if local.hour < DIGEST_HOUR:
            continue
        day = local.date()
        if DigestSent.objects.filter(membership=membership, day=day).exists():
            continue
        try:
            sent += _send(membership, day)
        except Exception:  # one member's failure must not stop the others' digests
            logger.exception("cadence digest for membership %s failed", membership.pk)
    return sent


@transaction.atomic
def _send(membership: Membership, day: date) -> int:
    actor = Actor.member(membership.user, membership.organisation, membership.role)
    touchpoints = selectors.attention(actor=actor, today=day)
    try:
        with transaction.atomic():
            DigestSent.objects.create(membership=membership, day=day, items=len(touchpoints))
    except IntegrityError:  # another worker dealt with it
        return 0
    if not touchpoints:
        return 0
    with translation.override(membership.user.language):  # channel names in their language
        _queue(membership, day, touchpoints)
    return 1


def _queue(
    membership: Membership, day: date, touchpoints: list[selectors.PlannedTouchpoint]
) -> None:
    email_queue(
        to=membership.user.email,
        template="cadence_digest",
        language=membership.user.language,
        kind="cadence_digest",
        organisation_id=membership.organisation_id,
        context={
            "name": membership.user.full_name or membership.user.email,
            "organisation": membership.organisation.name,
            "day": day,
            "touchpoints": [
                {
                    "project": t.item.project.name,
                    "title": t.item.title,
                    "channel": t.item.get_channel_display(),
                    "audience": ", ".join(c.full_name for c in t.item.audience.all()),
                    "next_due": t.due.next_due,
                    "overdue_days": t.due.overdue_days,
                    "colour": t.due.colour,
                    "link": settings.SITE_URL
                    + reverse("communication:overview", args=[t.item.project_id]),
                }
                for t in touchpoints
            ],
        },
    )
