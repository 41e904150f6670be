"""Money through the services: any amounts of cents add up exactly in the project's progress
and the change log, and an amount with more than two places or below zero is refused with a
message, never rounded or stored."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapport.audit.models import AuditEvent
from rapport.changes import services as cr
from rapport.projects import baseline_services, progress
from rapport.projects.models import BudgetCategory, BudgetLine, CostEntry

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ZERO = Decimal("0")

cents = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000000"), places=2)
category = st.sampled_from(BudgetCategory.values)
days_ago = st.integers(min_value=-30, max_value=400)
# More than two places that do not round away to two, or a negative amount.
too_precise = st.decimals(
    min_value=Decimal("-1000000000"), max_value=Decimal("1000000000"), places=3
).filter(lambda d: d != d.quantize(Decimal("0.01")))
negative = st.decimals(max_value=Decimal("-0.01"), min_value=Decimal("-1000000000"), places=2)


class Rollback(Exception):
    pass


@FUZZ
@given(
    lines=st.lists(st.tuples(category, cents), max_size=12),
    entries=st.lists(st.tuples(category, cents, days_ago), max_size=12),
)
def test_budget_and_actuals_add_up_to_the_cent(world, lines, entries):
    side = world.one
    project = side.project_b
    pm = side.actor(side.pm)
    today = timezone.localdate()
    try:
        with transaction.atomic():
            for line_category, amount in lines:
                baseline_services.item_create(
                    actor=pm,
                    project=project,
                    kind="budget_line",
                    category=line_category,
                    description="Line",
                    amount=amount,
                )
            for entry_category, amount, ago in entries:
                baseline_services.cost_entry_create(
                    actor=pm,
                    project=project,
                    category=entry_category,
                    date=today - datetime.timedelta(days=ago),
                    amount=amount,
                )
            result = progress.compute(project, as_of=today)
            budget = list(
                BudgetLine.objects.filter(project=project).values_list("category", "amount")
            )
            costs = list(
                CostEntry.objects.filter(project=project).values_list("category", "date", "amount")
            )
            assert sum((a for _, a in lines), ZERO) == sum((a for _, a in budget), ZERO)
            assert result.bac == sum((a for _, a in budget), ZERO)
            assert result.ac == sum((a for _, day, a in costs if day <= today), ZERO)
            for row in result.budget_rows:
                assert isinstance(row.actual, Decimal) and isinstance(row.budget, Decimal)
                assert row.budget == sum((a for c, a in budget if c == row.category), ZERO)
                assert row.actual == sum((a for c, _, a in costs if c == row.category), ZERO)
            assert {row.category for row in result.budget_rows} == {c for c, _ in budget} | {
                c for c, _, _ in costs
            }
            raise Rollback
    except Rollback:
        pass


@FUZZ
@given(amount=st.one_of(too_precise, negative), which=st.sampled_from(["budget", "cost"]))
def test_bad_amounts_are_refused_not_rounded(world, amount, which):
    side = world.one
    project = side.project_b
    pm = side.actor(side.pm)
    before = (AuditEvent.objects.count(), BudgetLine.objects.count(), CostEntry.objects.count())
    with pytest.raises(ValidationError) as refusal:
        if which == "budget":
            baseline_services.item_create(
                actor=pm, project=project, kind="budget_line", category="labour", amount=amount
            )
        else:
            baseline_services.cost_entry_create(
                actor=pm,
                project=project,
                category="labour",
                date=timezone.localdate(),
                amount=amount,
            )
    assert "amount" in refusal.value.message_dict and refusal.value.messages
    assert (
        AuditEvent.objects.count(),
        BudgetLine.objects.count(),
        CostEntry.objects.count(),
    ) == before


@FUZZ
@given(amount=too_precise)
def test_a_cost_impact_with_more_places_is_refused_not_rounded(world, amount):
    side = world.one
    try:
        with transaction.atomic():
            request = cr.change_request_create(
                actor=side.actor(side.pm),
                project=side.project_a,
                title="Export",
                description="x",
                submit=True,
            )
            events = AuditEvent.objects.count()
            with pytest.raises(ValidationError) as refusal:
                cr.change_request_evaluate(
                    actor=side.actor(side.pm),
                    change_request=request,
                    costs={"labour": str(amount)},
                    recommendation="approve",
                )
            assert "cost_labour" in refusal.value.message_dict
            assert not request.cost_impacts.exists()
            assert AuditEvent.objects.count() == events
            raise Rollback
    except Rollback:
        pass
