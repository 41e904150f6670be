"""The client's questions through the pages: asked in the portal, waiting on the report list,
answered on the report page, read by every portal contact of the client and by no one else."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from rapport.audit.models import AuditEvent
from rapport.notify.models import OutboundEmail
from rapport.reports import services as reports
from rapport.reports import threads
from rapport.reports.models import ReportMessage, ReportThread
from tests import factories
from tests.conftest import login

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _published(side, days_ago=6):
    pm = side.actor(side.pm)
    report = reports.report_draft(
        actor=pm,
        project=side.project_a,
        period_start=TODAY - timedelta(days=days_ago),
        period_end=TODAY - timedelta(days=days_ago - 6),
    )
    return reports.report_publish(actor=pm, report=report)


def _draft(side):
    day = TODAY + timedelta(days=30)
    return reports.report_draft(
        actor=side.actor(side.pm), project=side.project_a, period_start=day, period_end=day
    )


def _written():
    return (
        ReportThread.objects.count(),
        ReportMessage.objects.count(),
        AuditEvent.objects.count(),
        OutboundEmail.objects.count(),
    )


def _portal(side, number):
    return f"/portal/projects/{side.project_a.pk}/reports/{number}/"


def _app(side, number):
    return f"/app/projects/{side.project_a.pk}/reports/{number}/"


def test_the_client_asks_the_pm_answers_and_the_client_reads_it(world):
    side = world.one
    report = _published(side)
    portal = login(side.contact_a.user)
    page = portal.get(_portal(side, report.number)).content.decode()
    assert "Ask a question or comment" in page and "Nothing asked yet." in page

    response = portal.post(
        f"{_portal(side, report.number)}questions/new/", {"body": "Why is the schedule amber?"}
    )
    thread = ReportThread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{_portal(side, report.number)}#thread-{thread.pk}"
    page = portal.get(_portal(side, report.number)).content.decode()
    assert "Your message is with the project team now." in page
    assert "Why is the schedule amber?" in page
    assert "The project team has not answered yet." in page

    pm = login(side.pm)
    listing = pm.get(f"/app/projects/{side.project_a.pk}/reports/").content.decode()
    assert "Questions waiting" in listing
    assert '#questions">1</a>' in listing
    page = pm.get(_app(side, report.number)).content.decode()
    assert "Questions from the client" in page and "Why is the schedule amber?" in page
    assert "Waiting for an answer for" in page
    assert f'action="{_app(side, report.number)}questions/{thread.pk}/answer/"' in page

    response = pm.post(
        f"{_app(side, report.number)}questions/{thread.pk}/answer/",
        {"body": "The design sign-off moved by a week."},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{_app(side, report.number)}#thread-{thread.pk}"
    thread.refresh_from_db()
    assert thread.waiting_since is None
    listing = pm.get(f"/app/projects/{side.project_a.pk}/reports/").content.decode()
    assert '#questions">' not in listing
    page = pm.get(_app(side, report.number)).content.decode()
    assert "Answered" in page and "Waiting for an answer for" not in page

    page = portal.get(_portal(side, report.number)).content.decode()
    assert "The design sign-off moved by a week." in page
    assert side.pm.full_name in page and "project team" in page
    assert "The project team has not answered yet." not in page


def test_every_portal_contact_of_the_client_reads_and_adds_to_the_thread(world):
    side = world.one
    report = _published(side)
    thread = threads.report_thread_open(
        actor=side.contact_actor(side.contact_a), report=report, body="Question from A"
    )
    colleague = factories.portal_contact(side.client_a, full_name="Colleague Chen")
    portal = login(colleague.user)
    page = portal.get(_portal(side, report.number)).content.decode()
    assert "Question from A" in page and side.contact_a.full_name in page
    response = portal.post(
        f"{_portal(side, report.number)}questions/{thread.pk}/", {"body": "Same for us"}
    )
    assert response.status_code == 302
    assert thread.messages.last().author_contact == colleague
    page = portal.get(f"{_portal(side, report.number)}questions/{thread.pk}/").content.decode()
    assert "Question from A" in page and "Same for us" in page


def test_project_members_read_but_only_managers_answer(world):
    side = world.one
    report = _published(side)
    thread = threads.report_thread_open(
        actor=side.contact_actor(side.contact_a), report=report, body="A question"
    )
    member = login(side.member)
    page = member.get(_app(side, report.number)).content.decode()
    assert "A question" in page
    assert "Send the answer" not in page
    before = _written()
    url = f"{_app(side, report.number)}questions/{thread.pk}/answer/"
    assert member.post(url, {"body": "Member answer"}).status_code == 403
    assert member.get(url).status_code == 403
    assert _written() == before
    assert login(side.owner).get(url).status_code == 200


def test_other_clients_other_organisations_and_drafts_are_not_found(world):
    side = world.one
    report = _published(side)
    thread = threads.report_thread_open(
        actor=side.contact_actor(side.contact_a), report=report, body="A question"
    )
    draft = _draft(side)
    planted = ReportThread.objects.create(report=draft, opened_by=side.contact_a)
    before = _written()
    for user in [side.contact_b.user, world.two.contact_a.user, world.two.contact_b.user]:
        portal = login(user)
        assert portal.get(_portal(side, report.number)).status_code == 404
        assert portal.get(f"{_portal(side, report.number)}questions/new/").status_code == 404
        assert (
            portal.post(f"{_portal(side, report.number)}questions/new/", {"body": "Hi"})
        ).status_code == 404
        assert (
            portal.post(f"{_portal(side, report.number)}questions/{thread.pk}/", {"body": "Hi"})
        ).status_code == 404
    other_pm = login(world.two.pm)
    url = f"{_app(side, report.number)}questions/{thread.pk}/answer/"
    assert other_pm.post(url, {"body": "Hi"}).status_code == 404
    assert login(world.two.owner).get(url).status_code == 404

    portal = login(side.contact_a.user)
    assert (
        portal.post(f"{_portal(side, draft.number)}questions/new/", {"body": "Hi"}).status_code
        == 404
    )
    assert (
        portal.post(f"{_portal(side, draft.number)}questions/{planted.pk}/", {"body": "Hi"})
    ).status_code == 404
    pm = login(side.pm)
    page = pm.get(_app(side, draft.number)).content.decode()
    assert "Questions from the client" not in page
    response = pm.post(f"{_app(side, draft.number)}questions/{planted.pk}/answer/", {"body": "Hi"})
    assert response.status_code == 404
    assert _written() == before


def test_bad_input_gets_a_clear_error_and_writes_nothing(world):
    side = world.one
    first = _published(side, days_ago=13)
    second = _published(side, days_ago=6)
    thread = threads.report_thread_open(
        actor=side.contact_actor(side.contact_a), report=first, body="On the first report"
    )
    foreign = threads.report_thread_open(
        actor=world.two.contact_actor(world.two.contact_a),
        report=_published(world.two),
        body="Elsewhere",
    )
    before = _written()
    portal = login(side.contact_a.user)
    new = f"{_portal(side, first.number)}questions/new/"
    follow = f"{_portal(side, first.number)}questions/{thread.pk}/"
    for url in (new, follow):
        for body, error in [
            ("", "This field is required."),
            ("   ", "This field is required."),
            ("x" * 4001, "Ensure this value has at most 4000 characters (it has 4001)."),
            ("nul\x00byte", "Null characters are not allowed."),
        ]:
            response = portal.post(url, {"body": body})
            assert response.status_code == 200, url
            assert error in response.content.decode(), (url, body[:10])
    pm = login(side.pm)
    answer = f"{_app(side, first.number)}questions/{thread.pk}/answer/"
    response = pm.post(answer, {"body": ""})
    assert "This field is required." in response.content.decode()
    # Another report's thread, another organisation's thread, an unknown id.
    assert (
        portal.post(
            f"{_portal(side, second.number)}questions/{thread.pk}/", {"body": "Hi"}
        ).status_code
        == 404
    )
    assert (
        pm.post(
            f"{_app(side, second.number)}questions/{thread.pk}/answer/", {"body": "Hi"}
        ).status_code
        == 404
    )
    assert (
        portal.post(
            f"{_portal(side, first.number)}questions/{foreign.pk}/", {"body": "Hi"}
        ).status_code
        == 404
    )
    assert (
        pm.post(
            f"{_app(side, first.number)}questions/{foreign.pk}/answer/", {"body": "Hi"}
        ).status_code
        == 404
    )
    assert (
        pm.post(
            f"{_app(side, first.number)}questions/99999999999999999999/answer/", {"body": "Hi"}
        ).status_code
        == 404
    )
    assert _written() == before


def test_errors_are_shown_in_the_contacts_language(world):
    side = world.one
    report = _published(side)
    user = side.contact_a.user
    user.language = "zh-hans"
    user.save()
    response = login(user).post(f"{_portal(side, report.number)}questions/new/", {"body": ""})
    page = response.content.decode()
    with translation.override("zh-hans"):
        assert gettext("This field is required.") in page
    assert "This field is required." not in page
