"""Acting on feedback: a low score opens a follow-up on the PM's home until handled;
improvement actions shown to the client as "you said, we did"; the expectation gap."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.feedback import followups, services
from rapport.feedback.followup_models import FollowUp, ImprovementAction

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _record(side, **scores):
    return services.feedback_record(
        actor=side.actor(side.member),
        project=side.project_a,
        source="call",
        received_on=TODAY,
        comment="交付太慢了",
        **scores,
    )


@pytest.mark.parametrize(
    ("scores", "opens"),
    [
        ({"quality": 2}, True),
        ({"progress": 1, "quality": 5}, True),
        ({"nps": 6}, True),
        ({"nps": 7, "communication": 3}, False),
        ({"progress": 3}, False),
    ],
)
def test_a_low_score_opens_a_follow_up_for_the_pm(world, scores, opens):
    side = world.one
    feedback = _record(side, **scores)
    follow_up = FollowUp.objects.filter(feedback=feedback).first()
    assert (follow_up is not None) == opens
    if opens:
        assert follow_up.assignee == side.pm
        assert follow_up.due_date == TODAY + timedelta(days=3)
        assert AuditEvent.objects.filter(action="follow_up_opened").exists()


def test_the_follow_up_is_on_the_pms_home_until_handled(world, login_as):
    side = world.one
    _record(side, quality=1)
    follow_up = FollowUp.objects.get()
    home = login_as(side.pm).get("/app/")
    assert "交付太慢了" in home.content.decode()
    assert "交付太慢了" not in login_as(side.owner).get("/app/").content.decode()
    with pytest.raises(PermissionDenied):
        followups.follow_up_handle(
            actor=side.actor(side.member), follow_up=follow_up, handling="Called"
        )
    with pytest.raises(ValidationError):
        followups.follow_up_handle(actor=side.actor(side.pm), follow_up=follow_up, handling=" ")
    client = login_as(side.pm)
    response = client.post(
        f"/app/projects/{side.project_a.pk}/feedback/follow-ups/{follow_up.pk}/handle/",
        {"handling": "Called Mr Li, agreed weekly demos"},
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.handled_by == side.pm and follow_up.handling.startswith("Called")
    assert "交付太慢了" not in client.get("/app/").content.decode()
    with pytest.raises(ValidationError):
        followups.follow_up_handle(actor=side.actor(side.pm), follow_up=follow_up, handling="x")


def test_a_survey_answer_with_a_low_score_opens_a_follow_up(world):
    side = world.one
    survey = services.survey_send(
        actor=side.actor(side.pm), project=side.project_a, contact_ids=[side.contact_a.pk]
    )
    values = {
        f"q{q.pk}": {"rating": "4", "nps": "3", "text": ""}[q.kind]
        for q in survey.template.questions.all()
    }
    feedback = services.survey_answer(
        invitation=survey.invitations.get(), values=values, actor=side.contact_actor(side.contact_a)
    )
    assert FollowUp.objects.get().feedback == feedback
    assert FollowUp.objects.get().low_scores == {"nps": 3}


def test_improvement_actions_shared_with_the_client(world, login_as):
    side = world.one
    feedback = _record(side, quality=2)
    with pytest.raises(PermissionDenied):
        followups.improvement_save(
            actor=side.actor(side.member),
            project=side.project_a,
            title="Weekly demo",
            owner_id=side.member.pk,
            you_said="Too slow",
            shareable=True,
        )
    with pytest.raises(ValidationError) as error:
        followups.improvement_save(
            actor=side.actor(side.pm),
            project=side.project_a,
            title="Weekly demo",
            owner_id=side.member.pk,
            shareable=True,
        )
    assert "you_said" in error.value.message_dict
    action = followups.improvement_save(
        actor=side.actor(side.pm),
        project=side.project_a,
        title="Weekly demo",
        owner_id=side.member.pk,
        you_said="Delivery is <b>too slow</b>",
        we_did="A demo every Friday",
        shareable=True,
        feedback_id=feedback.pk,
        due_date=TODAY.isoformat(),
    )
    followups.improvement_save(
        actor=side.actor(side.member),
        project=side.project_a,
        title="Internal retro",
        owner_id=side.member.pk,
    )
    assert action.feedback == feedback
    page = login_as(side.contact_a.user).get(f"/portal/projects/{side.project_a.pk}/we-did/")
    body = page.content.decode()
    assert "A demo every Friday" in body and "&lt;b&gt;too slow&lt;/b&gt;" in body
    assert "Internal retro" not in body
    assert (
        login_as(side.contact_b.user)
        .get(f"/portal/projects/{side.project_a.pk}/we-did/")
        .status_code
        == 404
    )
    assert AuditEvent.objects.filter(action="improvement_created").count() == 2


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"owner_id": "abc"}, "owner"),
        ({"due_date": "2026-02-30"}, "due_date"),
        ({"status": "nope"}, "status"),
        ({"feedback_id": "999999999999999999999"}, "feedback"),
        ({"we_did": "x" * 2001}, "we_did"),
    ],
)
def test_bad_improvement_actions_are_refused(world, values, field):
    side = world.one
    defaults = {"title": "Weekly demo", "owner_id": side.member.pk}
    with pytest.raises(ValidationError) as error:
        followups.improvement_save(
            actor=side.actor(side.pm), project=side.project_a, **defaults | values
        )
    assert field in error.value.message_dict
    assert not ImprovementAction.objects.exists()


def test_the_expectation_gap_is_flagged_at_two_points(world):
    side = world.one
    _record(side, quality=2, progress=4, communication=4)
    _record(side, quality=3, progress=4)
    rating = followups.pm_rating_record(
        actor=side.actor(side.pm),
        project=side.project_a,
        period_start=(TODAY - timedelta(days=30)).isoformat(),
        period_end=TODAY.isoformat(),
        progress="5",
        quality="5",
        communication="",
    )
    gaps = {gap.dimension: gap for gap in followups.expectation_gap(rating=rating)}
    assert set(gaps) == {"progress", "quality"}
    assert (gaps["quality"].client, gaps["quality"].flagged) == (Decimal("2.5"), True)
    assert (gaps["progress"].client, gaps["progress"].flagged) == (Decimal("4.0"), False)
    with pytest.raises(ValidationError):
        followups.pm_rating_record(
            actor=side.actor(side.pm),
            project=side.project_a,
            period_start=TODAY.isoformat(),
            period_end=(TODAY - timedelta(days=1)).isoformat(),
            progress=3,
        )
    with pytest.raises(PermissionDenied):
        followups.pm_rating_record(
            actor=side.actor(side.member),
            project=side.project_a,
            period_start=TODAY,
            period_end=TODAY,
            progress=3,
        )
