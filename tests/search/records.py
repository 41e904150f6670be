"""One record of every kind global search reads, each carrying a given phrase."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from django.utils import timezone

from rapport.changes.models import ChangeRequest
from rapport.lessons import services as lesson_services
from rapport.meetings.models import Meeting, Minutes
from rapport.messaging.models import Message, Thread
from rapport.projects.models import Project
from rapport.reports.models import StatusReport
from rapport.tenancy.actors import Actor
from tests import factories

_serial = itertools.count(1)


def every_kind(project: Project, *, pm: Actor, phrase: str) -> None:
    """A contact of the project's client, a change request, a status report, a meeting with
    minutes, a message and a lesson of ``project``, all containing ``phrase``; and a client of
    its organisation named with it."""
    n = next(_serial)
    factories.ClientFactory(organisation=project.organisation, name=f"{phrase} client {n}")
    factories.ContactFactory(client=project.client, full_name=f"{phrase} person {n}")
    ChangeRequest.objects.create(
        project=project,
        number=1000 + n,
        title=f"{phrase} change {n}",
        description=f"Because {phrase} matters",
        state="submitted",
    )
    start = date(2026, 1, 5) + timedelta(weeks=n)
    StatusReport.objects.create(
        project=project,
        number=1000 + n,
        period_start=start,
        period_end=start + timedelta(days=6),
        summary=f"This week {phrase} moved on.",
    )
    begins = timezone.now().replace(microsecond=0)
    meeting = Meeting.objects.create(
        project=project,
        number=1000 + n,
        title=f"Weekly {n}",
        start=begins,
        end=begins + timedelta(hours=1),
        time_zone="UTC",
        organiser=pm.user,
        uid=f"search-{n}@rapport",
    )
    Minutes.objects.create(meeting=meeting, recorded_by=pm.user, summary=f"We agreed {phrase}.")
    thread = Thread.objects.create(
        project=project, subject=f"Question {n}", created_by_user=pm.user
    )
    Message.objects.create(thread=thread, author_user=pm.user, body=f"About {phrase}?", via="app")
    lesson_services.lesson_create(
        actor=pm,
        project_id=project.pk,
        title=f"{phrase} lesson {n}",
        what_happened=f"{phrase} happened.",
        recommendation="Plan ahead.",
        category="change",
        tags=[],
        language="en",
    )
