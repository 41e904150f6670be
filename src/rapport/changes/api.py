"""Change requests through the API: list with filters, raise, evaluate, send for approval,
internal approval, implement, withdraw. (The client's own decision is taken in the portal, or
through the client portal API: rapport.portal.api.)"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from rapport.changes import selectors, services
from rapport.changes.models import ChangeRequest, Decision, Priority, Recommendation, State
from rapport.core.api_pagination import Pages
from rapport.core.forms import MAX_ID
from rapport.projects.models import BudgetCategory
from rapport.projects.permissions import can_view_financials
from rapport.projects.selectors import project_get
from rapport.tenancy.actors import ActorRequest

router = Router(tags=["change requests"])

Text = Annotated[str, StringConstraints(max_length=5000)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# Ids no database can hold are a 422, not an overflow in an ``IN`` lookup.
Ids = Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]], Field(max_length=200)]


class CostOut(Schema):
    category: str
    amount: Decimal


class ChangeRequestOut(Schema):
    id: int
    number: int
    reference: str
    title: str
    description: str
    reason: str
    priority: str
    state: str
    requested_by_user_id: int | None
    requested_by_contact_id: int | None
    scope_added: str
    scope_removed: str
    schedule_days: int
    quality_impact: str
    risk_impact: str
    recommendation: str
    recommendation_note: str
    evaluation_notes: str
    costs: list[CostOut] | None
    new_end_date: date
    baseline_version_id: int | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_costs(obj: ChangeRequest, context: dict[str, Any]) -> list[CostOut] | None:
        """Costs only for those who see the project's money (asked once per request)."""
        request = context["request"]
        memo = request.__dict__.setdefault("_financials", {})
        if obj.project_id not in memo:
            memo[obj.project_id] = can_view_financials(request.actor, obj.project)
        if not memo[obj.project_id]:
            return None
        return [CostOut(category=c.category, amount=c.amount) for c in obj.cost_impacts.all()]

    @staticmethod
    def resolve_new_end_date(obj: ChangeRequest) -> date:
        return obj.project.end_date + timedelta(days=obj.schedule_days)


class ChangeRequestIn(Schema):
    title: Title
    description: Annotated[str, StringConstraints(min_length=1, max_length=5000)]
    reason: Text = ""
    priority: Priority = Priority.MEDIUM
    submit: bool = False
    objectives: Ids = []
    milestones: Ids = []
    deliverables: Ids = []
    budget_lines: Ids = []


class EvaluationIn(Schema):
    scope_added: Text | None = None
    scope_removed: Text | None = None
    schedule_days: Annotated[int, Field(ge=0, le=3650)] | None = None
    milestones: Ids | None = None
    quality_impact: Text | None = None
    risk_impact: Text | None = None
    recommendation: Recommendation | None = None
    recommendation_note: Text | None = None
    evaluation_notes: Text | None = None
    costs: dict[BudgetCategory, Decimal] | None = None


class ChangeRequestStepIn(Schema):
    comment: Text = ""


class InternalDecisionIn(Schema):
    approve: bool
    comment: Text = ""


def _get(request: ActorRequest, project_id: int, number: int) -> ChangeRequest:
    project = project_get(actor=request.actor, project_id=project_id)
    return selectors.change_request_get(actor=request.actor, project=project, number=number)


@router.get(
    "/projects/{project_id}/change-requests",
    response=list[ChangeRequestOut],
    operation_id="change_requests_list",
)
@paginate(Pages)
def change_requests_list(
    request: ActorRequest,
    project_id: int,
    state: State | None = None,
    priority: Priority | None = None,
) -> QuerySet[ChangeRequest]:
    project = project_get(actor=request.actor, project_id=project_id)
    requests = selectors.change_request_list(
        actor=request.actor, project=project, state=state.value if state else ""
    )
    if priority:
        requests = requests.filter(priority=priority.value)
    return requests.select_related("project")


