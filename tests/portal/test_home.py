"""The client portal's home: each kind of thing waiting for a contact appears with a link to
where they act on it, and disappears once they did it through the real service; nothing of
another client or organisation, nor of an unpublished project, ever shows."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from rapport.changes import services as change_services
from rapport.closure import services as closure_services
from rapport.feedback import services as feedback_services
from rapport.feedback.models import Question
from rapport.meetings import minutes as minutes_services
from rapport.messaging import services as message_services
from rapport.projects import baseline_services
from rapport.projects.models import Project
from rapport.reports import services as report_services
from tests import factories
from tests.conftest import Side, World, login
from tests.meetings.helpers import held

pytestmark = pytest.mark.django_db


def _waiting(side: Side, contact: Any = None) -> list[tuple[str, str, str]]:
    """(kind, link, text) of each waiting line the contact's home shows."""
    response = login((contact or side.contact_a).user).get("/portal/")
    assert response.status_code == 200
    html = response.content.decode()
    lines = [line for group in response.context["waiting"] for line in group.lines]
    for line in lines:
        assert f'href="{line.url}"' in html
        assert f"· {line.project_name} ·" in html
    # kept in the cache as plain text: no model, no lazy translation to build again
    kept = pickle.dumps(response.context["waiting"])
    assert b"django.db.models" not in kept and b"_lazy_proxy_unpickle" not in kept
    return [(line.kind, line.url, f"{line.action}: {line.title}") for line in lines]


# --- each kind: make it wait, and handle it ---------------------------------------------------


def _baseline(side: Side) -> tuple[str, Callable[[], object]]:
    version = baseline_services.baseline_submit(actor=side.actor(side.pm), project=side.project_a)
    return (
        f"/portal/projects/{side.project_a.pk}/#sign-off",
        lambda: baseline_services.baseline_sign(
            actor=side.contact_actor(side.contact_a), version=version
        ),
    )


def _change_request(side: Side) -> tuple[str, Callable[[], object]]:
    request = change_services.change_request_create(
        actor=side.contact_actor(side.contact_a),
        project=side.project_a,
        title="Export to Excel",
        description="Every report exportable",
    )
    change_services.change_request_evaluate(
        actor=side.actor(side.pm), change_request=request, schedule_days=2, recommendation="approve"
    )
    change_services.change_request_send_for_approval(
        actor=side.actor(side.pm), change_request=request
    )
    return (
        f"/portal/projects/{side.project_a.pk}/changes/{request.number}/",
        lambda: change_services.change_request_decide(
            actor=side.contact_actor(side.contact_a), change_request=request, decision="approve"
        ),
    )


def _deliverable(side: Side) -> tuple[str, Callable[[], object]]:
    deliverable = side.baseline["deliverable"]
    baseline_services.deliverable_submit(actor=side.actor(side.pm), deliverable=deliverable)
    return (
        f"/portal/projects/{side.project_a.pk}/#deliverable-{deliverable.pk}",
        lambda: baseline_services.deliverable_decide(
            actor=side.contact_actor(side.contact_a),
            deliverable=deliverable,
            accept=True,
            reason="",
        ),
    )


def _minutes(side: Side) -> tuple[str, Callable[[], object]]:
    meeting = held(side)
    minutes_services.minutes_publish(actor=side.actor(side.pm), meeting=meeting)
    return (
        f"/portal/projects/{side.project_a.pk}/meetings/{meeting.number}/",
        lambda: minutes_services.minutes_respond(
            actor=side.contact_actor(side.contact_a), meeting=meeting, confirm=True
        ),
    )


def _closure(side: Side) -> tuple[str, Callable[[], object]]:
    project = factories.published(factories.ProjectFactory(client=side.client_a, pm=side.pm))
    closure_services.closure_update(
        actor=side.actor(side.pm),
        project=project,
        narrative="Done.",
        lessons="",
        budget_closed=True,
    )
    closure_services.closure_close(actor=side.actor(side.pm), project=project)
    return f"/portal/projects/{project.pk}/closure/", lambda: closure_services.closure_accept(
        actor=side.contact_actor(side.contact_a), project=project
    )


def _report(side: Side, weeks_ago: int = 0) -> tuple[str, Callable[[], object]]:
    today = timezone.localdate() - timedelta(weeks=weeks_ago)
    pm = side.actor(side.pm)
    report = report_services.report_draft(
        actor=pm, project=side.project_a, period_start=today - timedelta(6), period_end=today
    )
    report = report_services.report_publish(actor=pm, report=report)
    return (
        f"/portal/projects/{side.project_a.pk}/reports/{report.number}/",
        lambda: report_services.report_acknowledge(
            actor=side.contact_actor(side.contact_a), report=report
        ),
    )


def _answers(invitation: Any) -> dict[str, str]:
    return {
        f"q{q.pk}": {Question.Kind.RATING: "4", Question.Kind.NPS: "9"}.get(q.kind, "Fine")
        for q in invitation.survey.template.questions.all()
    }


def _survey(side: Side) -> tuple[str, Callable[[], object]]:
    survey = feedback_services.survey_send(
        actor=side.actor(side.pm), project=side.project_a, contact_ids=[side.contact_a.pk]
    )
    invitation = survey.invitations.get()
    return (
        f"/portal/projects/{side.project_a.pk}/surveys/{survey.pk}/",
        lambda: feedback_services.survey_answer(
            invitation=invitation,
            values=_answers(invitation),
            actor=side.contact_actor(side.contact_a),
        ),
    )


def _action_item(side: Side) -> tuple[str, Callable[[], object]]:
    item = minutes_services.action_item_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        what="Send the logo files",
        due_date=timezone.localdate() + timedelta(3),
        owner_contact_id=side.contact_a.pk,
    )
    return f"/portal/action-items/{item.pk}/close/", lambda: minutes_services.action_item_close(
        actor=side.contact_actor(side.contact_a), action_item=item, note="Sent."
    )


