"""The client's questions through the member API and the client portal API."""

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone, translation
from django.utils.translation import gettext

from rapport.notify.models import OutboundEmail
from rapport.reports import services as reports
from rapport.reports.models import ReportMessage, ReportThread
from rapport.tenancy import services
from tests import factories

pytestmark = pytest.mark.django_db

JSON = "application/json"
TODAY = timezone.localdate()


def _api(side, user) -> HttpClient:
    _token, secret = services.api_token_create(actor=side.actor(user), name="t")
    return HttpClient(headers={"Authorization": f"Bearer {secret}"})


def _portal(side, contact) -> HttpClient:
    _token, secret = services.contact_api_token_create(actor=side.contact_actor(contact), name="t")
    return HttpClient(headers={"Authorization": f"Bearer {secret}"})


def _report(side, *, publish=True, days_ago=6):
    pm = side.actor(side.pm)
    report = reports.report_draft(
        actor=pm,
        project=side.project_a,
        period_start=TODAY - timedelta(days=days_ago),
        period_end=TODAY - timedelta(days=days_ago - 6),
    )
    return reports.report_publish(actor=pm, report=report) if publish else report


def _errors(response) -> dict[str | None, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_ask_answer_follow_up_and_list(world):
    side = world.one
    report = _report(side)
    portal = _portal(side, side.contact_a)
    base = f"/api/v1/portal/projects/{side.project_a.pk}/status-reports/{report.number}/threads"

    created = portal.post(base, {"body": "Why is the schedule amber?"}, content_type=JSON)
    assert created.status_code == 201, created.content
    thread = created.json()
    assert thread["opened_by"] == side.contact_a.full_name
    assert thread["waiting_since"] is not None
    assert [(m["author_name"], m["from_team"], m["body"]) for m in thread["messages"]] == [
        (side.contact_a.full_name, False, "Why is the schedule amber?")
    ]
    assert OutboundEmail.objects.filter(kind="report_question", to=side.pm.email).count() == 1

    api = _api(side, side.pm)
    member_base = f"/api/v1/projects/{side.project_a.pk}/status-reports/{report.number}/threads"
    listed = api.get(member_base)
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    assert listed.json()["items"][0]["id"] == thread["id"]

    answered = api.post(
        f"{member_base}/{thread['id']}/messages", {"body": "A week later."}, content_type=JSON
    )
    assert answered.status_code == 201, answered.content
    assert answered.json()["waiting_since"] is None
    assert answered.json()["messages"][-1] == {
        **answered.json()["messages"][-1],
        "author_name": side.pm.full_name,
        "from_team": True,
        "body": "A week later.",
    }
    assert OutboundEmail.objects.filter(kind="report_answer", to=side.contact_a.email).exists()

    followed = portal.post(
        f"{base}/{thread['id']}/messages", {"body": "Thanks. And go-live?"}, content_type=JSON
    )
    assert followed.status_code == 201
    assert followed.json()["waiting_since"] is not None
    listed = portal.get(base).json()
    assert [m["body"] for m in listed["items"][0]["messages"]] == [
        "Why is the schedule amber?",
        "A week later.",
        "Thanks. And go-live?",
    ]


def test_the_team_member_reads_but_may_not_answer(world):
    side = world.one
    report = _report(side)
    portal = _portal(side, side.contact_a)
    base = f"/api/v1/portal/projects/{side.project_a.pk}/status-reports/{report.number}/threads"
    thread_id = portal.post(base, {"body": "Hello"}, content_type=JSON).json()["id"]
    member = _api(side, side.member)
    member_base = f"/api/v1/projects/{side.project_a.pk}/status-reports/{report.number}/threads"
    assert member.get(member_base).json()["count"] == 1
    refused = member.post(f"{member_base}/{thread_id}/messages", {"body": "Hi"}, content_type=JSON)
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    assert ReportMessage.objects.count() == 1


def test_bad_input_is_refused_in_the_callers_language_and_writes_nothing(world):
    side = world.one
    first = _report(side, days_ago=13)
    second = _report(side, days_ago=6)
    draft = _report(side, publish=False, days_ago=-30)
    portal = _portal(side, side.contact_a)
    root = f"/api/v1/portal/projects/{side.project_a.pk}/status-reports"
    thread_id = portal.post(
        f"{root}/{first.number}/threads", {"body": "On the first"}, content_type=JSON
    ).json()["id"]
    foreign = factories.portal_contact(world.two.client_a)
    other = _report(world.two)
    foreign_id = (
        _portal(world.two, foreign)
        .post(
            f"/api/v1/portal/projects/{world.two.project_a.pk}/status-reports/{other.number}/threads",
            {"body": "Elsewhere"},
            content_type=JSON,
        )
        .json()["id"]
    )
    counts = (ReportThread.objects.count(), ReportMessage.objects.count())

    for body, field, message in [
        ({"body": ""}, "body", "Write your message first."),
        ({"body": "  "}, "body", "Write your message first."),
        ({"body": "x" * 4001}, "body", "Ensure this value has at most 4000 characters."),
        ({"body": "nul\x00byte"}, "body", "Null characters are not allowed."),
        ({}, "body", "This field is required."),
        ({"body": 12}, "body", "Enter a text value."),
    ]:
        response = portal.post(f"{root}/{first.number}/threads", body, content_type=JSON)
        assert response.status_code == 422, (body, response.content)
        assert _errors(response) == {field: message}
    # A draft, another report's thread, another organisation's thread, an unknown thread.
    for path in [
        f"{root}/{draft.number}/threads",
        f"{root}/{second.number}/threads/{thread_id}/messages",
        f"{root}/{first.number}/threads/{foreign_id}/messages",
        f"{root}/{first.number}/threads/99999999999999999999/messages",
    ]:
        response = portal.post(path, {"body": "Hi"}, content_type=JSON)
        assert response.status_code == 404, path
    assert portal.get(f"{root}/{draft.number}/threads").status_code == 404
    api = _api(side, side.pm)
    member_root = f"/api/v1/projects/{side.project_a.pk}/status-reports"
    assert api.get(f"{member_root}/{draft.number}/threads").json()["count"] == 0
    assert (
        api.post(
            f"{member_root}/{second.number}/threads/{thread_id}/messages",
            {"body": "Hi"},
            content_type=JSON,
        ).status_code
        == 404
    )
    assert (ReportThread.objects.count(), ReportMessage.objects.count()) == counts

    response = portal.post(  # the API speaks the caller's Accept-Language
        f"{root}/{first.number}/threads",
        {"body": " "},
        content_type=JSON,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    with translation.override("zh-hans"):
        assert _errors(response) == {"body": gettext("Write your message first.")}
        assert response.json()["title"] == gettext("The request is not valid.") == "请求无效。"


def test_contacts_of_another_client_and_member_tokens_are_refused(world):
    side = world.one
    report = _report(side)
    path = f"/api/v1/portal/projects/{side.project_a.pk}/status-reports/{report.number}/threads"
    assert _portal(side, side.contact_b).get(path).status_code == 404
    assert (
        _portal(side, side.contact_b).post(path, {"body": "Hi"}, content_type=JSON).status_code
        == 404
    )
    assert _api(side, side.pm).get(path).status_code == 401
    member_path = f"/api/v1/projects/{side.project_a.pk}/status-reports/{report.number}/threads"
    assert _portal(side, side.contact_a).get(member_path).status_code == 401
    assert not ReportThread.objects.exists()