@router.post(
    "/projects/{project_id}/change-requests",
    response={201: ChangeRequestOut},
    operation_id="change_requests_create",
)
def change_requests_create(
    request: ActorRequest, project_id: int, payload: ChangeRequestIn
) -> Status[ChangeRequest]:
    project = project_get(actor=request.actor, project_id=project_id)
    values = payload.dict()
    change_request = services.change_request_create(
        actor=request.actor, project=project, priority=values.pop("priority").value, **values
    )
    return Status(201, change_request)


@router.get(
    "/projects/{project_id}/change-requests/{number}",
    response=ChangeRequestOut,
    operation_id="change_requests_get",
)
def change_requests_get(request: ActorRequest, project_id: int, number: int) -> ChangeRequest:
    return _get(request, project_id, number)


@router.post(
    "/projects/{project_id}/change-requests/{number}/evaluate",
    response=ChangeRequestOut,
    operation_id="change_requests_evaluate",
)
def change_requests_evaluate(
    request: ActorRequest, project_id: int, number: int, payload: EvaluationIn
) -> ChangeRequest:
    change_request = _get(request, project_id, number)
    values = payload.dict(exclude_none=True)
    if "recommendation" in values:
        values["recommendation"] = values["recommendation"].value
    if "costs" in values:
        values["costs"] = {category.value: amount for category, amount in values["costs"].items()}
    change_request = services.change_request_evaluate(
        actor=request.actor, change_request=change_request, **values
    )
    return change_request


@router.post(
    "/projects/{project_id}/change-requests/{number}/internal-decision",
    response=ChangeRequestOut,
    operation_id="change_requests_internal_decision",
)
def change_requests_internal_decision(
    request: ActorRequest, project_id: int, number: int, payload: InternalDecisionIn
) -> ChangeRequest:
    change_request = _get(request, project_id, number)
    services.change_request_internal_decide(
        actor=request.actor,
        change_request=change_request,
        approve=payload.approve,
        comment=payload.comment,
    )
    return _get(request, project_id, number)


class DecisionOut(Schema):
    id: int
    kind: str
    user_id: int | None
    contact_id: int | None
    comment: str
    snapshot: dict[str, Any] = Field(
        description="What the decider was shown (the money only for those who see it)."
    )
    decided_at: datetime

    @staticmethod
    def resolve_snapshot(obj: Decision, context: dict[str, Any]) -> dict[str, Any]:
        request = context["request"]
        memo = request.__dict__.setdefault("_financials", {})
        project = obj.change_request.project
        if project.pk not in memo:
            memo[project.pk] = can_view_financials(request.actor, project)
        if memo[project.pk]:
            return dict(obj.snapshot)
        return {key: value for key, value in obj.snapshot.items() if key not in MONEY}


MONEY = ("costs", "current_budget", "new_budget")


# Before ``{step}``: both paths have the same shape.
@router.get(
    "/projects/{project_id}/change-requests/{number}/decisions",
    response=list[DecisionOut],
    operation_id="change_requests_decisions_list",
)
@paginate(Pages)
def change_requests_decisions_list(
    request: ActorRequest, project_id: int, number: int
) -> QuerySet[Decision]:
    """The internal approvals and the client's decisions, oldest first."""
    change_request = _get(request, project_id, number)
    return selectors.decision_list(actor=request.actor, change_request=change_request)


Step = Literal["submit", "send", "implement", "withdraw"]


@router.post(
    "/projects/{project_id}/change-requests/{number}/{step}",
    response=ChangeRequestOut,
    operation_id="change_requests_step",
)
def change_requests_step(
    request: ActorRequest, project_id: int, number: int, step: Step, payload: ChangeRequestStepIn
) -> ChangeRequest:
    """``submit`` a draft, ``send`` it for approval, ``implement`` an approved one (new
    baseline version), or ``withdraw`` an open one."""
    change_request = _get(request, project_id, number)
    actor = request.actor
    if step == "submit":
        services.change_request_submit(actor=actor, change_request=change_request)
    elif step == "send":
        services.change_request_send_for_approval(actor=actor, change_request=change_request)
    elif step == "implement":
        services.change_request_implement(actor=actor, change_request=change_request)
    else:
        services.change_request_withdraw(
            actor=actor, change_request=change_request, comment=payload.comment
        )
    return _get(request, project_id, number)
