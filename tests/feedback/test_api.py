"""Client feedback through the API: templates, sending (never a token in the answer), the
feedback received and the analysis figures, with the same rules as the pages."""

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from rapport.feedback import services
from rapport.feedback.models import SurveyInvitation
from rapport.tenancy import services as tenancy

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _api(side, user) -> HttpClient:
    _token, secret = tenancy.api_token_create(actor=side.actor(user), name="t")
    return HttpClient(headers={"Authorization": f"Bearer {secret}"})


def test_send_read_and_analyse_through_the_api(world, django_capture_on_commit_callbacks):
    side = world.one
    api = _api(side, side.pm)
    base = f"/api/v1/projects/{side.project_a.pk}"
    templates = api.get("/api/v1/survey-templates").json()
    assert templates[0]["is_default"] and len(templates[0]["questions"]) == 5
    sent = api.post(f"{base}/surveys", {"contact_ids": [side.contact_a.pk]}, content_type=JSON)
    assert sent.status_code == 201, sent.content
    body = sent.json()
    assert body["invitations"][0]["contact_id"] == side.contact_a.pk
    token_hash = SurveyInvitation.objects.get().token_hash
    assert token_hash not in sent.content.decode() and "token" not in sent.content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the job reads the comment
        services.feedback_record(
            actor=side.actor(side.pm),
            project=side.project_a,
            source="call",
            received_on=timezone.localdate(),
            quality=2,
            nps=10,
            comment="沟通很差，非常失望",
        )
    feedback = api.get(f"{base}/feedback").json()
    assert feedback["items"][0]["quality"] == 2
    figures = api.get(f"{base}/feedback/analysis").json()
    assert figures["nps"] == {"score": 100, "promoters": 1, "passives": 0, "detractors": 0}
    assert figures["sentiment"]["negative"] == 1
    assert (figures["invited"], figures["answered"]) == (1, 0)


def test_the_api_refuses_what_the_pages_refuse(world):
    side = world.one
    base = f"/api/v1/projects/{side.project_a.pk}"
    member = _api(side, side.member)
    refused = member.post(
        f"{base}/surveys", {"contact_ids": [side.contact_a.pk]}, content_type=JSON
    )
    assert refused.status_code == 403
    bad = _api(side, side.pm).post(
        f"{base}/surveys", {"contact_ids": [side.contact_b.pk]}, content_type=JSON
    )
    assert bad.status_code == 422 or bad.status_code == 400
    assert not SurveyInvitation.objects.exists()
    assert _api(world.two, world.two.pm).get(f"{base}/feedback").status_code == 404
