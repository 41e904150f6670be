"""The baseline in the API: its items (objectives, milestones, deliverables, budget lines,
quality standards), the actuals against the budget, its versions and their comparison, and the
computed progress.

Thin: every id is resolved through the selectors (a project or item the caller cannot see is
a 404) and every write goes through ``baseline_services``. Money and quantities are exact
decimals, written as JSON strings with the model's decimal places; dates are ISO 8601.
Budgets, actuals and rates are shown to financial viewers only: the budget and actuals
operations answer 403 to anyone else on the project, and the versions, the comparison and
the progress leave the financial parts out (``null``) for them."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import PlainSerializer, StringConstraints

from rapport.core.api_pagination import Pages
from rapport.core.api_schemas import NoBody
from rapport.core.services import require
from rapport.projects import baseline, baseline_services, permissions, progress, selectors
from rapport.projects.models import (
    BaselineVersion,
    BudgetCategory,
    BudgetLine,
    CostEntry,
    Deliverable,
    Milestone,
    Objective,
    Project,
    QualityStandard,
    TimeEntry,
)
from rapport.projects.smart import objective_checks, smart_checks
from rapport.tenancy.actors import Actor, ActorRequest
from rapport.tenancy.selectors import users_in_organisation

router = Router(tags=["baseline"])


# --- types --------------------------------------------------------------------------------


def _fixed(places: int) -> PlainSerializer:
    """A decimal written as a string with exactly ``places`` decimals, never as a float."""
    quantum = Decimal(1).scaleb(-places)
    return PlainSerializer(
        lambda value: format(Decimal(value).quantize(quantum), "f"),
        return_type=str,
        when_used="unless-none",
    )


Money = Annotated[Decimal, _fixed(2)]  # amounts and rates (the models keep two places)
Hours = Annotated[Decimal, _fixed(2)]
Weight = Annotated[Decimal, _fixed(2)]
Value = Annotated[Decimal, _fixed(4)]  # objectives' target and current values
Ratio = Annotated[Decimal, _fixed(2)]  # SPI, CPI

Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Short = Annotated[str, StringConstraints(max_length=200)]
Text = Annotated[str, StringConstraints(max_length=1000)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Reason = Annotated[str, StringConstraints(max_length=2000)]
Unit = Annotated[str, StringConstraints(max_length=40)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$")]
Category = Annotated[str, StringConstraints(pattern="^(" + "|".join(BudgetCategory.values) + ")$")]
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]  # an id in a body, within any database's range
Ids = Annotated[list[Id], Field(max_length=200)]


# --- helpers ------------------------------------------------------------------------------


def _project(request: ActorRequest, project_id: int) -> Project:
    return selectors.project_get(actor=request.actor, project_id=project_id)


def _financial_project(request: ActorRequest, project_id: int) -> Project:
    """The project (404 if unseen), for someone who may see its money (403 otherwise)."""
    project = _project(request, project_id)
    require(permissions.can_view_financials(request.actor, project))
    return project


def _item(request: ActorRequest, project: Project, kind: str, item_id: int) -> Any:
    return selectors.item_get(actor=request.actor, project=project, kind=kind, item_id=item_id)


def _values(payload: Schema, nullable: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields the caller sent. ``null`` clears a field that may be empty and is ignored
    for any other (as leaving it out would be)."""
    return {
        key: value
        for key, value in payload.dict(exclude_unset=True).items()
        if value is not None or key in nullable
    }


def _resolve(request: ActorRequest, project: Project, values: dict[str, Any]) -> dict[str, Any]:
    """Ids in a body, resolved in the caller's scope: a milestone or deliverable the caller
    cannot see is a 404; an owner outside the organisation is refused by name."""
    if "milestone_id" in values:
        values["milestone"] = _item(request, project, "milestone", values.pop("milestone_id"))
    if "deliverable_ids" in values:
        wanted = set(values.pop("deliverable_ids") or [])
        found = set(
            selectors.item_list(project=project, kind="deliverable")
            .filter(pk__in=wanted)
            .values_list("pk", flat=True)
        )
        if found != wanted:
            raise Http404
        values["deliverables"] = sorted(found)
    if "owner_id" in values:
        owner_id = values.pop("owner_id")
        values["owner"] = None
        if owner_id is not None:
            values["owner"] = users_in_organisation(request.actor).filter(pk=owner_id).first()
            if values["owner"] is None:
                raise ValidationError({"owner": _("Choose a member of your organisation.")})
    return values


