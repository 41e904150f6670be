"""Client feedback through the API: templates, sending (never a token in the answer), the
feedback received and the analysis figures, with the same rules as the pages."""

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.feedback import services
from rapport.feedback.followup_models import ImprovementAction
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


def _low(side):
    return services.feedback_record(
        actor=side.actor(side.pm),
        project=side.project_a,
        source="call",
        received_on=timezone.localdate(),
        quality=1,
        comment="Late again",
    )


def test_follow_ups_are_read_and_handled_once_through_the_api(world):
    side = world.one
    feedback = _low(side)
    api = _api(side, side.pm)
    base = f"/api/v1/projects/{side.project_a.pk}/follow-ups"
    [open_one] = api.get(base, {"handled": "false"}).json()["items"]
    assert open_one["feedback_id"] == feedback.pk and open_one["low_scores"] == {"quality": 1}
    url = f"{base}/{open_one['id']}"
    assert (
        _api(side, side.member)
        .post(f"{url}/handle", {"handling": "Called"}, content_type=JSON)
        .status_code
        == 403
    )
    empty = api.post(f"{url}/handle", {"handling": "  "}, content_type=JSON)
    assert empty.status_code == 422
    assert empty.json()["errors"] == [{"field": "handling", "message": "This field is required."}]
    handled = api.post(f"{url}/handle", {"handling": "Called them"}, content_type=JSON)
    assert handled.status_code == 200 and handled.json()["handled_by_id"] == side.pm.pk
    again = api.post(f"{url}/handle", {"handling": "Again"}, content_type=JSON)
    assert again.status_code == 422 and "already been handled" in str(again.json())
    assert api.get(base, {"handled": "false"}).json()["count"] == 0
    assert AuditEvent.objects.filter(action="follow_up_handled").count() == 1
    assert _api(world.two, world.two.owner).get(url).status_code == 404


def test_improvements_are_recorded_progressed_and_shared_through_the_api(world):
    side = world.one
    feedback = _low(side)
    member_api = _api(side, side.member)
    base = f"/api/v1/projects/{side.project_a.pk}/improvements"
    foreign = member_api.post(
        base, {"title": "Demo", "owner_id": world.two.pm.pk}, content_type=JSON
    )
    assert foreign.status_code == 422
    assert foreign.json()["errors"] == [
        {"field": "owner_id", "message": "Choose someone on the project's team."}
    ]
    other_feedback = member_api.post(
        base, {"title": "Demo", "feedback_id": 2**40}, content_type=JSON
    )
    assert other_feedback.json()["errors"][0]["field"] == "feedback_id"
    assert not ImprovementAction.objects.exists()
    created = member_api.post(
        base, {"title": "Weekly demo", "feedback_id": feedback.pk}, content_type=JSON
    )
    assert created.status_code == 201, created.content
    action = created.json()
    assert action["owner_id"] == side.member.pk and action["status"] == "open"
    url = f"{base}/{action['id']}"
    # sharing with the client: the managers only, and only with what the client said
    assert member_api.patch(url, {"shareable": True}, content_type=JSON).status_code == 403
    pm_api = _api(side, side.pm)
    unsaid = pm_api.patch(url, {"shareable": True}, content_type=JSON)
    assert unsaid.status_code == 422 and unsaid.json()["errors"][0]["field"] == "you_said"
    shared = pm_api.patch(
        url,
        {"shareable": True, "you_said": "Too slow", "we_did": "Demos", "status": "done"},
        content_type=JSON,
    )
    assert shared.status_code == 200, shared.content
    assert shared.json()["title"] == "Weekly demo" and shared.json()["status"] == "done"
    assert pm_api.patch(url, {"status": "closed"}, content_type=JSON).status_code == 422
    assert pm_api.get(base, {"status": "done"}).json()["count"] == 1
    assert _api(world.two, world.two.owner).patch(url, {}, content_type=JSON).status_code == 404
    etag = pm_api.get(url)["ETag"]
    pm_api.patch(url, {"we_did": "Demos every Friday"}, content_type=JSON)
    stale = pm_api.patch(url, {"we_did": "Nothing"}, content_type=JSON, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert ImprovementAction.objects.get().we_did == "Demos every Friday"


def test_the_pm_rates_a_period_beside_the_client(world):
    side = world.one
    _low(side)
    api = _api(side, side.pm)
    base = f"/api/v1/projects/{side.project_a.pk}/pm-ratings"
    today = timezone.localdate()
    period = {
        "period_start": (today - timedelta(days=7)).isoformat(),
        "period_end": today.isoformat(),
    }
    nothing = api.post(base, period, content_type=JSON)
    assert nothing.status_code == 422 and nothing.json()["errors"][0]["field"] == "progress"
    backwards = api.post(
        base, {**period, "period_end": "2000-01-01", "quality": 4}, content_type=JSON
    )
    assert backwards.json()["errors"][0]["field"] == "period_end"
    rated = api.post(base, {**period, "quality": 4}, content_type=JSON)
    assert rated.status_code == 201, rated.content
    [gap] = rated.json()["gaps"]
    assert gap["dimension"] == "quality" and gap["pm"] == 4 and gap["flagged"]
    member = _api(side, side.member)
    assert member.post(base, {**period, "quality": 4}, content_type=JSON).status_code == 403
    assert member.get(base).json()["count"] == 1


def test_survey_schedules_are_set_changed_and_removed_through_the_api(world):
    side = world.one
    api = _api(side, side.pm)
    base = f"/api/v1/projects/{side.project_a.pk}/survey-schedules"
    template_id = services.template_default(organisation=side.organisation).pk
    monthly = {"trigger": "monthly", "template_id": template_id, "contact_ids": [side.contact_a.pk]}

    no_day = api.post(base, monthly, content_type=JSON)
    assert no_day.status_code == 422 and no_day["Content-Type"] == "application/problem+json"
    assert no_day.json()["errors"] == [
        {"field": "day_of_month", "message": "Enter a day of the month from 1 to 28."}
    ]
    foreign = api.post(
        base, {**monthly, "day_of_month": 5, "contact_ids": [side.contact_b.pk]}, content_type=JSON
    )
    assert foreign.status_code == 422 and foreign.json()["errors"][0]["field"] == "contact_ids"
    created = api.post(base, {**monthly, "day_of_month": 5}, content_type=JSON)
    assert created.status_code == 201, created.content
    schedule = created.json()
    assert schedule["description"] == "Monthly, on day 5"
    assert schedule["contact_ids"] == [side.contact_a.pk]
    changed = api.post(base, {**monthly, "day_of_month": 12}, content_type=JSON)
    assert changed.status_code == 200 and changed.json()["id"] == schedule["id"]
    assert [row["day_of_month"] for row in api.get(base).json()["items"]] == [12]

    member = _api(side, side.member)
    assert member.get(base).status_code == 403
    assert member.delete(f"{base}/{schedule['id']}").status_code == 403
    other = _api(world.two, world.two.pm)
    assert other.delete(f"{base}/{schedule['id']}").status_code == 404
    removed = api.delete(f"{base}/{schedule['id']}")
    assert removed.status_code == 204
    assert api.get(f"{base}/{schedule['id']}").status_code == 404
    assert AuditEvent.objects.filter(action="survey_schedule_deleted").count() == 1
