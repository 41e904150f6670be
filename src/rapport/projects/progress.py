"""Progress is computed, not typed, as of a day (today unless given). The basis, stated once:

* Milestone completion: milestones done (a done date on or before that day), out of all.
* Schedule variance: per milestone, its expected date (done, else forecast, else baseline)
  minus its baseline date, in days; for the project, the latest expected milestone date (or
  the planned end, if later) minus the baseline end.
* Budget burn: actual costs (cost entries, plus hours × rate of time entries as labour)
  against the budget lines, by category.
* Earned value, milestone-weighted: BAC is the total budget. Each milestone carries a share
  of BAC in proportion to its weight. PV (planned value) is the share of milestones whose
  baseline date has passed; EV (earned value) the share of milestones done; AC (actual cost)
  the costs recorded up to today. SPI = EV / PV, CPI = EV / AC, EAC = BAC / CPI (the budget at
  today's cost efficiency; equal to BAC while nothing has been spent or earned).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.utils import timezone

from rapport.projects.models import BudgetCategory, CostEntry, Milestone, Project, TimeEntry

ZERO = Decimal("0")
CENT = Decimal("0.01")


@dataclass
class MilestoneRow:
    milestone: Milestone
    slip_days: int
    done: bool
    late: bool


@dataclass
class BudgetRow:
    category: str
    label: str
    budget: Decimal
    actual: Decimal

    @property
    def burn_percent(self) -> int | None:
        return round(self.actual / self.budget * 100) if self.budget else None


@dataclass
class Progress:
    as_of: date
    milestones: list[MilestoneRow]
    milestones_done: int
    baseline_end: date
    forecast_end: date
    budget_rows: list[BudgetRow]
    bac: Decimal
    ac: Decimal
    pv: Decimal
    ev: Decimal
    cost_by_date: list[tuple[date, Decimal]] = field(default_factory=list)

    @property
    def milestones_total(self) -> int:
        return len(self.milestones)

    @property
    def completion_percent(self) -> int:
        return round(self.milestones_done / self.milestones_total * 100) if self.milestones else 0

    @property
    def end_slip_days(self) -> int:
        return (self.forecast_end - self.baseline_end).days

    @property
    def spi(self) -> Decimal | None:
        return (self.ev / self.pv).quantize(CENT) if self.pv else None

    @property
    def cpi(self) -> Decimal | None:
        return (self.ev / self.ac).quantize(CENT) if self.ac and self.ev else None

    @property
    def eac(self) -> Decimal:
        cpi = self.ev / self.ac if self.ac and self.ev else None
        if cpi:
            return (self.bac / cpi).quantize(CENT)
        return max(self.bac, self.ac)

    @property
    def burn_percent(self) -> int | None:
        return round(self.ac / self.bac * 100) if self.bac else None


def labour_cost() -> ExpressionWrapper:
    return ExpressionWrapper(
        F("hours") * F("rate"), output_field=DecimalField(max_digits=20, decimal_places=4)
    )


def compute(project: Project, as_of: date | None = None) -> Progress:
    """A fixed number of queries, whatever the project's size."""
    budget = {
        line["category"]: line["total"]
        for line in project.budget_lines.values("category").annotate(total=Sum("amount"))
    }
    costs = [
        (entry["category"], entry["date"], entry["total"])
        for entry in CostEntry.objects.filter(project=project)
        .values("category", "date")
        .annotate(total=Sum("amount"))
    ]
    labour = [
        (row["date"], row["total"])
        for row in TimeEntry.objects.filter(project=project)
        .values("date")
        .annotate(total=Sum(labour_cost()))
    ]
    milestones = list(project.milestones.order_by("baseline_date", "id"))
    return assemble(
        project,
        milestones=milestones,
        budget=budget,
        costs=costs,
        labour=labour,
        as_of=as_of or timezone.localdate(),
    )


def assemble(
    project: Project,
    *,
    milestones: list[Milestone],
    budget: dict[str, Decimal],
    costs: list[tuple[str, date, Decimal]],
    labour: list[tuple[date, Decimal]],
    as_of: date,
) -> Progress:
    """The arithmetic of ``compute`` over data already read: the milestones in baseline order,
    the budget per category, the costs per (category, date) and the labour cost per date. The
    portfolio reads these for many projects at once and assembles each project's progress
    here, so a project and the portfolio never disagree."""
    today = as_of
    rows = []
    for milestone in milestones:
        expected = milestone.expected_date
        done = milestone.done_date is not None and milestone.done_date <= today
        late = (done and milestone.done_date > milestone.baseline_date) or (  # type: ignore[operator]
            not done and (expected > milestone.baseline_date or milestone.baseline_date < today)
        )
        rows.append(MilestoneRow(milestone, (expected - milestone.baseline_date).days, done, late))
    baseline_end = project.end_date
    forecast_end = max([baseline_end, *(m.expected_date for m in milestones)])

    planned: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for category, total in budget.items():
        planned[category] = Decimal(total).quantize(CENT)
    actual: dict[str, Decimal] = defaultdict(lambda: ZERO)
    by_date: dict[date, Decimal] = defaultdict(lambda: ZERO)
    for category, day, amount in costs:
        total = Decimal(amount).quantize(CENT)  # SQLite sums carry spurious places
        actual[category] += total
        by_date[day] += total
    for day, amount in labour:
        cost = Decimal(amount).quantize(CENT)
        actual[BudgetCategory.LABOUR] += cost
        by_date[day] += cost
    budget_rows = [
        BudgetRow(value, str(label), planned[value], actual[value])
        for value, label in BudgetCategory.choices
        if planned[value] or actual[value]
    ]
    bac = sum(planned.values(), ZERO)
    ac = sum((cost for day, cost in by_date.items() if day <= today), ZERO)
    weight_total = sum((m.weight for m in milestones), ZERO)

    def share(selected: list[Milestone]) -> Decimal:
        if not weight_total:
            return ZERO
        return (bac * sum((m.weight for m in selected), ZERO) / weight_total).quantize(CENT)

    return Progress(
        as_of=today,
        milestones=rows,
        milestones_done=sum(1 for row in rows if row.done),
        baseline_end=baseline_end,
        forecast_end=forecast_end,
        budget_rows=budget_rows,
        bac=bac,
        ac=ac,
        pv=share([m for m in milestones if m.baseline_date <= today]),
        ev=share([row.milestone for row in rows if row.done]),
        cost_by_date=sorted(by_date.items()),
    )


def cumulative(points: list[tuple[date, Decimal]]) -> list[tuple[date, Decimal]]:
    running, out = ZERO, []
    for day, value in sorted(points):
        running += value
        out.append((day, running))
    return out


def planned_value(progress: Progress) -> list[tuple[date, Decimal]]:
    """Cumulative planned value: each milestone's share of the budget at its baseline date."""
    weight_total = sum((row.milestone.weight for row in progress.milestones), ZERO)
    if not weight_total:
        return []
    steps = cumulative(
        [
            (row.milestone.baseline_date, progress.bac * row.milestone.weight / weight_total)
            for row in progress.milestones
        ]
    )
    return [(day, value.quantize(CENT)) for day, value in steps]