def _create(request: ActorRequest, project: Project, kind: str, payload: Schema) -> Model:
    values = _resolve(request, project, _values(payload))
    return baseline_services.item_create(actor=request.actor, project=project, kind=kind, **values)


def _update(
    request: ActorRequest, project: Project, kind: str, item_id: int, payload: Schema
) -> Model:
    item = _item(request, project, kind, item_id)
    spec_nullable = NULLABLE.get(kind, ())
    values = _resolve(request, project, _values(payload, spec_nullable))
    return baseline_services.item_update(actor=request.actor, item=item, **values)


def _delete(request: ActorRequest, project: Project, kind: str, item_id: int) -> Status[None]:
    item = _item(request, project, kind, item_id)
    baseline_services.item_delete(actor=request.actor, item=item)
    return Status(204, None)


NULLABLE: dict[str, tuple[str, ...]] = {
    "objective": ("target_value", "due_date", "owner_id", "current_value"),
    "milestone": ("forecast_date", "done_date"),
}


# --- objectives ---------------------------------------------------------------------------


class ObjectiveOut(Schema):
    id: int
    statement: str
    metric: str
    target_value: Value | None
    unit: str
    due_date: date | None
    relevance: str
    achievability: str
    owner_id: int | None
    current_value: Value | None
    smart: dict[str, bool] = Field(
        description="Each SMART letter (S, M, A, R, T) and whether the objective passes it."
    )
    smart_ok: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_smart(objective: Objective) -> dict[str, bool]:
        return {check.letter: check.passed for check in objective_checks(objective)}

    @staticmethod
    def resolve_smart_ok(objective: Objective) -> bool:
        return all(check.passed for check in objective_checks(objective))


class ObjectiveIn(Schema):
    statement: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)
    ]
    metric: Short = ""
    target_value: Decimal | None = None
    unit: Unit = ""
    due_date: date | None = None
    relevance: Text = ""
    achievability: Text = ""
    owner_id: Id | None = None
    current_value: Decimal | None = None


class ObjectivePatch(Schema):
    statement: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
        | None
    ) = None
    metric: Short | None = None
    target_value: Decimal | None = None
    unit: Unit | None = None
    due_date: date | None = None
    relevance: Text | None = None
    achievability: Text | None = None
    owner_id: Id | None = None
    current_value: Decimal | None = None


@router.get(
    "/projects/{project_id}/objectives",
    response=list[ObjectiveOut],
    operation_id="objectives_list",
)
@paginate(Pages)
def objectives_list(request: ActorRequest, project_id: int) -> QuerySet[Objective]:
    return selectors.item_list(project=_project(request, project_id), kind="objective")


@router.post(
    "/projects/{project_id}/objectives",
    response={201: ObjectiveOut},
    operation_id="objectives_create",
)
def objectives_create(
    request: ActorRequest, project_id: int, payload: ObjectiveIn
) -> Status[Model]:
    return Status(201, _create(request, _project(request, project_id), "objective", payload))


class ObjectiveDraft(Schema):
    statement: Annotated[str, StringConstraints(max_length=1000)] = ""
    metric: Short = ""
    target_value: Decimal | None = None
    due_date: date | None = None
    relevance: Text = ""
    achievability: Text = ""
    owner_id: Id | None = None


class SmartCheckOut(Schema):
    letter: Literal["S", "M", "A", "R", "T"]
    name: str = Field(description="The letter's rule, in the caller's language.")
    passed: bool
    explanation: str = Field(description="What the rule asks for, in the caller's language.")


