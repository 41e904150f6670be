"""The change request workflow, step by step, with its refusals."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from rapport.audit.models import AuditEvent
from rapport.changes import impact
from rapport.changes import services as cr
from rapport.changes.models import ChangeRequest, Decision, State
from rapport.notify.models import OutboundEmail
from rapport.projects import baseline_services
from rapport.projects.models import BaselineVersion, BudgetLine

pytestmark = pytest.mark.django_db


def _signed_baseline(side):
    baseline_services.baseline_submit(actor=side.actor(side.pm), project=side.project_a)
    version = side.project_a.baseline_versions.get()
    return baseline_services.baseline_sign(
        actor=side.contact_actor(side.contact_a), version=version
    )


def _evaluated(side, **overrides):
    pm = side.actor(side.pm)
    request = cr.change_request_create(
        actor=side.contact_actor(side.contact_a),
        project=side.project_a,
        title="Export to Excel",
        description="Every report exportable",
        reason="Board asks for it",
    )
    values = {
        "schedule_days": 10,
        "recommendation": "approve",
        "scope_added": "Excel export",
        "evaluation_notes": "Internal: reuse the CSV code",
        "costs": {"labour": "5000"},
        "milestones": [side.baseline["milestone"].pk],
    }
    values.update(overrides)
    return cr.change_request_evaluate(actor=pm, change_request=request, **values)


def _approved(side, **overrides):
    request = _evaluated(side, **overrides)
    cr.change_request_send_for_approval(actor=side.actor(side.pm), change_request=request)
    cr.change_request_decide(
        actor=side.contact_actor(side.contact_a), change_request=request, decision="approve"
    )
    request.refresh_from_db()
    return request


def test_numbers_are_per_project(world):
    side = world.one
    first = cr.change_request_create(
        actor=side.actor(side.pm), project=side.project_a, title="One", description="x"
    )
    second = cr.change_request_create(
        actor=side.actor(side.pm), project=side.project_a, title="Two", description="y"
    )
    other = cr.change_request_create(
        actor=side.actor(side.pm), project=side.project_b, title="Three", description="z"
    )
    assert (first.reference, second.reference, other.reference) == ("CR-001", "CR-002", "CR-001")
    assert first.state == State.DRAFT


def test_client_raises_and_it_is_submitted_and_the_pm_is_told(
    world, django_capture_on_commit_callbacks
):
    side = world.one
    with django_capture_on_commit_callbacks(execute=True):
        request = cr.change_request_create(
            actor=side.contact_actor(side.contact_a),
            project=side.project_a,
            title="More users",
            description="50 more seats",
        )
    assert request.state == State.SUBMITTED
    assert request.requested_by_contact == side.contact_a
    assert OutboundEmail.objects.filter(to=side.pm.email, kind="change_request_submitted").exists()


def test_contact_of_another_client_cannot_raise(world):
    side = world.one
    with pytest.raises(PermissionDenied):
        cr.change_request_create(
            actor=side.contact_actor(side.contact_b),
            project=side.project_a,
            title="Sneaky",
            description="x",
        )


def test_links_must_be_of_the_same_project(world):
    side = world.one
    with pytest.raises(ValidationError):
        cr.change_request_create(
            actor=side.actor(side.pm),
            project=side.project_b,
            title="x",
            description="y",
            milestones=[side.baseline["milestone"].pk],
        )


def test_evaluation_shows_the_baseline_as_it_would_become(world):
    side = world.one
    request = _evaluated(side)
    proposal = impact.proposal(request)
    assert proposal.new_end == side.project_a.end_date + timedelta(days=10)
    assert proposal.cost == Decimal("5000.00")
    assert proposal.new_budget == Decimal("55000.00")
    moved = {move.milestone.name: (move.old, move.new) for move in proposal.moves}
    milestone = side.baseline["milestone"]
    assert moved[milestone.name] == (
        milestone.baseline_date,
        milestone.baseline_date + timedelta(days=10),
    )
    assert side.baseline["internal_milestone"].name in moved  # later milestones move too


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("schedule_days", "ten"),
        ("schedule_days", -3),
        ("costs", {"labour": "abc"}),
        ("costs", {"labour": "NaN"}),
        ("costs", {"nonsense": "10"}),
        ("costs", {"labour": "-60000"}),
    ],
)
def test_bad_impact_values_are_refused_and_nothing_changes(world, field, value):
    side = world.one
    request = cr.change_request_create(
        actor=side.contact_actor(side.contact_a), project=side.project_a, title="x", description="y"
    )
    with pytest.raises(ValidationError):
        cr.change_request_evaluate(
            actor=side.actor(side.pm),
            change_request=request,
            recommendation="approve",
            **{field: value},
        )
    request.refresh_from_db()
    assert request.state == State.SUBMITTED
    assert not request.cost_impacts.exists()


def test_illegal_steps_are_refused_clearly(world):
    side = world.one
    request = cr.change_request_create(
        actor=side.actor(side.pm), project=side.project_a, title="x", description="y"
    )
    with pytest.raises(ValidationError) as error:
        cr.change_request_implement(actor=side.actor(side.pm), change_request=request)
    assert "cannot become" in error.value.messages[0]
    request.refresh_from_db()
    assert request.state == State.DRAFT


def test_client_approves_with_a_snapshot_without_internal_notes(world):
    side = world.one
    request = _approved(side)
    assert request.state == State.APPROVED
    decision = request.decisions.get(kind=Decision.Kind.APPROVE)
    assert decision.contact == side.contact_a
    assert decision.snapshot["schedule_days"] == 10
    assert "evaluation_notes" not in decision.snapshot
    assert side.baseline["internal_milestone"].name not in str(decision.snapshot)


def test_approving_twice_is_refused(world):
    side = world.one
    request = _approved(side)
    with pytest.raises(ValidationError):
        cr.change_request_decide(
            actor=side.contact_actor(side.contact_a), change_request=request, decision="approve"
        )
    assert request.decisions.count() == 1


def test_rejection_needs_a_reason(world):
    side = world.one
    request = _evaluated(side)
    cr.change_request_send_for_approval(actor=side.actor(side.pm), change_request=request)
    with pytest.raises(ValidationError):
        cr.change_request_decide(
            actor=side.contact_actor(side.contact_a), change_request=request, decision="reject"
        )


def test_contact_of_another_client_cannot_decide(world):
    side = world.one
    request = _evaluated(side)
    cr.change_request_send_for_approval(actor=side.actor(side.pm), change_request=request)
    with pytest.raises(PermissionDenied):
        cr.change_request_decide(
            actor=side.contact_actor(side.contact_b), change_request=request, decision="approve"
        )


def test_deciding_on_a_withdrawn_request_is_refused(world):
    side = world.one
    request = _evaluated(side)
    cr.change_request_send_for_approval(actor=side.actor(side.pm), change_request=request)
    cr.change_request_withdraw(actor=side.actor(side.pm), change_request=request)
    with pytest.raises(ValidationError) as error:
        cr.change_request_decide(
            actor=side.contact_actor(side.contact_a), change_request=request, decision="approve"
        )
    assert "Withdrawn" in error.value.messages[0]


def test_needs_information_goes_back_to_evaluation(world):
    side = world.one
    request = _evaluated(side)
    cr.change_request_send_for_approval(actor=side.actor(side.pm), change_request=request)
    cr.change_request_decide(
        actor=side.contact_actor(side.contact_a),
        change_request=request,
        decision="needs_information",
        comment="Which reports?",
    )
    request = cr.change_request_evaluate(
        actor=side.actor(side.pm), change_request=request, scope_added="All twelve reports"
    )
    assert request.state == State.UNDER_EVALUATION


def test_costly_change_needs_internal_approval_first(world):
    side = world.one
    side.organisation.change_approval_threshold = Decimal("1000")
    side.organisation.save()
    request = _evaluated(side)
    request = cr.change_request_send_for_approval(actor=side.actor(side.pm), change_request=request)
    assert request.state == State.INTERNAL_APPROVAL
    with pytest.raises(PermissionDenied):
        cr.change_request_internal_decide(
            actor=side.actor(side.pm), change_request=request, approve=True
        )
    request = cr.change_request_internal_decide(
        actor=side.actor(side.admin), change_request=request, approve=True
    )
    assert request.state == State.AWAITING_APPROVAL


def test_implementing_moves_the_baseline_to_a_new_signed_version(world):
    side = world.one
    first = _signed_baseline(side)
    request = _approved(side)
    old_end = side.project_a.end_date

    version = cr.change_request_implement(actor=side.actor(side.pm), change_request=request)

    side.project_a.refresh_from_db()
    first.refresh_from_db()
    request.refresh_from_db()
    assert side.project_a.end_date == old_end + timedelta(days=10)
    assert (version.number, version.status, version.change_request_ref) == (2, "signed", "CR-001")
    assert version.decided_by == side.contact_a
    assert first.status == BaselineVersion.Status.SUPERSEDED
    assert request.state == State.IMPLEMENTED and request.baseline_version == version
    assert BudgetLine.objects.filter(
        project=side.project_a, description__startswith="CR-001"
    ).get().amount == Decimal("5000.00")
    assert version.snapshot["budget_total"] == "55000.00"
    assert version.snapshot["schedule"]["end"] == side.project_a.end_date.isoformat()
    actions = set(
        AuditEvent.objects.filter(
            object_id=str(request.pk), content_type__model="changerequest"
        ).values_list("action", flat=True)
    )
    assert {
        "created",
        "cr_submitted",
        "evaluated",
        "cr_awaiting_approval",
        "cr_approved",
        "cr_implemented",
    } <= actions


def test_change_log_adds_up_approved_changes(world):
    side = world.one
    _approved(side)
    second = _evaluated(side, schedule_days=5, costs={"travel": "250.50"})
    cr.change_request_send_for_approval(actor=side.actor(side.pm), change_request=second)
    cr.change_request_decide(
        actor=side.contact_actor(side.contact_a),
        change_request=second,
        decision="reject",
        comment="Too expensive",
    )
    log = impact.change_log(side.project_a)
    assert (log.approved_days, log.approved_cost) == (10, Decimal("5000.00"))
    assert [r.state for r in log.change_requests] == [State.APPROVED, State.REJECTED]


def test_contact_can_withdraw_only_their_own_request(world):
    side = world.one
    own = cr.change_request_create(
        actor=side.contact_actor(side.contact_a),
        project=side.project_a,
        title="Mine",
        description="x",
    )
    pms = cr.change_request_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        title="PM's",
        description="y",
        submit=True,
    )
    cr.change_request_withdraw(actor=side.contact_actor(side.contact_a), change_request=own)
    with pytest.raises(PermissionDenied):
        cr.change_request_withdraw(actor=side.contact_actor(side.contact_a), change_request=pms)


@pytest.mark.django_db(transaction=True)
def test_approve_and_withdraw_at_once_end_in_one_state(world):
    """Two people act on the same request at the same moment: one wins, the other is told."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL; SQLite serialises every write anyway")
    side = world.one
    request = _evaluated(side)
    cr.change_request_send_for_approval(actor=side.actor(side.pm), change_request=request)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def act(name, step):
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=10)
            step()
            outcomes[name] = "done"
        except ValidationError as error:
            outcomes[name] = error.messages[0]
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(
            target=act,
            args=(
                "approve",
                lambda: cr.change_request_decide(
                    actor=side.contact_actor(side.contact_a),
                    change_request=request,
                    decision="approve",
                ),
            ),
        ),
        threading.Thread(
            target=act,
            args=(
                "withdraw",
                lambda: cr.change_request_withdraw(
                    actor=side.actor(side.pm), change_request=request
                ),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    final = ChangeRequest.objects.get(pk=request.pk).state
    assert sorted(outcomes.values()).count("done") == 1, outcomes
    loser = next(message for message in outcomes.values() if message != "done")
    assert "Nothing was changed" in loser
    assert final in (State.APPROVED, State.WITHDRAWN)
    assert (final == State.APPROVED) == (outcomes["approve"] == "done")
    assert Decision.objects.filter(change_request=request).count() == (
        1 if final == State.APPROVED else 0
    )


def test_implementing_records_the_moves_on_the_project_and_milestones(world):
    side = world.one
    _signed_baseline(side)
    request = _approved(side)
    cr.change_request_implement(actor=side.actor(side.pm), change_request=request)
    project_event = AuditEvent.objects.get(
        content_type__model="project", action="updated", object_id=str(side.project_a.pk)
    )
    assert project_event.changes["change_request"] == [None, "CR-001"]
    assert project_event.changes["end_date"] == ["2026-12-31", "2027-01-10"]
    assert (
        AuditEvent.objects.filter(
            content_type__model="milestone",
            action="updated",
            changes__change_request=[None, "CR-001"],
        ).count()
        == 2
    )


def test_the_client_is_told_in_their_language_in_plain_text(world):
    """The state in a Chinese approver's email is Chinese whoever sent it, and a title with an
    apostrophe and an ampersand arrives as typed, not HTML-escaped, in subject and text."""
    side = world.one
    side.contact_a.language = "zh-hans"
    side.contact_a.save(update_fields=["language"])
    request = _evaluated(side)
    request.title = "Client's export & print"
    request.save(update_fields=["title"])
    cr.change_request_send_for_approval(actor=side.actor(side.pm), change_request=request)

    email = OutboundEmail.objects.get(
        to=side.contact_a.email, kind="change_request_awaiting_approval"
    )
    assert "Client's export & print" in email.subject
    assert email.subject.endswith("待客户审批")
    assert "&#x27;" not in email.subject + email.body_text
    assert "&amp;" not in email.subject + email.body_text
    assert "Client's export & print" in email.body_text
    assert "Client&#x27;s export &amp; print" in email.body_html
