"""Closing a project: the checklist, what blocks it, the admin's override, the frozen report,
the client's acceptance, and the audit trail."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rapport.audit.models import AuditEvent
from rapport.changes import services as cr_services
from rapport.closure import services
from rapport.closure.checklist import checklist
from rapport.closure.models import Closure
from rapport.projects import baseline_services
from rapport.projects.models import CostEntry, Deliverable, Project
from rapport.risks.models import Issue

pytestmark = pytest.mark.django_db


def _prepare(side, **values):
    defaults = {
        "narrative": "Delivered on time.",
        "lessons": "Agree the scope early.",
        "budget_closed": True,
    }
    return services.closure_update(
        actor=side.actor(side.pm), project=side.project_a, **{**defaults, **values}
    )


def _accept_all(side):
    Deliverable.objects.filter(project=side.project_a).update(status=Deliverable.Status.ACCEPTED)


def test_checklist_lists_what_blocks_closing(world):
    side = world.one
    cr_services.change_request_create(
        actor=side.actor(side.pm), project=side.project_a, title="Dark mode", description="x"
    )
    state = checklist(side.project_a, None)
    assert state.blocked
    assert any("Dark mode" in b for b in state.blockers)
    assert any("Clickable prototype" in b for b in state.blockers)
    assert any("Release candidate build" in b for b in state.blockers)
    items = {item.code: item.done for item in state.items}
    assert items == {
        "deliverables": False,
        "change_requests": False,
        "final_report": False,
        "lessons": False,
        "budget": False,
        "survey": False,  # no survey sent yet
    }


def test_pm_cannot_close_with_blockers_and_nothing_is_written(world):
    side = world.one
    _prepare(side)
    with pytest.raises(ValidationError) as error:
        services.closure_close(actor=side.actor(side.pm), project=side.project_a)
    messages = error.value.message_dict["override_reason"]
    assert any("Clickable prototype" in m for m in messages)
    # a PM's reason is not an override
    with pytest.raises(ValidationError):
        services.closure_close(
            actor=side.actor(side.pm), project=side.project_a, override_reason="Client left"
        )
    side.project_a.refresh_from_db()
    assert side.project_a.status != Project.Status.CLOSED
    assert Closure.objects.get(project=side.project_a).state == Closure.State.PREPARING
    assert not AuditEvent.objects.filter(action="closed").exists()


def test_admin_overrides_with_a_reason_on_record(world):
    side = world.one
    _prepare(side)
    closure = services.closure_close(
        actor=side.actor(side.admin), project=side.project_a, override_reason="Client cancelled"
    )
    side.project_a.refresh_from_db()
    assert side.project_a.status == Project.Status.CLOSED
    assert closure.override_reason == "Client cancelled"
    event = AuditEvent.objects.get(action="closed")
    assert event.changes["override_reason"] == [None, "Client cancelled"]
    assert any("Clickable prototype" in b for b in event.changes["blockers"][1])
    # the project service recorded the status change too
    assert AuditEvent.objects.filter(
        action="updated", object_id=str(side.project_a.pk), changes__status__1="closed"
    ).exists()


def test_summary_is_required_to_close(world):
    side = world.one
    _accept_all(side)
    _prepare(side, narrative="  ")
    with pytest.raises(ValidationError) as error:
        services.closure_close(actor=side.actor(side.pm), project=side.project_a)
    assert "narrative" in error.value.message_dict


def test_close_freezes_the_report_and_the_client_view_leaves_internal_things_out(world):
    side = world.one
    pm = side.actor(side.pm)
    baseline_services.baseline_submit(actor=pm, project=side.project_a)
    baseline_services.baseline_sign(
        actor=side.contact_actor(side.contact_a),
        version=side.project_a.baseline_versions.get(),
    )
    Issue.objects.create(project=side.project_a, number=1, title="Internal outage", owner=side.pm)
    _accept_all(side)
    _prepare(side)
    closure = services.closure_close(actor=pm, project=side.project_a)
    assert closure.state == Closure.State.CLOSED
    report, client = closure.report, closure.client_report
    assert report["baseline_first"]["budget"] == "50000.00"
    assert report["baseline_first"]["deliverables"] == 2
    assert [m["name"] for m in report["milestones"]] == ["Design approved", "Internal code freeze"]
    assert [m["name"] for m in client["milestones"]] == ["Design approved"]
    assert report["issues"][0]["title"] == "Internal outage"
    assert client["issues"] == []
    assert report["actual"]["deliverables_accepted"] == 2
    # frozen: later edits do not change it, and the closure can't be edited any more
    with pytest.raises(ValidationError):
        _prepare(side, narrative="Rewritten")
    with pytest.raises(ValidationError):
        services.closure_close(actor=pm, project=side.project_a)


def test_client_accepts_once_on_record(world):
    side = world.one
    _accept_all(side)
    _prepare(side)
    contact = side.contact_actor(side.contact_a)
    with pytest.raises(ValidationError):
        services.closure_accept(actor=contact, project=side.project_a)  # not closed yet
    services.closure_close(actor=side.actor(side.pm), project=side.project_a)
    closure = services.closure_accept(actor=contact, project=side.project_a, comment="Thanks")
    assert closure.state == Closure.State.ACCEPTED
    assert closure.accepted_by == side.contact_a
    event = AuditEvent.objects.get(action="accepted", object_id=str(closure.pk))
    assert event.actor_contact_id == side.contact_a.pk
    with pytest.raises(ValidationError):
        services.closure_accept(actor=contact, project=side.project_a)


def test_only_the_pm_and_admins_prepare_and_only_approvers_accept(world):
    side = world.one
    with pytest.raises(PermissionDenied):
        services.closure_update(
            actor=side.actor(side.member),
            project=side.project_a,
            narrative="x",
            lessons="",
            budget_closed=False,
        )
    with pytest.raises(PermissionDenied):
        services.closure_accept(actor=side.actor(side.pm), project=side.project_a)
    assert not Closure.objects.exists()


def test_budget_closed_turns_red_when_costs_come_later(world):
    side = world.one
    closure = _prepare(side)
    assert {i.code: i.done for i in checklist(side.project_a, closure).items}["budget"] is True
    CostEntry.objects.create(
        project=side.project_a,
        category="licences",
        date=closure.budget_closed_on.replace(year=closure.budget_closed_on.year + 1),
        amount=1,
    )
    assert {i.code: i.done for i in checklist(side.project_a, closure).items}["budget"] is False


def _queries_for_report(project) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rapport.closure.report import compile_report

    with CaptureQueriesContext(connection) as queries:
        compile_report(project)
    return len(queries)


def test_report_query_count_does_not_grow_with_the_project(world):
    side = world.one
    pm = side.actor(side.pm)

    def add(n):
        for i in range(n):
            cr_services.change_request_create(
                actor=pm, project=side.project_a, title=f"Change {i}", description="x"
            )
            Issue.objects.create(
                project=side.project_a,
                number=100 + Issue.objects.count(),
                title=f"I{i}",
                owner=side.pm,
            )

    add(2)
    few = _queries_for_report(side.project_a)
    add(20)
    assert _queries_for_report(side.project_a) == few


def test_library_lessons_count_as_captured_and_reach_the_report(world):
    from rapport.lessons import services as lesson_services

    side = world.one
    pm = side.actor(side.pm)
    lesson_services.lesson_create(
        actor=pm,
        project_id=side.project_a.pk,
        title="Internal only",
        what_happened="x",
        recommendation="Keep it in the team.",
        category="other",
    )
    lesson_services.lesson_create(
        actor=pm,
        project_id=side.project_a.pk,
        title="Shared",
        what_happened="x",
        recommendation="Tell the client.",
        category="communication",
        shared_with_client=True,
    )
    closure = _prepare(side, lessons="")
    assert {i.code: i.done for i in checklist(side.project_a, closure).items}["lessons"] is True
    _accept_all(side)
    closure = services.closure_close(actor=pm, project=side.project_a)
    assert [x["title"] for x in closure.report["lessons"]] == ["Internal only", "Shared"]
    assert [x["title"] for x in closure.client_report["lessons"]] == ["Shared"]