@router.post(
    "/projects/{project_id}/objectives/smart-check",
    response=list[SmartCheckOut],
    operation_id="objectives_smart_check",
)
def objectives_smart_check(
    request: ActorRequest, project_id: int, payload: ObjectiveDraft
) -> list[dict[str, Any]]:
    """The SMART letters of an objective as drafted, without keeping it: what makes it vague
    before it goes into the baseline. Everyone who tracks the project may ask."""
    project = _project(request, project_id)
    require(permissions.can_track(request.actor, project))
    values = _resolve(request, project, payload.dict())
    checks = smart_checks(
        statement=values["statement"],
        metric=values["metric"],
        target_value=values["target_value"],
        achievability=values["achievability"],
        has_owner=values["owner"] is not None,
        relevance=values["relevance"],
        due_date=values["due_date"],
        project_start=project.start_date,
        project_end=project.end_date,
    )
    return [
        {
            "letter": check.letter,
            "name": str(check.name),
            "passed": check.passed,
            "explanation": str(check.explanation),
        }
        for check in checks
    ]


@router.get(
    "/projects/{project_id}/objectives/{objective_id}",
    response=ObjectiveOut,
    operation_id="objectives_get",
)
def objectives_get(request: ActorRequest, project_id: int, objective_id: int) -> Objective:
    return _item(request, _project(request, project_id), "objective", objective_id)


@router.patch(
    "/projects/{project_id}/objectives/{objective_id}",
    response=ObjectiveOut,
    operation_id="objectives_update",
)
def objectives_update(
    request: ActorRequest, project_id: int, objective_id: int, payload: ObjectivePatch
) -> Model:
    return _update(request, _project(request, project_id), "objective", objective_id, payload)


@router.delete(
    "/projects/{project_id}/objectives/{objective_id}",
    response={204: None},
    operation_id="objectives_delete",
)
def objectives_delete(request: ActorRequest, project_id: int, objective_id: int) -> Status[None]:
    return _delete(request, _project(request, project_id), "objective", objective_id)


# --- milestones ---------------------------------------------------------------------------


class MilestoneOut(Schema):
    id: int
    name: str
    baseline_date: date
    forecast_date: date | None
    done_date: date | None
    expected_date: date = Field(description="The done date, else the forecast, else the baseline.")
    client_visible: bool
    weight: Weight
    created_at: datetime
    updated_at: datetime


class MilestoneIn(Schema):
    name: Line
    baseline_date: date
    forecast_date: date | None = None
    done_date: date | None = None
    client_visible: bool = True
    weight: Decimal = Decimal("1")


class MilestonePatch(Schema):
    name: Line | None = None
    baseline_date: date | None = None
    forecast_date: date | None = None
    done_date: date | None = None
    client_visible: bool | None = None
    weight: Decimal | None = None


@router.get(
    "/projects/{project_id}/milestones",
    response=list[MilestoneOut],
    operation_id="milestones_list",
)
@paginate(Pages)
def milestones_list(request: ActorRequest, project_id: int) -> QuerySet[Milestone]:
    return selectors.item_list(project=_project(request, project_id), kind="milestone")


@router.post(
    "/projects/{project_id}/milestones",
    response={201: MilestoneOut},
    operation_id="milestones_create",
)
def milestones_create(
    request: ActorRequest, project_id: int, payload: MilestoneIn
) -> Status[Model]:
    return Status(201, _create(request, _project(request, project_id), "milestone", payload))


@router.get(
    "/projects/{project_id}/milestones/{milestone_id}",
    response=MilestoneOut,
    operation_id="milestones_get",
)
def milestones_get(request: ActorRequest, project_id: int, milestone_id: int) -> Milestone:
    return _item(request, _project(request, project_id), "milestone", milestone_id)


@router.patch(
    "/projects/{project_id}/milestones/{milestone_id}",
    response=MilestoneOut,
    operation_id="milestones_update",
)
def milestones_update(
    request: ActorRequest, project_id: int, milestone_id: int, payload: MilestonePatch
) -> Model:
    return _update(request, _project(request, project_id), "milestone", milestone_id, payload)


@router.delete(
    "/projects/{project_id}/milestones/{milestone_id}",
    response={204: None},
    operation_id="milestones_delete",
)
def milestones_delete(request: ActorRequest, project_id: int, milestone_id: int) -> Status[None]:
    return _delete(request, _project(request, project_id), "milestone", milestone_id)


# --- deliverables -------------------------------------------------------------------------


class DeliverableOut(Schema):
    id: int
    milestone_id: int
    name: str
    acceptance_criteria: str
    status: str
    submitted_at: datetime | None
    created_at: datetime
    updated_at: datetime


