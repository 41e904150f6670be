"""The morning digest: once a day per member, at 07:00 in their time zone, in their language,
only when something is due."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from rapport.communication import digest
from rapport.communication import services as comm
from rapport.communication.models import DigestSent
from rapport.notify.models import OutboundEmail
from rapport.projects.models import Project

pytestmark = pytest.mark.django_db


def _overdue_item(side, title="Weekly call with the sponsor"):
    return comm.plan_item_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        audience=[side.contact_a],
        owner_id=side.pm.pk,
        title=title,
        channel="video",
        cadence_days=7,
        starts_on=timezone.localdate() - timedelta(days=40),
    )


def _morning(hour: int, time_zone: str = "UTC") -> datetime:
    """Today at ``hour`` o'clock in ``time_zone``, as an aware datetime."""
    import zoneinfo

    zone = zoneinfo.ZoneInfo(time_zone)
    local = datetime.now(zone).replace(hour=hour, minute=5, second=0, microsecond=0)
    return local.astimezone(UTC)


def test_the_digest_goes_once_in_the_members_language_after_seven(world):
    side = world.one
    Project.objects.filter(pk=side.project_a.pk).update(status=Project.Status.ACTIVE)
    side.pm.language = "zh-hans"
    side.pm.time_zone = "Asia/Shanghai"
    side.pm.save(update_fields=["language", "time_zone"])
    _overdue_item(side)

    assert digest.send_due(now=_morning(6, "Asia/Shanghai")) == 0
    assert not OutboundEmail.objects.filter(kind="cadence_digest").exists()

    assert digest.send_due(now=_morning(7, "Asia/Shanghai")) == 1
    assert digest.send_due(now=_morning(9, "Asia/Shanghai")) == 0  # once a day
    email = OutboundEmail.objects.get(kind="cadence_digest")
    assert email.to == side.pm.email and email.language == "zh-hans"
    assert "计划沟通已到期或逾期" in email.subject
    assert "Weekly call with the sponsor" in email.body_text
    assert re.search(r"已逾期 4[01] 天", email.body_text)  # Shanghai's day may be tomorrow
    assert "视频会议" in email.body_text
    assert f"/app/projects/{side.project_a.pk}/communication/" in email.body_text


def test_no_digest_when_nothing_is_due(world):
    side = world.one
    comm.plan_item_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        audience=[side.contact_a],
        owner_id=side.pm.pk,
        title="Later",
        channel="email",
        cadence_days=7,
        starts_on=timezone.localdate() + timedelta(days=5),
    )
    assert digest.send_due(now=_morning(8)) == 0
    assert not OutboundEmail.objects.filter(kind="cadence_digest").exists()
    assert DigestSent.objects.filter(items=0).count() == 1  # looked at, once


def test_closed_projects_and_paused_items_send_nothing(world):
    side = world.one
    item = _overdue_item(side)
    comm.plan_item_update(actor=side.actor(side.pm), item=item, active=False)
    assert digest.send_due(now=_morning(8)) == 0
    comm.plan_item_update(actor=side.actor(side.pm), item=item, active=True)
    Project.objects.filter(pk=side.project_a.pk).update(status=Project.Status.CLOSED)
    assert digest.send_due(now=_morning(8)) == 0
    assert not OutboundEmail.objects.filter(kind="cadence_digest").exists()


def test_one_members_failure_does_not_stop_the_others(world, monkeypatch):
    _overdue_item(world.one)
    _overdue_item(world.two)
    real = digest._send
    calls = []

    def failing_once(membership, day):
        calls.append(membership.pk)
        if len(calls) == 1:
            raise RuntimeError("mail template broken")
        return real(membership, day)

    monkeypatch.setattr(digest, "_send", failing_once)
    assert digest.send_due(now=_morning(8)) == 1
    assert len(calls) == 2