KINDS = {
    "baseline": _baseline,
    "change_request": _change_request,
    "deliverable": _deliverable,
    "minutes": _minutes,
    "closure": _closure,
    "report": _report,
    "survey": _survey,
    "action_item": _action_item,
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_waiting_line_links_to_where_it_is_handled_and_goes_once_handled(world: World, kind: str):
    side = world.one
    assert [line for line in _waiting(side) if line[0] == kind] == []
    url, handle = KINDS[kind](side)

    lines = [line for line in _waiting(side) if line[0] == kind]
    assert [line[1] for line in lines] == [url]
    page = login(side.contact_a.user).get(url.split("#")[0])
    assert page.status_code == 200  # the link leads to a page the contact may open

    handle()
    assert [line for line in _waiting(side) if line[0] == kind] == []


@pytest.mark.parametrize("kind", list(KINDS))
def test_nobody_else_sees_the_line(world: World, kind: str):
    """Client B's contact, the other organisation's contacts, and a contact of client A
    without portal access see nothing of it."""
    side = world.one
    KINDS[kind](side)
    assert [line for line in _waiting(side) if line[0] == kind]
    for contact in (side.contact_b, world.two.contact_a, world.two.contact_b):
        assert [line for line in _waiting(side, contact) if line[0] == kind] == []


APPROVALS = ("baseline", "change_request", "deliverable", "closure")


@pytest.mark.parametrize("kind", APPROVALS)
def test_approvals_wait_for_approvers_only(world: World, kind: str):
    side = world.one
    reader = factories.portal_contact(side.client_a, is_approver=False)
    KINDS[kind](side)
    assert [line for line in _waiting(side, reader) if line[0] == kind] == []


def test_a_contact_who_lost_portal_access_has_no_home(world: World):
    side = world.one
    http = login(side.contact_a.user)
    side.contact_a.portal_access = False
    side.contact_a.save(update_fields=["portal_access"])
    assert http.get("/portal/").status_code == 404


def test_unpublished_projects_show_nothing(world: World):
    """An action item of contact A on a project not yet published to the portal."""
    side = world.one
    minutes_services.action_item_create(
        actor=side.actor(side.pm),
        project=side.project_a_draft,
        what="Draft-only task",
        due_date=timezone.localdate() + timedelta(3),
        owner_contact_id=side.contact_a.pk,
    )
    response = login(side.contact_a.user).get("/portal/")
    assert side.project_a_draft.name not in response.content.decode()
    assert "Draft-only task" not in response.content.decode()
    assert all(
        line.project_id != side.project_a_draft.pk
        for group in response.context["waiting"]
        for line in group.lines
    )


def test_home_lists_latest_report_recent_messages_and_past_projects(world: World):
    side = world.one
    _report(side, weeks_ago=1)
    latest_url, _ = _report(side)  # the second one is the latest
    message_services.thread_open(
        actor=side.actor(side.pm), project=side.project_a, subject="Kick-off", body="See you Monday"
    )
    past = factories.published(
        factories.ProjectFactory(client=side.client_a, pm=side.pm, status=Project.Status.CLOSED)
    )
    foreign = factories.published(
        factories.ProjectFactory(client=side.client_b, pm=side.pm, status=Project.Status.CLOSED)
    )

    response = login(side.contact_a.user).get("/portal/")
    html = response.content.decode()

    current = dict(response.context["current"])
    assert current[side.project_a].number == 2
    assert latest_url in html
    assert "Kick-off" in html and "See you Monday" in html
    assert [project.pk for project in response.context["past"]] == [past.pk]
    assert past.pk not in [project.pk for project, _ in response.context["current"]]
    assert foreign.name not in html


def test_project_page_timeline_in_date_order(world: World):
    side = world.one
    _baseline(side)[1]()  # signed off
    report_url, _ = _report(side)
    change_services.change_request_create(
        actor=side.contact_actor(side.contact_a),
        project=side.project_a,
        title="Dark mode",
        description="Please",
    )
    response = login(side.contact_a.user).get(f"/portal/projects/{side.project_a.pk}/")
    events = response.context["timeline"]
    kinds = {event.kind for event in events}
    assert {"milestone", "report", "decision", "change_request"} <= kinds
    assert [event.when for event in events] == sorted((e.when for e in events), reverse=True)
    html = response.content.decode()
    assert report_url in html and f"{report_url}pdf/" in html
    assert "Dark mode" in html
    assert side.baseline["internal_milestone"].name not in html


def test_project_page_timeline_of_another_client_is_a_404(world: World):
    side = world.one
    http = login(side.contact_a.user)
    assert http.get(f"/portal/projects/{side.project_b.pk}/").status_code == 404
    assert http.get(f"/portal/projects/{world.two.project_a.pk}/").status_code == 404


def test_what_waits_is_kept_until_an_app_it_reads_changes(world: World):
    """A second look does not ask every app again; a message (an app no waiting line reads)
    leaves it kept, and shows among the recent messages; a change request sent for the
    client's decision shows at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    side = world.one
    http = login(side.contact_a.user)

    def look() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            response = http.get("/portal/")
        assert response.status_code == 200
        return len(queries), response.content.decode()

    first, _page = look()
    kept, _page = look()
    assert kept <= first - 8, (first, kept)  # every source of what waits: not again

    message_services.thread_open(
        actor=side.actor(side.pm),
        project=side.project_a,
        subject="Test data is ready",
        body="In the shared folder.",
    )
    queries, page = look()
    assert queries == kept and "Test data is ready" in page

    url, _handle = _change_request(side)
    queries, page = look()
    assert queries > kept and url in page
