"""Random sequences of change request steps by random actors: every step is a legal edge of
the state graph with exactly one audit event, every refusal changes nothing, and the money
and days of approved changes add up exactly."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from rapport.audit.models import AuditEvent
from rapport.changes import impact
from rapport.changes import services as cr
from rapport.changes.models import OPEN_STATES, TRANSITIONS, ChangeRequest, CostImpact, State
from rapport.projects.models import BaselineVersion, BudgetCategory, BudgetLine

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

RIGHT = {"internal": "admin", "decide": "contact"}  # everyone else: the PM

ACTORS = (
    "right",
    "right",
    "right",
    "pm",
    "owner",
    "admin",
    "member",
    "outsider",
    "contact",
    "other_contact",
    "foreign_pm",
    "foreign_contact",
)


class Rollback(Exception):
    """Ends an example's savepoint, so every example starts from the same world."""


def _actor(world: Any, key: str, action: str) -> Any:
    one, two = world.one, world.two
    if key == "right":
        key = RIGHT.get(action, "pm")
    if key == "contact":
        return one.contact_actor(one.contact_a)
    if key == "other_contact":
        return one.contact_actor(one.contact_b)
    if key == "foreign_pm":
        return two.actor(two.pm)
    if key == "foreign_contact":
        return two.contact_actor(two.contact_a)
    return one.actor(getattr(one, key))


cents = st.one_of(
    st.decimals(min_value=Decimal("-60000"), max_value=Decimal("5000"), places=2),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000000"), places=2),
)
costs = st.dictionaries(st.sampled_from(BudgetCategory.values), cents, max_size=3)
comment = st.sampled_from(["", "  ", "Not within the budget", "Please say more"])

evaluate = st.tuples(
    st.just("evaluate"),
    st.integers(min_value=0, max_value=400),
    costs,
    st.sampled_from(["approve", "approve", "reject", ""]),
)
# The next step on the way to implementation, taken by the right person.
advance = st.tuples(st.just("advance"), st.integers(min_value=0, max_value=400), costs)
anything = st.one_of(
    st.tuples(st.just("submit")),
    evaluate,
    evaluate,
    st.tuples(st.just("send")),
    st.tuples(st.just("send")),
    st.tuples(st.just("internal"), st.booleans(), comment),
    st.tuples(
        st.just("decide"),
        st.sampled_from(["approve", "approve", "reject", "needs_information"]),
        comment,
    ),
    st.tuples(st.just("decide"), st.just("approve"), comment),
    st.tuples(st.just("implement")),
    st.tuples(st.just("implement")),
    st.tuples(st.just("withdraw"), comment),
)
step = st.integers(min_value=0, max_value=9).flatmap(lambda n: advance if n < 7 else anything)
steps = st.lists(
    st.tuples(st.integers(min_value=0, max_value=1), st.sampled_from(ACTORS), step),
    min_size=4,
    max_size=25,
)


NEXT = {
    State.DRAFT: ("submit",),
    State.SUBMITTED: ("evaluate",),
    State.NEEDS_INFORMATION: ("evaluate",),
    State.UNDER_EVALUATION: ("send",),
    State.INTERNAL_APPROVAL: ("internal", True, ""),
    State.AWAITING_APPROVAL: ("decide", "approve", ""),
    State.APPROVED: ("implement",),
}


def _concrete(change_request: ChangeRequest, action: tuple[Any, ...]) -> tuple[Any, ...]:
    """``advance`` becomes the step the request's state calls for (or a withdrawal)."""
    if action[0] != "advance":
        return action
    _, days, amounts = action
    state = ChangeRequest.objects.get(pk=change_request.pk).state
    if state not in NEXT:
        return ("withdraw", "")
    if NEXT[state] == ("evaluate",):
        return ("evaluate", days, amounts, "approve")
    return NEXT[state]


def _apply(actor: Any, change_request: ChangeRequest, action: tuple[Any, ...]) -> None:
    name, *args = action
    if name == "submit":
        cr.change_request_submit(actor=actor, change_request=change_request)
    elif name == "evaluate":
        days, amounts, recommendation = args
        cr.change_request_evaluate(
            actor=actor,
            change_request=change_request,
            schedule_days=days,
            costs={category: str(amount) for category, amount in amounts.items()},
            recommendation=recommendation,
        )
    elif name == "send":
        cr.change_request_send_for_approval(actor=actor, change_request=change_request)
    elif name == "internal":
        approve, text = args
        cr.change_request_internal_decide(
            actor=actor, change_request=change_request, approve=approve, comment=text
        )
    elif name == "decide":
        decision, text = args
        cr.change_request_decide(
            actor=actor, change_request=change_request, decision=decision, comment=text
        )
    elif name == "implement":
        cr.change_request_implement(actor=actor, change_request=change_request)
    else:
        (text,) = args
        cr.change_request_withdraw(actor=actor, change_request=change_request, comment=text)


def _legal(before: str, after: str) -> bool:
    if after == State.WITHDRAWN:
        return before in OPEN_STATES
    return after in TRANSITIONS[before]