class DeliverableIn(Schema):
    milestone_id: Id
    name: Line
    acceptance_criteria: LongText


class DeliverablePatch(Schema):
    milestone_id: Id | None = None
    name: Line | None = None
    acceptance_criteria: LongText | None = None


@router.get(
    "/projects/{project_id}/deliverables",
    response=list[DeliverableOut],
    operation_id="deliverables_list",
)
@paginate(Pages)
def deliverables_list(request: ActorRequest, project_id: int) -> QuerySet[Deliverable]:
    return selectors.item_list(project=_project(request, project_id), kind="deliverable")


@router.post(
    "/projects/{project_id}/deliverables",
    response={201: DeliverableOut},
    operation_id="deliverables_create",
)
def deliverables_create(
    request: ActorRequest, project_id: int, payload: DeliverableIn
) -> Status[Model]:
    return Status(201, _create(request, _project(request, project_id), "deliverable", payload))


@router.get(
    "/projects/{project_id}/deliverables/{deliverable_id}",
    response=DeliverableOut,
    operation_id="deliverables_get",
)
def deliverables_get(request: ActorRequest, project_id: int, deliverable_id: int) -> Deliverable:
    return _item(request, _project(request, project_id), "deliverable", deliverable_id)


@router.patch(
    "/projects/{project_id}/deliverables/{deliverable_id}",
    response=DeliverableOut,
    operation_id="deliverables_update",
)
def deliverables_update(
    request: ActorRequest, project_id: int, deliverable_id: int, payload: DeliverablePatch
) -> Model:
    return _update(request, _project(request, project_id), "deliverable", deliverable_id, payload)


@router.delete(
    "/projects/{project_id}/deliverables/{deliverable_id}",
    response={204: None},
    operation_id="deliverables_delete",
)
def deliverables_delete(
    request: ActorRequest, project_id: int, deliverable_id: int
) -> Status[None]:
    return _delete(request, _project(request, project_id), "deliverable", deliverable_id)


@router.post(
    "/projects/{project_id}/deliverables/{deliverable_id}/submit",
    response=DeliverableOut,
    operation_id="deliverables_submit",
)
def deliverables_submit(
    request: ActorRequest, project_id: int, deliverable_id: int, payload: NoBody | None = None
) -> Deliverable:
    """Put the deliverable to the client's approvers for acceptance."""
    deliverable = _item(request, _project(request, project_id), "deliverable", deliverable_id)
    return baseline_services.deliverable_submit(actor=request.actor, deliverable=deliverable)


# --- budget lines (financial viewers only) ------------------------------------------------


class BudgetLineOut(Schema):
    id: int
    category: str
    description: str
    amount: Money
    currency: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_currency(line: BudgetLine) -> str:
        return line.project.currency


class BudgetLineIn(Schema):
    category: Category
    description: Short = ""
    amount: Decimal
    currency: Currency | None = Field(
        None, description="If given, it must be the project's currency."
    )


class BudgetLinePatch(Schema):
    category: Category | None = None
    description: Short | None = None
    amount: Decimal | None = None
    currency: Currency | None = Field(
        None, description="If given, it must be the project's currency."
    )


@router.get(
    "/projects/{project_id}/budget-lines",
    response=list[BudgetLineOut],
    operation_id="budget_lines_list",
)
@paginate(Pages)
def budget_lines_list(request: ActorRequest, project_id: int) -> QuerySet[BudgetLine]:
    project = _financial_project(request, project_id)
    return selectors.item_list(project=project, kind="budget_line").select_related("project")


@router.post(
    "/projects/{project_id}/budget-lines",
    response={201: BudgetLineOut},
    operation_id="budget_lines_create",
)
def budget_lines_create(
    request: ActorRequest, project_id: int, payload: BudgetLineIn
) -> Status[Model]:
    project = _financial_project(request, project_id)
    return Status(201, _create(request, project, "budget_line", payload))


@router.get(
    "/projects/{project_id}/budget-lines/{line_id}",
    response=BudgetLineOut,
    operation_id="budget_lines_get",
)
def budget_lines_get(request: ActorRequest, project_id: int, line_id: int) -> BudgetLine:
    return _item(request, _financial_project(request, project_id), "budget_line", line_id)


