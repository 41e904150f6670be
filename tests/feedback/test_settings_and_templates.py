"""The organisation's low-score thresholds and its survey templates, edited by those allowed,
with every bad value refused and nothing half-written."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.feedback import org_settings, services, template_services
from rapport.feedback.models import FeedbackSettings, Question, SurveyTemplate
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _record(side, **scores):
    return services.feedback_record(
        actor=side.actor(side.pm),
        project=side.project_a,
        source="call",
        received_on=timezone.localdate(),
        **scores,
    )


def test_the_admins_thresholds_decide_what_opens_a_follow_up(world):
    side = world.one
    org_settings.feedback_settings_update(
        actor=side.actor(side.admin), low_rating="3", low_nps="4", follow_up_days="10"
    )

    at_three = _record(side, quality=3)
    nps_five = _record(side, nps=5)

    assert at_three.follow_up.low_scores == {"quality": 3}
    assert at_three.follow_up.due_date == timezone.localdate() + timedelta(days=10)
    assert not type(nps_five).objects.filter(pk=nps_five.pk, follow_up__isnull=False).exists()
    event = AuditEvent.objects.get(action="feedback_settings_updated")
    assert event.changes["low_rating"] == [2, 3]


def test_by_default_a_two_opens_a_follow_up_and_a_three_does_not(world):
    side = world.one
    assert _record(side, progress=2).follow_up.low_scores == {"progress": 2}
    three = _record(side, progress=3)
    assert not type(three).objects.filter(pk=three.pk, follow_up__isnull=False).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("low_rating", "0"),
        ("low_rating", "6"),
        ("low_nps", "11"),
        ("low_nps", "-1"),
        ("follow_up_days", "0"),
        ("remind_after_days", "31"),
        ("low_rating", "two"),
        ("low_rating", "２"),
        ("low_rating", True),
    ],
)
def test_bad_settings_are_refused_with_the_range_and_nothing_is_saved(world, field, value):
    side = world.one
    with pytest.raises(ValidationError) as error:
        org_settings.feedback_settings_update(
            actor=side.actor(side.admin), **{"follow_up_days": "5", field: value}
        )
    assert "whole number" in error.value.message_dict[field][0]
    assert not FeedbackSettings.objects.exists()


def test_only_admins_change_the_settings(world):
    side = world.one
    for user in (side.pm, side.member):
        with pytest.raises(PermissionDenied):
            org_settings.feedback_settings_update(actor=side.actor(user), low_rating=3)


def test_the_settings_page_shows_the_error_beside_the_field(world):
    side = world.one
    client = login(side.admin)
    response = client.post(
        "/app/settings/feedback/",
        {"low_rating": "9", "low_nps": "6", "follow_up_days": "3", "remind_after_days": "5"},
    )
    assert response.status_code == 400
    assert "Enter a whole number from 1 to 5." in response.content.decode()
    assert not FeedbackSettings.objects.exists()
    response = client.post(
        "/app/settings/feedback/",
        {"low_rating": "3", "low_nps": "6", "follow_up_days": "3", "remind_after_days": "7"},
    )
    assert response.status_code == 302
    assert FeedbackSettings.objects.get().remind_after_days == 7


# --- templates ----------------------------------------------------------------------------


def _q(kind="rating", dimension="quality", en="Quality?", zh="质量如何？", **extra):
    return {"kind": kind, "dimension": dimension, "text_en": en, "text_zh": zh, **extra}


def test_a_pm_creates_a_template_with_a_custom_question_and_sends_it(world):
    side = world.one
    pm = side.actor(side.pm)
    template = template_services.template_save(
        actor=pm,
        name="Release check",
        questions=[
            _q(dimension="custom", en="Documentation?", zh="文档如何？"),
            _q(
                kind="text",
                dimension="quality",
                en="Anything else?",
                zh="还有别的吗？",
                required=False,
            ),
        ],
    )
    questions = list(template.questions.all())
    assert [(q.kind, q.dimension, q.position, q.required) for q in questions] == [
        ("rating", "custom", 1, True),
        ("text", "", 2, False),
    ]
    survey = services.survey_send(
        actor=pm, project=side.project_a, contact_ids=[side.contact_a.pk], template_id=template.pk
    )
    feedback = services.survey_answer(
        invitation=survey.invitations.get(),
        values={f"q{questions[0].pk}": "1", f"q{questions[1].pk}": ""},
        actor=side.contact_actor(side.contact_a),
    )
    assert feedback.custom == 1
    assert feedback.follow_up.low_scores == {"custom": 1}
    assert AuditEvent.objects.filter(action="survey_template_created", object_id=str(template.pk))


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        ([], "at least one question"),
        ([_q(zh="")], "in English and in Chinese"),
        ([_q(en="x" * 301)], "in English and in Chinese"),
        ([_q(kind="scale")], "kind of question"),
        ([_q(dimension="")], "dimension a rating measures"),
        ([_q(), _q(en="Again?")], "one question only"),
        ([_q(kind="nps"), _q(kind="nps")], "one recommendation question"),
        ([_q()] * 31, "at most 30 questions"),
    ],
)
def test_bad_templates_are_refused_and_nothing_is_written(world, questions, message):
    side = world.one
    with pytest.raises(ValidationError) as error:
        template_services.template_save(actor=side.actor(side.pm), name="T", questions=questions)
    assert message in " ".join(error.value.message_dict["questions"])
    assert not SurveyTemplate.objects.exists()


def test_a_template_a_survey_used_is_not_deleted_but_can_be_duplicated(world):
    side = world.one
    pm = side.actor(side.pm)
    template = services.template_default(organisation=side.organisation)
    services.survey_send(actor=pm, project=side.project_a, contact_ids=[side.contact_a.pk])

    with pytest.raises(ValidationError) as error:
        template_services.template_delete(actor=pm, template=template)
    assert "cannot be deleted" in error.value.messages[0]
    copy = template_services.template_duplicate(actor=pm, template=template)
    assert copy.questions.count() == template.questions.count()
    assert not copy.is_default
    template_services.template_delete(actor=pm, template=copy)
    assert not SurveyTemplate.objects.filter(pk=copy.pk).exists()
    assert AuditEvent.objects.filter(action="survey_template_deleted").exists()


def test_members_do_not_edit_templates(world):
    side = world.one
    with pytest.raises(PermissionDenied):
        template_services.template_save(
            actor=side.actor(side.member), name="Mine", questions=[_q()]
        )


def test_the_editor_reorders_removes_and_adds_questions_keeping_the_answered_ones(world):
    side = world.one
    template = services.template_default(organisation=side.organisation)
    old = list(template.questions.all())
    data = {
        "name": "Client satisfaction survey",
        "is_default": "on",
        "questions-TOTAL_FORMS": str(len(old) + 1),
        "questions-INITIAL_FORMS": str(len(old)),
    }
    for index, question in enumerate(old):
        prefix = f"questions-{index}-"
        data |= {
            f"{prefix}id": question.pk,
            f"{prefix}kind": question.kind,
            f"{prefix}dimension": question.dimension,
            f"{prefix}text_en": question.text_en,
            f"{prefix}text_zh": question.text_zh,
            f"{prefix}ORDER": str(len(old) - index),  # reversed
            **({f"{prefix}required": "on"} if question.required else {}),
        }
    data[f"questions-{len(old) - 1}-DELETE"] = "on"  # drop the free-text question
    new = f"questions-{len(old)}-"
    data |= {
        f"{new}kind": "rating",
        f"{new}dimension": "custom",
        f"{new}text_en": "Value for money?",
        f"{new}text_zh": "性价比如何？",
        f"{new}ORDER": "",
    }
    response = login(side.pm).post(f"/app/settings/feedback/templates/{template.pk}/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    questions = list(template.questions.all())
    assert [q.pk for q in questions[:-1]] == [q.pk for q in reversed(old[:-1])]
    assert questions[-1].text_zh == "性价比如何？"
    assert not Question.objects.filter(pk=old[-1].pk).exists()


def test_the_editor_shows_the_service_errors_and_keeps_the_template(world):
    side = world.one
    template = services.template_default(organisation=side.organisation)
    count = template.questions.count()
    data = {
        "name": "Renamed",
        "questions-TOTAL_FORMS": "1",
        "questions-INITIAL_FORMS": "0",
        "questions-0-kind": "rating",
        "questions-0-dimension": "",
        "questions-0-text_en": "<script>alert(1)</script>",
        "questions-0-text_zh": "问题",
    }
    response = login(side.pm).post(f"/app/settings/feedback/templates/{template.pk}/", data)
    assert response.status_code == 400
    assert "choose the dimension a rating measures" in response.content.decode()
    assert "<script>alert(1)</script>" not in response.content.decode()
    template.refresh_from_db()
    assert template.name != "Renamed"
    assert template.questions.count() == count


def test_a_foreign_template_is_not_found(world):
    template = services.template_default(organisation=world.two.organisation)
    client = login(world.one.pm)
    assert client.get(f"/app/settings/feedback/templates/{template.pk}/").status_code == 404
    assert client.post(f"/app/settings/feedback/templates/{template.pk}/delete/").status_code == 404
    assert SurveyTemplate.objects.filter(pk=template.pk).exists()


def test_a_survey_is_sent_with_the_template_chosen_on_the_page_and_never_a_foreign_one(world):
    side = world.one
    own = template_services.template_save(actor=side.actor(side.pm), name="Short", questions=[_q()])
    foreign = services.template_default(organisation=world.two.organisation)
    client = login(side.pm)
    url = f"/app/projects/{side.project_a.pk}/feedback/surveys/new/"
    form = {"contacts": [side.contact_a.pk], "expires_in_days": "14", "remind_after_days": "5"}

    refused = client.post(url, {**form, "template": foreign.pk})
    assert refused.status_code == 200  # the choice is not offered: the form says so
    assert "Select a valid choice" in refused.content.decode()
    with pytest.raises(ValidationError) as error:
        services.survey_send(
            actor=side.actor(side.pm),
            project=side.project_a,
            contact_ids=[side.contact_a.pk],
            template_id=foreign.pk,
        )
    assert "template" in error.value.message_dict
    assert client.post(url, {**form, "template": own.pk}).status_code == 302
    assert [s.template_id for s in side.project_a.surveys.all()] == [own.pk]