def _picture(project: Any) -> dict[str, Any]:
    """Everything a step may change, to prove that a refused step changed none of it."""
    return {
        "states": dict(project.change_requests.values_list("pk", "state")),
        "audit": AuditEvent.objects.count(),
        "impacts": sorted(
            CostImpact.objects.filter(change_request__project=project).values_list(
                "change_request_id", "category", "amount"
            )
        ),
        "budget": sorted(BudgetLine.objects.filter(project=project).values_list("pk", "amount")),
        "versions": BaselineVersion.objects.filter(project=project).count(),
        "end": type(project).objects.get(pk=project.pk).end_date,
    }


def _events(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=since).order_by("pk"))


@FUZZ
@given(steps=steps, threshold=st.sampled_from([None, Decimal("0"), Decimal("10000")]))
def test_random_steps_keep_the_workflow_and_the_money_exact(world, steps, threshold):
    side = world.one
    project = side.project_a
    organisation = side.organisation
    try:
        with transaction.atomic():
            organisation.change_approval_threshold = threshold
            organisation.save(update_fields=["change_approval_threshold"])
            requests = [
                cr.change_request_create(
                    actor=side.actor(side.pm),
                    project=project,
                    title="Excel export",
                    description="x",
                ),
                cr.change_request_create(
                    actor=side.contact_actor(side.contact_a),
                    project=project,
                    title="Dark mode",
                    description="y",
                ),
            ]
            expected_costs: dict[int, dict[str, Decimal]] = {r.pk: {} for r in requests}
            for index, key, action in steps:
                _check_step(world, project, requests[index], key, action, expected_costs)
            _check_totals(project, expected_costs)
            for change_request in requests:
                _check_trail(change_request)
                event(f"reached {change_request.state}")
            raise Rollback
    except Rollback:
        pass


def _check_step(world, project, change_request, key, action, expected_costs) -> None:
    if action[0] == "advance":
        key = "right"
    action = _concrete(change_request, action)
    before = _picture(project)
    budget_before = sum((amount for _, amount in before["budget"]), Decimal("0"))
    state_before = before["states"][change_request.pk]
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    try:
        with transaction.atomic():
            _apply(_actor(world, key, action[0]), change_request, action)
    except (ValidationError, PermissionDenied) as refusal:
        if isinstance(refusal, ValidationError):
            assert refusal.messages and all(str(m).strip() for m in refusal.messages)
        assert _picture(project) == before, f"{action} by {key} was refused yet changed data"
        return
    after = _picture(project)
    state_after = after["states"][change_request.pk]
    events = _events(last_event)
    on_request = [
        e
        for e in events
        if e.content_type.model == "changerequest" and e.object_id == str(change_request.pk)
    ]
    assert len(on_request) == 1, f"{action} by {key}: {[e.action for e in on_request]}"
    moved = on_request[0].changes.get("state")
    if state_after != state_before:
        assert moved == [state_before, state_after]
        assert _legal(state_before, state_after), f"{state_before} → {state_after}"
    else:
        assert moved is None
    name = action[0]
    if name == "evaluate":
        expected_costs[change_request.pk] = {c: a for c, a in action[2].items() if a}
    stored = {
        c.category: c.amount for c in CostImpact.objects.filter(change_request=change_request)
    }
    assert stored == expected_costs[change_request.pk]
    # Only implementing touches the baseline: a new version, the budget, the end date.
    if name != "implement":
        assert after["versions"] == before["versions"]
        assert after["budget"] == before["budget"]
        assert after["end"] == before["end"]
        return
    assert after["versions"] == before["versions"] + 1
    added = sum(expected_costs[change_request.pk].values(), Decimal("0"))
    budget_after = sum((amount for _, amount in after["budget"]), Decimal("0"))
    assert budget_after == budget_before + added
    assert all(amount >= 0 for _, amount in after["budget"])
    change_request.refresh_from_db()
    assert after["end"] == before["end"] + timedelta(days=change_request.schedule_days)
    changed_lines = {pk for pk, amount in after["budget"]} ^ {pk for pk, _ in before["budget"]}
    changed_lines |= {
        pk for pk, amount in after["budget"] if (pk, amount) not in set(before["budget"])
    }
    line_events = [e for e in events if e.content_type.model == "budgetline"]
    assert sorted(int(e.object_id) for e in line_events) == sorted(changed_lines)


def _check_trail(change_request: ChangeRequest) -> None:
    """Read in order, the request's audit trail walks the state graph from draft to where
    the request now is, one legal edge at a time."""
    moves = [
        event.changes["state"]
        for event in AuditEvent.objects.filter(
            content_type__model="changerequest", object_id=str(change_request.pk)
        ).order_by("pk")
        if "state" in event.changes
    ]
    state = State.DRAFT
    for before, after in moves:
        assert before == state and _legal(before, after), moves
        state = after
    change_request.refresh_from_db()
    assert change_request.state == state


def _check_totals(project, expected_costs) -> None:
    log = impact.change_log(project)
    approved = [r for r in log.change_requests if r.state in impact.APPROVED_STATES]
    assert log.approved_cost == sum(
        (sum(expected_costs[r.pk].values(), Decimal("0")) for r in approved), Decimal("0")
    )
    assert isinstance(log.approved_cost, Decimal)
    assert log.approved_days == sum(r.schedule_days for r in approved)