@router.patch(
    "/projects/{project_id}/budget-lines/{line_id}",
    response=BudgetLineOut,
    operation_id="budget_lines_update",
)
def budget_lines_update(
    request: ActorRequest, project_id: int, line_id: int, payload: BudgetLinePatch
) -> Model:
    project = _financial_project(request, project_id)
    return _update(request, project, "budget_line", line_id, payload)


@router.delete(
    "/projects/{project_id}/budget-lines/{line_id}",
    response={204: None},
    operation_id="budget_lines_delete",
)
def budget_lines_delete(request: ActorRequest, project_id: int, line_id: int) -> Status[None]:
    return _delete(request, _financial_project(request, project_id), "budget_line", line_id)


# --- quality standards --------------------------------------------------------------------


class QualityStandardOut(Schema):
    id: int
    title: str
    criteria: str
    deliverable_ids: list[int]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_deliverable_ids(standard: QualityStandard) -> list[int]:
        return sorted(deliverable.pk for deliverable in standard.deliverables.all())


class QualityStandardIn(Schema):
    title: Line
    criteria: LongText
    deliverable_ids: Ids = []


class QualityStandardPatch(Schema):
    title: Line | None = None
    criteria: LongText | None = None
    deliverable_ids: Ids | None = None


@router.get(
    "/projects/{project_id}/quality-standards",
    response=list[QualityStandardOut],
    operation_id="quality_standards_list",
)
@paginate(Pages)
def quality_standards_list(request: ActorRequest, project_id: int) -> QuerySet[QualityStandard]:
    return selectors.item_list(project=_project(request, project_id), kind="quality_standard")


@router.post(
    "/projects/{project_id}/quality-standards",
    response={201: QualityStandardOut},
    operation_id="quality_standards_create",
)
def quality_standards_create(
    request: ActorRequest, project_id: int, payload: QualityStandardIn
) -> Status[Model]:
    project = _project(request, project_id)
    return Status(201, _create(request, project, "quality_standard", payload))


@router.get(
    "/projects/{project_id}/quality-standards/{standard_id}",
    response=QualityStandardOut,
    operation_id="quality_standards_get",
)
def quality_standards_get(
    request: ActorRequest, project_id: int, standard_id: int
) -> QualityStandard:
    return _item(request, _project(request, project_id), "quality_standard", standard_id)


@router.patch(
    "/projects/{project_id}/quality-standards/{standard_id}",
    response=QualityStandardOut,
    operation_id="quality_standards_update",
)
def quality_standards_update(
    request: ActorRequest, project_id: int, standard_id: int, payload: QualityStandardPatch
) -> Model:
    project = _project(request, project_id)
    return _update(request, project, "quality_standard", standard_id, payload)


@router.delete(
    "/projects/{project_id}/quality-standards/{standard_id}",
    response={204: None},
    operation_id="quality_standards_delete",
)
def quality_standards_delete(
    request: ActorRequest, project_id: int, standard_id: int
) -> Status[None]:
    return _delete(request, _project(request, project_id), "quality_standard", standard_id)


# --- actuals (financial viewers only) -----------------------------------------------------


class CostEntryOut(Schema):
    id: int
    category: str
    date: date
    description: str
    amount: Money
    created_at: datetime


class CostEntryIn(Schema):
    category: Category
    date: date
    amount: Decimal
    description: Short = ""
    currency: Currency | None = Field(
        None, description="If given, it must be the project's currency."
    )


class TimeEntryOut(Schema):
    id: int
    person_id: int
    person_name: str
    date: date
    hours: Hours
    rate: Money
    cost: Money = Field(description="Hours × rate, rounded to the cent.")
    description: str
    created_at: datetime

    @staticmethod
    def resolve_person_name(entry: TimeEntry) -> str:
        return entry.person.full_name


class TimeEntryIn(Schema):
    person_id: Id
    date: date
    hours: Decimal
    rate: Decimal
    description: Short = ""
    currency: Currency | None = Field(
        None, description="If given, it must be the project's currency (the rate's)."
    )


