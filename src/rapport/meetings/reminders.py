"""The daily reminder of overdue action items: each owner (a team member or a client contact)
gets one email a day per organisation listing their open action items past their due date, in
their language; nothing is sent when nothing is overdue. Each action item records the day it
was last reminded, so running the job again the same day sends nothing twice."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from rapport.meetings.models import ActionItem
from rapport.notify.services import email_queue
from rapport.tenancy.models import Membership
from rapport.webhooks import payloads as webhook_payloads

logger = logging.getLogger(__name__)


def send_due(*, today: date) -> int:
    """Send today's reminders; returns how many emails were queued."""
    due = (
        ActionItem.objects.filter(status=ActionItem.Status.OPEN, due_date__lt=today)
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
        .select_related("project__organisation", "owner_user", "owner_contact")
        .order_by("due_date", "id")
    )
    groups: dict[tuple[str, int, int], list[ActionItem]] = defaultdict(list)
    for item in due:
        if item.owner_user_id is not None:
            key = ("user", item.owner_user_id, item.project.organisation_id)
        else:
            assert item.owner_contact_id is not None
            key = ("contact", item.owner_contact_id, item.project.organisation_id)
        groups[key].append(item)
    sent = 0
    for items in groups.values():
        try:
            sent += _remind(items, today)
        except Exception:  # one owner's failure must not stop the others' reminders
            logger.exception("action item reminder for %s failed", items[0].owner)
    return sent


@transaction.atomic
def _remind(items: list[ActionItem], today: date) -> int:
    ids = [item.pk for item in items]
    claimed = (
        ActionItem.objects.filter(pk__in=ids)
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
        .update(reminded_on=today)
    )
    if not claimed:  # another run dealt with them
        return 0
    for item in items:
        webhook_payloads.action_item_overdue(item, today=today)
    first = items[0]
    if first.owner_user is not None:
        user = first.owner_user
        still_member = Membership.objects.filter(
            user=user, organisation_id=first.project.organisation_id
        ).exists()
        if not user.is_active or not user.email or not still_member:
            return 0
        email, name, language = user.email, user.full_name or user.email, user.language
        link = settings.SITE_URL + reverse("meetings:my_action_items")
    else:
        contact = first.owner_contact
        assert contact is not None
        if not contact.email:
            return 0
        email, name, language = contact.email, contact.full_name, contact.language
        link = (
            settings.SITE_URL + reverse("portal_meetings:action_items")
            if contact.portal_access and contact.user_id
            else ""
        )
    with translation.override(language):
        email_queue(
            to=email,
            template="action_items_overdue",
            context={
                "name": name,
                "organisation": first.project.organisation.name,
                "items": [
                    {
                        "what": item.what,
                        "project": item.project.name,
                        "due_date": item.due_date,
                        "overdue_days": item.overdue_days(today),
                    }
                    for item in items
                ],
                "link": link,
            },
            language=language,
            kind="action_items_overdue",
            organisation_id=first.project.organisation_id,
        )
    return 1
