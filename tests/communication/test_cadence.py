"""The cadence rule, table-driven: first due on the start day, then every N days after the last
touchpoint; amber once overdue, red once late by more than half the cadence (at least 3 days)."""

from datetime import date, timedelta

import pytest

from rapport.communication import cadence
from rapport.communication.channels import Channel, MessageKind, advise

START = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("last_done", "cadence_days", "today", "next_due", "overdue", "colour"),
    [
        (None, 7, START - timedelta(days=1), START, -1, "green"),
        (None, 7, START, START, 0, "due"),
        (None, 7, START + timedelta(days=1), START, 1, "amber"),
        (None, 7, START + timedelta(days=3), START, 3, "amber"),
        (None, 7, START + timedelta(days=4), START, 4, "red"),
        (START, 7, START + timedelta(days=6), START + timedelta(days=7), -1, "green"),
        (START, 7, START + timedelta(days=7), START + timedelta(days=7), 0, "due"),
        (START, 30, START + timedelta(days=45), START + timedelta(days=30), 15, "amber"),
        (START, 30, START + timedelta(days=46), START + timedelta(days=30), 16, "red"),
        (START, 1, START + timedelta(days=4), START + timedelta(days=1), 3, "amber"),
        (START, 1, START + timedelta(days=5), START + timedelta(days=1), 4, "red"),
    ],
)
def test_due(last_done, cadence_days, today, next_due, overdue, colour):
    due = cadence.due(starts_on=START, last_done=last_done, cadence_days=cadence_days, today=today)
    assert (due.next_due, due.overdue_days, due.colour) == (next_due, overdue, colour)
    assert due.needs_attention == (colour != "green")


def test_a_stakeholder_takes_the_worst_colour():
    assert cadence.worst(["green", "amber", "due"]) == "amber"
    assert cadence.worst(["green", "red", "amber"]) == "red"
    assert cadence.worst([]) == "green"


@pytest.mark.parametrize(
    ("kind", "channel", "follows"),
    [
        (MessageKind.SENSITIVE, Channel.EMAIL, False),
        (MessageKind.SENSITIVE, Channel.PHONE, True),
        (MessageKind.INFORMATION, Channel.EMAIL, True),
        (MessageKind.INFORMATION, Channel.MEETING, False),
        (MessageKind.DECISION, Channel.CHAT, False),
        (MessageKind.URGENT, Channel.PHONE, True),
        (MessageKind.COMPLEX, Channel.VIDEO, True),
    ],
)
def test_channel_guidance(kind, channel, follows):
    advice = advise(kind)
    assert advice is not None and advice.follows(channel) is follows
    assert advice.why


def test_no_guidance_without_a_kind():
    assert advise("") is None
    assert advise("gossip") is None