@router.get(
    "/projects/{project_id}/cost-entries",
    response=list[CostEntryOut],
    operation_id="cost_entries_list",
)
@paginate(Pages)
def cost_entries_list(request: ActorRequest, project_id: int) -> QuerySet[CostEntry]:
    project = _financial_project(request, project_id)
    return selectors.item_list(project=project, kind="cost_entry")


@router.post(
    "/projects/{project_id}/cost-entries",
    response={201: CostEntryOut},
    operation_id="cost_entries_create",
)
def cost_entries_create(
    request: ActorRequest, project_id: int, payload: CostEntryIn
) -> Status[CostEntry]:
    project = _financial_project(request, project_id)
    entry = baseline_services.cost_entry_create(
        actor=request.actor, project=project, **_values(payload)
    )
    return Status(201, entry)


@router.delete(
    "/projects/{project_id}/cost-entries/{entry_id}",
    response={204: None},
    operation_id="cost_entries_delete",
)
def cost_entries_delete(request: ActorRequest, project_id: int, entry_id: int) -> Status[None]:
    entry = _item(request, _financial_project(request, project_id), "cost_entry", entry_id)
    baseline_services.actual_delete(actor=request.actor, entry=entry)
    return Status(204, None)


@router.get(
    "/projects/{project_id}/time-entries",
    response=list[TimeEntryOut],
    operation_id="time_entries_list",
)
@paginate(Pages)
def time_entries_list(request: ActorRequest, project_id: int) -> QuerySet[TimeEntry]:
    project = _financial_project(request, project_id)
    return selectors.item_list(project=project, kind="time_entry")


@router.post(
    "/projects/{project_id}/time-entries",
    response={201: TimeEntryOut},
    operation_id="time_entries_create",
)
def time_entries_create(
    request: ActorRequest, project_id: int, payload: TimeEntryIn
) -> Status[TimeEntry]:
    project = _financial_project(request, project_id)
    entry = baseline_services.time_entry_create(
        actor=request.actor, project=project, **_values(payload)
    )
    return Status(201, entry)


@router.delete(
    "/projects/{project_id}/time-entries/{entry_id}",
    response={204: None},
    operation_id="time_entries_delete",
)
def time_entries_delete(request: ActorRequest, project_id: int, entry_id: int) -> Status[None]:
    entry = _item(request, _financial_project(request, project_id), "time_entry", entry_id)
    baseline_services.actual_delete(actor=request.actor, entry=entry)
    return Status(204, None)


# --- baseline versions --------------------------------------------------------------------


def _for_reader(actor: Actor, project: Project, snapshot: dict[str, Any]) -> dict[str, Any]:
    """A snapshot as the reader may see it: the budget left out (``null``) unless they may
    see the project's financials."""
    if permissions.can_view_financials(actor, project):
        return snapshot
    return {**snapshot, "budget": None, "budget_total": None}


class VersionOut(Schema):
    id: int
    number: int
    status: str
    reason: str
    change_request_ref: str
    submitted_by_id: int | None
    submitted_at: datetime
    decided_by_id: int | None = Field(description="The client contact who signed or sent back.")
    decided_at: datetime | None
    decision_comment: str
    decision_ip: str | None
    client_snapshot_sha256: str = Field(
        description="SHA-256 of the canonical JSON of exactly what the client was shown."
    )


class VersionDetailOut(VersionOut):
    snapshot: dict[str, Any] = Field(
        description="What the version agrees on (budget null for readers without financials)."
    )
    client_snapshot: dict[str, Any] = Field(description="What the client was shown of it.")


def _detail(actor: Actor, version: BaselineVersion) -> dict[str, Any]:
    project = version.project
    return {
        **VersionOut.from_orm(version).dict(),
        "snapshot": _for_reader(actor, project, version.snapshot),
        "client_snapshot": _for_reader(actor, project, version.client_snapshot),
    }


class ReasonIn(Schema):
    reason: Reason | None = ""


class BaselineStateOut(Schema):
    project_id: int
    locked: bool = Field(description="Whether the agreed fields are closed to edits.")
    rebaseline_reason: str
    latest_version: VersionOut | None


@router.get(
    "/projects/{project_id}/baseline-versions",
    response=list[VersionOut],
    operation_id="baseline_versions_list",
)
@paginate(Pages)
def baseline_versions_list(request: ActorRequest, project_id: int) -> QuerySet[BaselineVersion]:
    project = _project(request, project_id)
    return selectors.versions_of(project=project).defer("snapshot", "client_snapshot")


