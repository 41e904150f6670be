"""Survey templates through the API (the same rules as the editor), and client feedback
through the client portal API: the contact's open surveys, answering once, and "you said, we
did"."""

import pytest
from django.test import Client as HttpClient

from rapport.feedback import followups, services
from rapport.feedback.models import Feedback, SurveyTemplate
from rapport.tenancy import services as tenancy

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _api(side, user) -> HttpClient:
    _token, secret = tenancy.api_token_create(actor=side.actor(user), name="t")
    return HttpClient(headers={"Authorization": f"Bearer {secret}"})


def _portal(side, contact) -> HttpClient:
    _token, secret = tenancy.contact_api_token_create(actor=side.contact_actor(contact), name="t")
    return HttpClient(headers={"Authorization": f"Bearer {secret}"})


QUESTION = {"kind": "rating", "dimension": "quality", "text_en": "Quality?", "text_zh": "质量？"}


def test_a_pm_creates_rewords_and_deletes_a_template_through_the_api(world):
    side = world.one
    api = _api(side, side.pm)
    created = api.post(
        "/api/v1/survey-templates",
        {"name": "Short", "questions": [QUESTION, {**QUESTION, "kind": "nps", "dimension": ""}]},
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    kept = body["questions"][1]
    updated = api.put(
        f"/api/v1/survey-templates/{body['id']}",
        {"name": "Shorter", "questions": [kept]},
        content_type=JSON,
    )
    assert updated.status_code == 200, updated.content
    assert [q["id"] for q in updated.json()["questions"]] == [kept["id"]]
    assert api.delete(f"/api/v1/survey-templates/{body['id']}").status_code == 204
    assert not SurveyTemplate.objects.filter(pk=body["id"]).exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"name": "No questions", "questions": []},
        {"name": "Half worded", "questions": [{**QUESTION, "text_zh": ""}]},
        {"name": "", "questions": [QUESTION]},
        {"name": "Bad kind", "questions": [{**QUESTION, "kind": "stars"}]},
        {"name": "x" * 201, "questions": [QUESTION]},
        {"name": "Null", "questions": [{**QUESTION, "text_en": "a\x00b"}]},
    ],
)
def test_bad_templates_are_refused_by_the_api(world, payload):
    side = world.one
    response = _api(side, side.pm).post("/api/v1/survey-templates", payload, content_type=JSON)
    assert response.status_code == 422, response.content
    assert response.json()["errors"]
    assert not SurveyTemplate.objects.exists()


def test_a_used_template_is_not_deleted_through_the_api(world):
    side = world.one
    services.survey_send(
        actor=side.actor(side.pm), project=side.project_a, contact_ids=[side.contact_a.pk]
    )
    template = SurveyTemplate.objects.get()
    response = _api(side, side.pm).delete(f"/api/v1/survey-templates/{template.pk}")
    assert response.status_code == 422
    assert "cannot be deleted" in response.content.decode()


def test_a_contact_answers_an_open_survey_once_through_the_portal_api(world):
    side = world.one
    survey = services.survey_send(
        actor=side.actor(side.pm), project=side.project_a, contact_ids=[side.contact_a.pk]
    )
    portal = _portal(side, side.contact_a)
    base = f"/api/v1/portal/projects/{side.project_a.pk}/surveys"
    listed = portal.get(base).json()["items"]
    assert [s["survey_id"] for s in listed] == [survey.pk]
    questions = listed[0]["questions"]
    assert {(q["kind"], q["low"], q["high"]) for q in questions} >= {
        ("rating", 1, 5),
        ("nps", 0, 10),
    }
    answers = {
        q["key"]: {"rating": 2, "nps": 11, "text": "<b>慢</b>"}[q["kind"]] for q in questions
    }

    refused = portal.post(f"{base}/{survey.pk}/answer", {"answers": answers}, content_type=JSON)
    assert refused.status_code == 422
    nps_key = next(q["key"] for q in questions if q["kind"] == "nps")
    assert [e["field"] for e in refused.json()["errors"]] == [nps_key]
    assert not Feedback.objects.exists()

    answers[nps_key] = 3
    answered = portal.post(f"{base}/{survey.pk}/answer", {"answers": answers}, content_type=JSON)
    assert answered.status_code == 201, answered.content
    assert answered.json()["comment"] == "<b>慢</b>"
    again = portal.post(f"{base}/{survey.pk}/answer", {"answers": answers}, content_type=JSON)
    assert again.status_code == 422
    assert Feedback.objects.count() == 1
    assert Feedback.objects.get().follow_up.low_scores["nps"] == 3
    assert portal.get(base).json()["items"] == []


def test_another_contacts_survey_is_not_found(world):
    side = world.one
    survey = services.survey_send(
        actor=side.actor(side.pm), project=side.project_a, contact_ids=[side.contact_a.pk]
    )
    other = _portal(side, side.contact_b)
    response = other.post(
        f"/api/v1/portal/projects/{side.project_a.pk}/surveys/{survey.pk}/answer",
        {"answers": {}},
        content_type=JSON,
    )
    assert response.status_code == 404


def test_the_portal_api_shows_only_the_shared_improvements(world):
    side = world.one
    pm = side.actor(side.pm)
    for shareable in (True, False):
        followups.improvement_save(
            actor=pm,
            project=side.project_a,
            title=f"Shared {shareable}",
            owner_id=side.member.pk,
            you_said="Too slow",
            we_did="Weekly demos",
            shareable=shareable,
        )
    items = (
        _portal(side, side.contact_a)
        .get(f"/api/v1/portal/projects/{side.project_a.pk}/we-did")
        .json()["items"]
    )
    assert [(i["title"], i["you_said"], i["we_did"]) for i in items] == [
        ("Shared True", "Too slow", "Weekly demos")
    ]
