"""Feedback the team records, and the satisfaction dimension of the status report's health."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.feedback import services
from rapport.feedback.models import Feedback
from rapport.reports import health
from rapport.reports.health import AMBER, GREEN, GREY, RED, FeedbackFact, HealthData

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _record(side, **values):
    defaults = {"source": "interview", "received_on": TODAY.isoformat(), "progress": "3"}
    return services.feedback_record(
        actor=side.actor(side.member), project=side.project_a, **defaults | values
    )


def test_the_team_records_feedback_on_the_same_dimensions(world):
    side = world.one
    feedback = _record(
        side, quality=2, nps="5", comment="质量问题很多", contact_id=side.contact_a.pk
    )
    assert feedback.scores() == {"progress": 3, "quality": 2}
    assert (feedback.nps, feedback.contact, feedback.recorded_by) == (
        5,
        side.contact_a,
        side.member,
    )
    assert AuditEvent.objects.filter(action="feedback_recorded").exists()


def test_recording_feedback_needs_the_project_team(world):
    side = world.one
    with pytest.raises(PermissionDenied):
        services.feedback_record(
            actor=side.actor(side.outsider),
            project=side.project_a,
            source="call",
            received_on=TODAY,
            comment="x",
        )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"progress": 0}, "progress"),
        ({"quality": "6"}, "quality"),
        ({"nps": 11}, "nps"),
        ({"nps": True}, "nps"),
        ({"source": "survey"}, "source"),
        ({"received_on": "yesterday"}, "received_on"),
        ({"received_on": (TODAY + timedelta(days=2)).isoformat()}, "received_on"),
        ({"comment": "x" * 4001}, "comment"),
        ({"contact_id": "999999999999999999999"}, "contact"),
        ({"progress": None, "comment": ""}, "comment"),
    ],
)
def test_bad_feedback_is_refused_with_a_message(world, values, field):
    with pytest.raises(ValidationError) as error:
        _record(world.one, **values)
    assert field in error.value.message_dict
    assert not Feedback.objects.exists()


def _facts(*feedback):
    return HealthData(
        as_of=date(2026, 6, 30),
        start_date=date(2026, 1, 1),
        baseline_end=date(2026, 12, 31),
        forecast_end=date(2026, 12, 31),
        feedback=list(feedback),
    )


def _verdict(*feedback):
    return health.DIMENSIONS["satisfaction"](_facts(*feedback), health.thresholds(None))


def test_satisfaction_colour_follows_the_recent_scores():
    day = date(2026, 6, 1)
    assert _verdict().colour == GREY
    assert _verdict(FeedbackFact(day, {"progress": 4, "quality": 5, "nps": 9})).colour == GREEN
    amber = _verdict(FeedbackFact(day, {"progress": 4, "communication": 3}))
    assert amber.colour == AMBER
    assert amber.reasons[0]["params"] == {"dimension": "communication", "average": "3.0"}
    assert _verdict(FeedbackFact(day, {"quality": 5, "nps": 4})).colour == AMBER
    red = _verdict(FeedbackFact(day, {"quality": 2}), FeedbackFact(day, {"quality": 2}))
    assert red.colour == RED
    # older than the window: not counted
    assert _verdict(FeedbackFact(date(2026, 1, 2), {"quality": 1})).colour == GREY
    text = health.reason_text(red.reasons[0])
    assert "quality" in text and "2.0" in text


def test_the_report_health_reads_the_projects_feedback(world):
    from rapport.reports.data import gather

    side = world.one
    _record(side, progress=1, received_on=TODAY.isoformat())
    _snapshot, facts = gather(
        side.project_a, period_start=TODAY - timedelta(days=14), period_end=TODAY
    )
    assert [f.scores for f in facts.feedback] == [{"progress": 1}]
    assert health.assess(facts)["dimensions"]["satisfaction"]["colour"] == RED
    assert Decimal("2") == health.SATISFACTION_RED_AT