@router.post(
    "/projects/{project_id}/baseline-versions",
    response={201: VersionDetailOut},
    operation_id="baseline_versions_submit",
)
def baseline_versions_submit(
    request: ActorRequest, project_id: int, payload: ReasonIn
) -> Status[dict[str, Any]]:
    """Freeze the working baseline as a new version and ask the client's approvers to sign
    it. After a signed version, a reason is required (or the one given when re-baselining)."""
    actor = request.actor
    project = _project(request, project_id)
    version = baseline_services.baseline_submit(
        actor=actor, project=project, reason=payload.reason or ""
    )
    return Status(201, _detail(actor, version))


class CompareQuery(Schema):
    a: int = Field(description="The id of the earlier version.")
    b: int = Field(description="The id of the later version.")


class VersionRef(Schema):
    id: int
    number: int
    status: str


class CompareRow(Schema):
    status: Literal["added", "removed", "changed"]
    id: int
    label: str
    changes: dict[str, list[Any]] = Field(description="Changed fields: [old value, new value].")
    old: dict[str, Any] | None
    new: dict[str, Any] | None


class CompareSections(Schema):
    objectives: list[CompareRow]
    milestones: list[CompareRow]
    budget: list[CompareRow] | None = Field(description="null for readers without financials.")
    quality_standards: list[CompareRow]


class CompareOut(Schema):
    a: VersionRef
    b: VersionRef
    changed: bool
    schedule: dict[str, list[str]] = Field(description="Changed dates: [old, new].")
    budget_total: list[Money] | None = Field(description="[old, new] when it changed.")
    sections: CompareSections


@router.get(
    "/projects/{project_id}/baseline-versions/compare",
    response=CompareOut,
    operation_id="baseline_versions_compare",
)
def baseline_versions_compare(
    request: ActorRequest, project_id: int, versions: Query[CompareQuery]
) -> dict[str, Any]:
    """What changed from version ``a`` to version ``b``: per section, the rows added, removed
    or changed (with each changed field's old and new value); the schedule and the budget
    total when they differ. Rows that did not change are left out."""
    actor = request.actor
    project = _project(request, project_id)
    a = selectors.version_get(actor=actor, project=project, version_id=versions.a)
    b = selectors.version_get(actor=actor, project=project, version_id=versions.b)
    financial = permissions.can_view_financials(actor, project)

    def readable(snapshot: dict[str, Any]) -> dict[str, Any]:
        return snapshot if financial else {**snapshot, "budget": [], "budget_total": None}

    result = baseline.compare(readable(a.snapshot), readable(b.snapshot))
    sections: dict[str, Any] = {
        section: [
            {
                "status": row.status,
                "id": (row.new or row.old or {})["id"],
                "label": row.label,
                "changes": {name: list(pair) for name, pair in row.changes.items()},
                "old": row.old,
                "new": row.new,
            }
            for row in rows
            if row.status != "same"
        ]
        for section, rows in result["sections"].items()
    }
    if not financial:
        sections["budget"] = None
    return {
        "a": a,
        "b": b,
        "changed": result["changed"],
        "schedule": {key: list(pair) for key, pair in result["schedule"].items()},
        "budget_total": list(result["budget_total"]) if result["budget_total"] else None,
        "sections": sections,
    }


@router.get(
    "/projects/{project_id}/baseline-versions/{version_id}",
    response=VersionDetailOut,
    operation_id="baseline_versions_get",
)
def baseline_versions_get(
    request: ActorRequest, project_id: int, version_id: int
) -> dict[str, Any]:
    actor = request.actor
    project = _project(request, project_id)
    version = selectors.version_get(actor=actor, project=project, version_id=version_id)
    return _detail(actor, version)


@router.post(
    "/projects/{project_id}/baseline-versions/{version_id}/withdraw",
    response=VersionOut,
    operation_id="baseline_versions_withdraw",
)
def baseline_versions_withdraw(
    request: ActorRequest, project_id: int, version_id: int, payload: NoBody | None = None
) -> BaselineVersion:
    """Take back a version that still awaits sign-off; the baseline opens for editing."""
    actor = request.actor
    project = _project(request, project_id)
    version = selectors.version_get(actor=actor, project=project, version_id=version_id)
    return baseline_services.baseline_withdraw(actor=actor, version=version)


