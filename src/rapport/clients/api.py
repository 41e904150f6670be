from datetime import date, datetime
from typing import Annotated, Literal

from django.db.models import QuerySet
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from rapport.clients import health, health_selectors, selectors, services
from rapport.clients.models import Client, Contact
from rapport.communication.channels import Channel
from rapport.core.api_pagination import Pages
from rapport.core.services import search_term
from rapport.tenancy.actors import ActorRequest
from rapport.tenancy.models import Language

router = Router(tags=["clients"])

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=150)]


class ClientOut(Schema):
    id: int
    name: str
    website: str
    language: str
    notes: str
    created_at: datetime
    updated_at: datetime


class ClientIn(Schema):
    name: Name
    website: Annotated[str, StringConstraints(max_length=200)] = ""
    language: Language = Language.ENGLISH
    notes: Annotated[str, StringConstraints(max_length=5000)] = ""


class ClientPatch(Schema):
    name: Name | None = None
    website: Annotated[str, StringConstraints(max_length=200)] | None = None
    language: Language | None = None
    notes: Annotated[str, StringConstraints(max_length=5000)] | None = None


class ContactOut(Schema):
    id: int
    client_id: int
    full_name: str
    email: str
    phone: str
    job_title: str
    language: str
    time_zone: str
    preferred_channel: str
    working_hours: str
    portal_access: bool
    created_at: datetime
    updated_at: datetime


class ContactIn(Schema):
    client_id: int
    full_name: Name
    email: Annotated[str, StringConstraints(max_length=254)] = ""
    phone: Annotated[str, StringConstraints(max_length=40)] = ""
    job_title: Annotated[str, StringConstraints(max_length=150)] = ""
    language: Language = Language.ENGLISH
    time_zone: Annotated[str, StringConstraints(max_length=64)] = "UTC"
    preferred_channel: Channel | Literal[""] = ""
    working_hours: Annotated[str, StringConstraints(max_length=60)] = ""


class ContactPatch(Schema):
    full_name: Name | None = None
    email: Annotated[str, StringConstraints(max_length=254)] | None = None
    phone: Annotated[str, StringConstraints(max_length=40)] | None = None
    job_title: Annotated[str, StringConstraints(max_length=150)] | None = None
    language: Language | None = None
    time_zone: Annotated[str, StringConstraints(max_length=64)] | None = None
    preferred_channel: Channel | Literal[""] | None = None
    working_hours: Annotated[str, StringConstraints(max_length=60)] | None = None


def _values(payload: Schema) -> dict[str, object]:
    return {
        key: (value.value if isinstance(value, Language | Channel) else value)
        for key, value in payload.dict(exclude_unset=True).items()
        if value is not None
    }


@router.get("/clients", response=list[ClientOut], operation_id="clients_list")
@paginate(Pages, ordering=("name",))
def clients_list(
    request: ActorRequest, q: Annotated[str, Field(max_length=100)] = ""
) -> QuerySet[Client]:
    return selectors.client_list(actor=request.actor, query=search_term(q))


@router.post("/clients", response={201: ClientOut}, operation_id="clients_create")
def clients_create(request: ActorRequest, payload: ClientIn) -> Status[Client]:
    return Status(201, services.client_create(actor=request.actor, **_values(payload)))


@router.get("/clients/{client_id}", response=ClientOut, operation_id="clients_get")
def clients_get(request: ActorRequest, client_id: int) -> Client:
    return selectors.client_get(actor=request.actor, client_id=client_id)


@router.patch("/clients/{client_id}", response=ClientOut, operation_id="clients_update")
def clients_update(request: ActorRequest, client_id: int, payload: ClientPatch) -> Client:
    actor = request.actor
    client = selectors.client_get(actor=actor, client_id=client_id)
    return services.client_update(actor=actor, client=client, **_values(payload))


@router.get("/contacts", response=list[ContactOut], operation_id="contacts_list")
@paginate(Pages, ordering=("full_name", "email"))
def contacts_list(request: ActorRequest, client_id: int | None = None) -> QuerySet[Contact]:
    actor = request.actor
    client = selectors.client_get(actor=actor, client_id=client_id) if client_id else None
    return selectors.contact_list(actor=actor, client=client)


@router.post("/contacts", response={201: ContactOut}, operation_id="contacts_create")
def contacts_create(request: ActorRequest, payload: ContactIn) -> Status[Contact]:
    actor = request.actor
    values = _values(payload)
    client = selectors.client_get(actor=actor, client_id=int(values.pop("client_id")))  # type: ignore[call-overload]
    return Status(201, services.contact_create(actor=actor, client=client, **values))


@router.get("/contacts/{contact_id}", response=ContactOut, operation_id="contacts_get")
def contacts_get(request: ActorRequest, contact_id: int) -> Contact:
    return selectors.contact_get(actor=request.actor, contact_id=contact_id)


@router.patch("/contacts/{contact_id}", response=ContactOut, operation_id="contacts_update")
def contacts_update(request: ActorRequest, contact_id: int, payload: ContactPatch) -> Contact:
    actor = request.actor
    contact = selectors.contact_get(actor=actor, contact_id=contact_id)
    return services.contact_update(actor=actor, contact=contact, **_values(payload))


class HealthRecordOut(Schema):
    kind: str
    id: int
    label: str
    url: str


class HealthPartOut(Schema):
    key: str
    value: int | None
    weight: int
    share: float = Field(description="The weight renormalised over the parts with data (%).")
    explanation: str
    records: list[HealthRecordOut]


class HealthMomentOut(Schema):
    day: date
    score: int | None
    moved_by: str = Field(description="The part that moved the score most since the day before.")
    moved_points: float


class ClientHealthOut(Schema):
    client_id: int
    score: int | None
    band: str = Field(description="good (70 or more), watch (40–69), critical (below 40).")
    computed_at: datetime
    parts: list[HealthPartOut]
    history: list[HealthMomentOut]


@router.get("/clients/{client_id}/health", response=ClientHealthOut, operation_id="clients_health")
def clients_health(request: ActorRequest, client_id: int) -> dict[str, object]:
    """The client's health score now, its parts with the records behind them, and a year of
    daily history."""
    actor = request.actor
    client = selectors.client_get(actor=actor, client_id=client_id)
    current = health_selectors.client_health(actor=actor, client=client)
    return {
        "client_id": client.pk,
        "score": current.score,
        "band": current.band,
        "computed_at": current.computed_at,
        "parts": [{**part, "explanation": health.explain(part)} for part in current.parts],
        "history": current.history,
    }
