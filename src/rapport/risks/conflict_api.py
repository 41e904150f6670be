"""The conflict register through the member API: for the organisation's managers (contacts
and team members have no access). Parties, projects and evidence named in a body are checked
by ``risks.conflicts`` (a party from elsewhere is a 422 on its field, never a write)."""

from datetime import date, datetime
from typing import Annotated, Literal

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from rapport.audit.labels import action_label
from rapport.clients.selectors import client_get
from rapport.core.api_conventions import named_by_body
from rapport.core.api_pagination import Pages
from rapport.core.services import require
from rapport.risks import conflicts, permissions, selectors
from rapport.risks.api import (
    BODY_FIELDS,
    EvidenceIn,
    EvidenceOut,
    Id,
    Text,
    Title,
    body_values,
    evidence_ids,
)
from rapport.risks.models import Conflict, ConflictStep, Evidence
from rapport.tenancy.actors import ActorRequest
from rapport.tenancy.models import User

router = Router(tags=["conflicts"])

Ids = Annotated[list[Id], Field(max_length=200)]


class PartyOut(Schema):
    id: int
    full_name: str


class ConflictOut(Schema):
    id: int
    reference: str
    client_id: int
    client_name: str
    project_id: int | None
    title: str
    description: str
    impact: str
    root_causes: list[str]
    strategy: str
    escalation_level: str
    status: str
    resolution: str
    resolved_on: date | None
    client_agreed: bool | None
    team_parties: list[PartyOut]
    contact_parties: list[PartyOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_client_name(obj: Conflict) -> str:
        return obj.client.name

    @staticmethod
    def resolve_team_parties(obj: Conflict) -> list[PartyOut]:
        return [PartyOut(id=u.pk, full_name=u.full_name) for u in obj.team_parties.all()]

    @staticmethod
    def resolve_contact_parties(obj: Conflict) -> list[PartyOut]:
        return [PartyOut(id=c.pk, full_name=c.full_name) for c in obj.contact_parties.all()]


class StepOut(Schema):
    id: int
    occurred_on: date
    taken_by_id: int | None
    taken_by_name: str | None
    description: str

    @staticmethod
    def resolve_taken_by_name(obj: ConflictStep) -> str | None:
        return obj.taken_by.full_name if obj.taken_by else None


class TrailOut(Schema):
    at: datetime
    actor: str
    by_client: bool
    action: str
    action_label: str
    record: str


class ConflictDetailOut(ConflictOut):
    steps: list[StepOut]
    evidence: list[EvidenceOut]
    evidence_trail: list[TrailOut] = Field(
        description="What the client was shown, approved and acknowledged on the linked "
        "records, oldest first."
    )

    @staticmethod
    def resolve_steps(obj: Conflict) -> list[ConflictStep]:
        return obj.step_list  # type: ignore[attr-defined]

    @staticmethod
    def resolve_evidence(obj: Conflict) -> list[Evidence]:
        return obj.evidence_links  # type: ignore[attr-defined]

    @staticmethod
    def resolve_evidence_trail(obj: Conflict) -> list[TrailOut]:
        return obj.trail  # type: ignore[attr-defined]


class ConflictIn(Schema):
    title: Title
    root_causes: list[Conflict.RootCause] = Field(max_length=6)
    project_id: Id | None = None
    description: Text = ""
    impact: Text = ""
    strategy: Conflict.Strategy | Literal[""] = ""
    escalation_level: Conflict.Escalation = Conflict.Escalation.TEAM
    team_party_ids: Ids = []
    contact_party_ids: Ids = Field([], description="Contacts of the conflict's client only.")


class ConflictPatch(Schema):
    title: Title | None = None
    root_causes: list[Conflict.RootCause] | None = Field(None, max_length=6)
    project_id: Id | None = None
    description: Text | None = None
    impact: Text | None = None
    strategy: Conflict.Strategy | Literal[""] | None = None
    escalation_level: Conflict.Escalation | None = None
    team_party_ids: Ids | None = None
    contact_party_ids: Ids | None = None


class ConflictStepIn(Schema):
    description: Text
    occurred_on: date | None = Field(None, description="Default: today.")
    taken_by_id: Id | None = Field(None, description="Default: the caller.")


class ConflictCloseIn(Schema):
    resolution: Text = Field(description="Required: a conflict is closed with its resolution.")
    resolved_on: date | None = Field(None, description="Default: today.")
    client_agreed: bool | None = None


def _with_parties(conflicts_: QuerySet[Conflict]) -> QuerySet[Conflict]:
    return conflicts_.select_related("client").prefetch_related(
        Prefetch("team_parties", queryset=User.objects.order_by("full_name", "id")),
        "contact_parties",
    )


def _detail(request: ActorRequest, conflict_id: int) -> Conflict:
    """One conflict with its parties, steps, evidence and evidence trail (a fixed number of
    queries)."""
    conflict = (
        _with_parties(selectors.conflicts_visible_to(request.actor)).filter(pk=conflict_id).first()
    )
    if conflict is None:
        raise Http404
    links = selectors.evidence_of(conflict=conflict)
    conflict.step_list = list(conflict.steps.select_related("taken_by"))  # type: ignore[attr-defined]
    conflict.evidence_links = links  # type: ignore[attr-defined]
    conflict.trail = [  # type: ignore[attr-defined]
        TrailOut(
            at=entry.event.created_at,
            actor=entry.event.actor_label,
            by_client=entry.by_client,
            action=entry.event.action,
            action_label=action_label(entry.event.action),
            record=entry.event.object_repr,
        )
        for entry in selectors.evidence_trail(links)
    ]
    return conflict


def _handled(request: ActorRequest, conflict_id: int) -> Conflict:
    conflict = selectors.conflict_get(actor=request.actor, conflict_id=conflict_id)
    require(permissions.can_handle_conflict(request.actor, conflict))
    return conflict


@router.get("/conflicts", response=list[ConflictOut], operation_id="conflicts_list")
@paginate(Pages)
def conflicts_list(
    request: ActorRequest,
    client_id: Id | None = None,
    status: Literal["open", "closed"] | None = None,
) -> QuerySet[Conflict]:
    """The conflicts the caller keeps (owners and admins: all of the organisation; a PM: those
    of the clients whose projects they manage), newest first."""
    if client_id is not None:
        client_get(actor=request.actor, client_id=client_id)
    require(permissions.can_keep_conflicts(request.actor))
    return _with_parties(
        selectors.conflict_list(actor=request.actor, client_id=client_id, status=status or "")
    )


class RootCauseOut(Schema):
    root_cause: str
    label: str
    conflicts: int


@router.get(
    "/conflicts/root-causes",
    response=list[RootCauseOut],
    operation_id="conflicts_root_causes",
)
def conflicts_root_causes(request: ActorRequest) -> list[RootCauseOut]:
    """How many conflicts name each root cause (a conflict counts once under each of its
    causes), most first: where conflicts come from."""
    require(permissions.can_keep_conflicts(request.actor))
    return [
        RootCauseOut(root_cause=code, label=label, conflicts=count)
        for code, label, count in selectors.root_cause_breakdown(actor=request.actor)
    ]


@router.post(
    "/clients/{client_id}/conflicts",
    response={201: ConflictDetailOut},
    operation_id="conflicts_create",
)
def conflicts_create(
    request: ActorRequest, client_id: int, payload: ConflictIn
) -> Status[Conflict]:
    client = client_get(actor=request.actor, client_id=client_id)
    require(permissions.can_record_conflict(request.actor, client))
    with named_by_body(BODY_FIELDS):
        conflict = conflicts.conflict_create(
            actor=request.actor, client=client, **body_values(payload)
        )
    return Status(201, _detail(request, conflict.pk))


@router.get("/conflicts/{conflict_id}", response=ConflictDetailOut, operation_id="conflicts_get")
def conflicts_get(request: ActorRequest, conflict_id: int) -> Conflict:
    """One conflict with its timeline of steps, its evidence and the evidence trail."""
    return _detail(request, conflict_id)


@router.patch(
    "/conflicts/{conflict_id}", response=ConflictDetailOut, operation_id="conflicts_update"
)
def conflicts_update(request: ActorRequest, conflict_id: int, payload: ConflictPatch) -> Conflict:
    """Change a conflict; the party lists replace the parties (``null`` texts: empty)."""
    conflict = _handled(request, conflict_id)
    values = body_values(payload, blank=("description", "impact", "strategy"))
    if "project_id" in payload.dict(exclude_unset=True):
        values["project_id"] = payload.project_id
    with named_by_body(BODY_FIELDS):
        conflicts.conflict_update(actor=request.actor, conflict=conflict, **values)
    return _detail(request, conflict_id)


@router.post(
    "/conflicts/{conflict_id}/steps",
    response={201: ConflictDetailOut},
    operation_id="conflicts_steps_create",
)
def conflicts_steps_create(
    request: ActorRequest, conflict_id: int, payload: ConflictStepIn
) -> Status[Conflict]:
    conflict = _handled(request, conflict_id)
    with named_by_body(BODY_FIELDS):
        conflicts.conflict_step_add(actor=request.actor, conflict=conflict, **body_values(payload))
    return Status(201, _detail(request, conflict_id))


@router.post(
    "/conflicts/{conflict_id}/close",
    response=ConflictDetailOut,
    operation_id="conflicts_close",
)
def conflicts_close(request: ActorRequest, conflict_id: int, payload: ConflictCloseIn) -> Conflict:
    """Close with the resolution (refused without one), its date and whether the client
    agreed."""
    conflict = _handled(request, conflict_id)
    conflicts.conflict_close(
        actor=request.actor,
        conflict=conflict,
        resolution=payload.resolution,
        resolved_on=payload.resolved_on,
        client_agreed=payload.client_agreed,
    )
    return _detail(request, conflict_id)


@router.post(
    "/conflicts/{conflict_id}/evidence",
    response={201: EvidenceOut},
    operation_id="conflicts_evidence_create",
)
def conflicts_evidence_create(
    request: ActorRequest, conflict_id: int, payload: EvidenceIn
) -> Status[Evidence]:
    """Link a change request, status report or issue of the conflict's client as evidence."""
    conflict = _handled(request, conflict_id)
    evidence = conflicts.evidence_link(
        actor=request.actor, conflict=conflict, **evidence_ids(request, payload, None)
    )
    return Status(201, evidence)