@router.post(
    "/projects/{project_id}/rebaseline",
    response=BaselineStateOut,
    operation_id="baseline_rebaseline",
)
def baseline_rebaseline(
    request: ActorRequest, project_id: int, payload: ReasonIn
) -> dict[str, Any]:
    """Open the signed baseline for editing, with a reason that the next version carries."""
    actor = request.actor
    project = baseline_services.project_rebaseline(
        actor=actor, project=_project(request, project_id), reason=payload.reason or ""
    )
    return {
        "project_id": project.pk,
        "locked": baseline.is_locked(project),
        "rebaseline_reason": project.rebaseline_reason,
        "latest_version": baseline.latest_version(project),
    }


# --- progress -----------------------------------------------------------------------------


class MilestoneProgressOut(Schema):
    milestone_id: int
    name: str
    client_visible: bool
    baseline_date: date
    expected_date: date
    done: bool
    late: bool
    slip_days: int = Field(description="Expected date minus baseline date, in days.")


class BudgetRowOut(Schema):
    category: str
    label: str
    budget: Money
    actual: Money
    burn_percent: int | None


class ProgressOut(Schema):
    as_of: date
    milestones: list[MilestoneProgressOut]
    milestones_done: int
    milestones_total: int
    completion_percent: int
    baseline_end: date
    forecast_end: date
    end_slip_days: int
    currency: str
    budget: list[BudgetRowOut] | None = Field(
        description="Budget against actuals by category; null without financials (as are "
        "all the money fields below)."
    )
    bac: Money | None = Field(description="Budget at completion: the total budget.")
    ac: Money | None = Field(description="Actual cost to date.")
    pv: Money | None = Field(description="Planned value: the budget share of milestones due.")
    ev: Money | None = Field(description="Earned value: the budget share of milestones done.")
    spi: Ratio | None = Field(description="EV / PV; null while PV is zero.")
    cpi: Ratio | None = Field(description="EV / AC; null while either is zero.")
    eac: Money | None = Field(description="Estimate at completion: BAC / CPI.")
    burn_percent: int | None = Field(description="AC / BAC, in percent.")


@router.get(
    "/projects/{project_id}/progress", response=ProgressOut, operation_id="baseline_progress"
)
def baseline_progress(request: ActorRequest, project_id: int) -> dict[str, Any]:
    """Computed, not typed; the basis is documented with ``rapport.projects.progress``:
    milestone completion, schedule slip, budget burn and milestone-weighted earned value."""
    project = _project(request, project_id)
    result = progress.compute(project)
    data: dict[str, Any] = {
        "as_of": result.as_of,
        "milestones": [
            {
                "milestone_id": row.milestone.pk,
                "name": row.milestone.name,
                "client_visible": row.milestone.client_visible,
                "baseline_date": row.milestone.baseline_date,
                "expected_date": row.milestone.expected_date,
                "done": row.done,
                "late": row.late,
                "slip_days": row.slip_days,
            }
            for row in result.milestones
        ],
        "milestones_done": result.milestones_done,
        "milestones_total": result.milestones_total,
        "completion_percent": result.completion_percent,
        "baseline_end": result.baseline_end,
        "forecast_end": result.forecast_end,
        "end_slip_days": result.end_slip_days,
        "currency": project.currency,
        **dict.fromkeys(("budget", "bac", "ac", "pv", "ev", "spi", "cpi", "eac", "burn_percent")),
    }
    if permissions.can_view_financials(request.actor, project):
        data.update(
            budget=[
                {
                    "category": row.category,
                    "label": row.label,
                    "budget": row.budget,
                    "actual": row.actual,
                    "burn_percent": row.burn_percent,
                }
                for row in result.budget_rows
            ],
            bac=result.bac,
            ac=result.ac,
            pv=result.pv,
            ev=result.ev,
            spi=result.spi,
            cpi=result.cpi,
            eac=result.eac,
            burn_percent=result.burn_percent,
        )
    return data
