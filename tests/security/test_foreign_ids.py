"""Foreign ids anywhere in a write are refused, never followed.

Every form-backed POST page (found from the URL resolver and the form classes its view names)
and every API write (found from the OpenAPI schema) is listed here field by field: each field
that names another object is sent, as an allowed role of ``world.one``, with the id of an
object of the other organisation (``world.two``) and, where the write is scoped to client A or
project A, with the id of the same kind of object of client B / project B. Each answer is
compared with the answer to an id that does not exist (the control that proves the field is
read and checked): a foreign object must be indistinguishable from a missing one. Afterwards
the other organisation's rows are unchanged and no row references the foreign object.

API list filters that take ids answer a foreign id like a missing one: an empty list.

The coverage tests fail when a write, or a field that names an object, is not listed here.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import re
import types
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from django import forms
from django.contrib import messages
from django.db import models
from django.http import HttpResponse
from django.test.utils import ContextList
from django.urls import URLPattern, get_resolver, reverse

from rapport.api import api
from rapport.changes.models import ChangeRequest
from rapport.clients.models import Client, Contact
from rapport.communication.models import PlanItem
from rapport.feedback.models import Feedback, SurveyTemplate
from rapport.meetings.models import ActionItem, AgendaItem
from rapport.projects.models import (
    BaselineVersion,
    BudgetLine,
    Deliverable,
    Milestone,
    Objective,
    Project,
)
from rapport.reports.models import StatusReport
from rapport.risks import services as risk_services
from rapport.risks.models import Issue
from rapport.tenancy.models import User
from tests import factories
from tests.conftest import Side, World
from tests.test_authorization_matrix import (
    OPERATIONS,
    PAGES,
    Case,
    _action_item,
    _change_request,
    _client,
    _fingerprint,
    _is_api_operation,
    _low_feedback,
    _submitted_version,
    _walk,
    agenda_item_of,
    default_template,
    matrix_world,
    objective_form,
    page_item,
    plan_item_of,
    report_at,
)

__all__ = ["matrix_world"]  # the module-scoped world of the authorization matrix

MISSING_ID = 987_654  # no object of any kind has this id in the test database


# --- the objects a write may name ------------------------------------------------------------


def _baseline_item(model: type[models.Model]) -> Callable[[Side], models.Model]:
    def build(side: Side) -> models.Model:
        found = model._default_manager.filter(project=side.project_a).first()
        if found is None:
            factories.baseline_for(side.project_a, pm=side.pm)
            found = model._default_manager.filter(project=side.project_a).first()
        assert found is not None
        return found

    return build


def _report(side: Side) -> StatusReport:
    return StatusReport.objects.get(project=side.project_a, **report_at("published")(side))


def _plan_item(side: Side) -> PlanItem:
    return PlanItem.objects.get(pk=plan_item_of(side)["item_id"])


def _agenda_item(side: Side) -> AgendaItem:
    return AgendaItem.objects.get(pk=agenda_item_of(side)["item_id"])


# How to find (or make) an object of each kind on a side's client A / project A.
INSTANCES: dict[type[models.Model], Callable[[Side], models.Model]] = {
    User: lambda side: side.pm,
    Client: lambda side: side.client_a,
    Contact: lambda side: side.contact_a,
    Project: lambda side: side.project_a,
    Objective: _baseline_item(Objective),
    Milestone: _baseline_item(Milestone),
    Deliverable: _baseline_item(Deliverable),
    BudgetLine: _baseline_item(BudgetLine),
    StatusReport: _report,
    ChangeRequest: lambda side: _change_request(side, "submitted"),
    Issue: lambda side: risk_services.issue_create(
        actor=side.actor(side.pm), project=side.project_a, title="Probe", owner_id=side.pm.pk
    ),
    PlanItem: _plan_item,
    AgendaItem: _agenda_item,
    ActionItem: lambda side: _action_item(side, "contact_a"),
    SurveyTemplate: lambda side: SurveyTemplate.objects.get(
        pk=default_template(side)["template_id"]
    ),
    Feedback: _low_feedback,
    BaselineVersion: _submitted_version,
}

# Kinds that belong to a client or a project: an object of client B / project B of the same
# organisation is out of scope for a write on client A / project A.
CLIENT_SCOPED = {Contact, Objective, Milestone, Deliverable, BudgetLine, StatusReport}
CLIENT_SCOPED |= {ChangeRequest, Issue, PlanItem, AgendaItem, ActionItem, Feedback}


def _other_client(side: Side) -> Side:
    """The same organisation seen through client B: its "client A" objects are client B's."""
    return dataclasses.replace(
        side, client_a=side.client_b, contact_a=side.contact_b, project_a=side.project_b
    )


@dataclasses.dataclass(frozen=True)
class Ref:
    """A field that names an object of ``model``."""

    model: type[models.Model] | tuple[type[models.Model], ...]
    many: bool = False
    encode: Callable[[models.Model | None, int], Any] = lambda obj, pk: pk
    # Also try the object of client B / project B (the write is scoped to client/project A).
    same_org: bool | None = None
    # The matrix case to start from (by label), or request builders of its own when no case
    # of the matrix posts this form.
    case: str | None = None
    kwargs: Callable[[Side], dict[str, Any]] | None = None
    data: Callable[[Side], dict[str, Any]] | None = None
    prefix: str = ""  # the form's prefix in the posted data
    # Why the write may ignore the field (e.g. it cannot change after creation).
    ignored: str = ""
    # More fields that go with the object sent (e.g. a record number in the project sent).
    extra: Callable[[models.Model | None], dict[str, Any]] | None = None

    @property
    def models(self) -> tuple[type[models.Model], ...]:
        return self.model if isinstance(self.model, tuple) else (self.model,)

    def checks_same_org(self, model: type[models.Model]) -> bool:
        return model in CLIENT_SCOPED if self.same_org is None else self.same_org


def user_or_contact(obj: models.Model | None, pk: int) -> str:
    return f"{'c' if isinstance(obj, Contact) else 'u'}:{pk}"


def _item(kind: str) -> Callable[[Side], dict[str, Any]]:
    return lambda side: {"project_id": side.project_a.pk, "kind": kind}


def _deliverable_form(side: Side) -> dict[str, Any]:
    return {"name": "Foreign-id probe", "acceptance_criteria": "It works"}


def _standard_form(side: Side) -> dict[str, Any]:
    return {"title": "Foreign-id probe", "criteria": "Reviewed"}


# (URL name, form class name, field) -> what the field names.
FORM_REFERENCES: dict[tuple[str, str, str], Ref] = {
    ("projects:create", "ProjectForm", "client"): Ref(Client),
    ("projects:create", "ProjectForm", "pm"): Ref(User),
    ("projects:edit", "ProjectForm", "client"): Ref(Client),
    ("projects:edit", "ProjectForm", "pm"): Ref(User),
    ("projects:member_add", "ProjectMemberForm", "user"): Ref(User),
    ("projects:smart_check", "ObjectiveForm", "owner"): Ref(
        User, ignored="the SMART check reads the wording only and saves nothing"
    ),
    ("projects:item_create", "ObjectiveForm", "owner"): Ref(User),
    ("projects:item_create", "DeliverableForm", "milestone"): Ref(
        Milestone, kwargs=_item("deliverable"), data=_deliverable_form
    ),
    ("projects:item_create", "QualityStandardForm", "deliverables"): Ref(
        Deliverable, many=True, kwargs=_item("quality_standard"), data=_standard_form
    ),
    ("projects:item_edit", "ObjectiveForm", "owner"): Ref(
        User, kwargs=page_item("objective"), data=objective_form
    ),
    ("projects:item_edit", "DeliverableForm", "milestone"): Ref(
        Milestone, kwargs=page_item("deliverable"), data=_deliverable_form
    ),
    ("projects:item_edit", "QualityStandardForm", "deliverables"): Ref(
        Deliverable, many=True, kwargs=page_item("quality_standard"), data=_standard_form
    ),
    ("projects:actual_create", "TimeEntryForm", "person"): Ref(
        User, case="time_entry", prefix="time-"
    ),
    ("changes:create", "ChangeRequestForm", "objectives"): Ref(Objective, many=True),
    ("changes:create", "ChangeRequestForm", "milestones"): Ref(Milestone, many=True),
    ("changes:create", "ChangeRequestForm", "deliverables"): Ref(Deliverable, many=True),
    ("changes:create", "ChangeRequestForm", "budget_lines"): Ref(BudgetLine, many=True),
    ("changes:evaluate", "EvaluationForm", "milestones"): Ref(Milestone, many=True),
    ("reports:create", "PeriodForm", "corrects"): Ref(StatusReport),
    ("communication:stakeholder_add", "StakeholderForm", "contact"): Ref(Contact),
    ("communication:stakeholder_edit", "StakeholderForm", "contact"): Ref(
        Contact, ignored="a stakeholder stays the contact it was added as"
    ),
    ("communication:plan_add", "PlanItemForm", "audience"): Ref(Contact, many=True),
    ("communication:plan_add", "PlanItemForm", "owner"): Ref(User),
    ("communication:plan_edit", "PlanItemForm", "audience"): Ref(Contact, many=True),
    ("communication:plan_edit", "PlanItemForm", "owner"): Ref(User),
    ("communication:log", "InteractionForm", "contacts"): Ref(Contact, many=True),
    ("communication:log", "InteractionForm", "plan_item"): Ref(PlanItem),
    ("communication:log", "InteractionForm", "project_choice"): Ref(
        Project, ignored="a project's log is on the page's project"
    ),
    ("communication:client_log", "InteractionForm", "contacts"): Ref(Contact, many=True),
    ("communication:client_log", "InteractionForm", "plan_item"): Ref(
        PlanItem, ignored="a client's log names no plan item"
    ),
    ("communication:client_log", "InteractionForm", "project_choice"): Ref(Project, same_org=True),
    ("meetings:create", "MeetingForm", "attendees"): Ref(User, many=True),
    ("meetings:create", "MeetingForm", "client_attendees"): Ref(Contact, many=True),
    ("meetings:create", "MeetingForm", "plan_item"): Ref(PlanItem),
    ("meetings:edit", "MeetingForm", "attendees"): Ref(User, many=True),
    ("meetings:edit", "MeetingForm", "client_attendees"): Ref(Contact, many=True),
    ("meetings:edit", "MeetingForm", "plan_item"): Ref(PlanItem),
    ("meetings:agenda_add", "AgendaItemForm", "owner"): Ref(
        (User, Contact), encode=user_or_contact
    ),
    ("meetings:agenda_edit", "AgendaItemForm", "owner"): Ref(
        (User, Contact), encode=user_or_contact
    ),
    ("meetings:agenda_carry", "CarryForm", "object_id"): Ref(Milestone),
    ("meetings:minutes", "MinutesForm", "present_users"): Ref(User, many=True),
    ("meetings:minutes", "MinutesForm", "present_contacts"): Ref(Contact, many=True),
    ("meetings:decision_add", "DecisionForm", "agenda_item"): Ref(AgendaItem),
    ("meetings:decision_add", "DecisionForm", "decided_by"): Ref(
        (User, Contact), encode=user_or_contact
    ),
    ("meetings:action_item_add", "ActionItemForm", "agenda_item"): Ref(AgendaItem),
    ("meetings:action_item_add", "ActionItemForm", "owner"): Ref(
        (User, Contact), encode=user_or_contact
    ),
    ("risks:risk_create", "RiskForm", "owner"): Ref(User),
    ("risks:risk_edit", "RiskForm", "owner"): Ref(User),
    ("risks:issue_create", "IssueForm", "owner"): Ref(User),
    ("risks:issue_edit", "IssueForm", "owner"): Ref(User),
    ("risks:issue_evidence", "EvidenceForm", "change_request"): Ref(ChangeRequest),
    ("risks:issue_evidence", "EvidenceForm", "status_report"): Ref(StatusReport),
    ("risks:issue_evidence", "EvidenceForm", "linked_issue"): Ref(
        Issue, ignored="an issue's evidence is a change request or a report"
    ),
    ("risks:conflict_create", "ConflictForm", "project"): Ref(Project, same_org=True),
    ("risks:conflict_create", "ConflictForm", "team_parties"): Ref(User, many=True),
    ("risks:conflict_create", "ConflictForm", "contact_parties"): Ref(Contact, many=True),
    ("risks:conflict_edit", "ConflictForm", "project"): Ref(Project, same_org=True),
    ("risks:conflict_edit", "ConflictForm", "team_parties"): Ref(User, many=True),
    ("risks:conflict_edit", "ConflictForm", "contact_parties"): Ref(Contact, many=True),
    ("risks:conflict_step", "StepForm", "taken_by"): Ref(User),
    ("risks:conflict_evidence", "EvidenceForm", "change_request"): Ref(ChangeRequest),
    ("risks:conflict_evidence", "EvidenceForm", "status_report"): Ref(StatusReport),
    ("risks:conflict_evidence", "EvidenceForm", "linked_issue"): Ref(Issue),
    ("feedback:create", "FeedbackForm", "contact"): Ref(Contact),
    ("feedback:survey_send", "SurveySendForm", "template"): Ref(SurveyTemplate),
    ("feedback:survey_send", "SurveySendForm", "contacts"): Ref(Contact, many=True),
    ("feedback:schedules", "ScheduleForm", "template"): Ref(SurveyTemplate),
    ("feedback:schedules", "ScheduleForm", "contacts"): Ref(Contact, many=True),
    ("feedback:improvement_create", "ImprovementForm", "owner"): Ref(User),
    ("feedback:improvement_create", "ImprovementForm", "feedback"): Ref(Feedback),
    ("feedback:improvement_edit", "ImprovementForm", "owner"): Ref(User),
    ("feedback:improvement_edit", "ImprovementForm", "feedback"): Ref(Feedback),
    ("lessons:create", "LessonForm", "project"): Ref(Project),
    ("lessons:edit", "LessonForm", "project"): Ref(Project),
}


# Forms a view names without binding them to this route's POST (rendered or looked up only).
NOT_BOUND: dict[tuple[str, str], str] = {
    ("projects:item_delete", "ObjectiveForm"): "deletes; reads no form",
    ("projects:item_delete", "DeliverableForm"): "deletes; reads no form",
    ("projects:item_delete", "QualityStandardForm"): "deletes; reads no form",
    ("meetings:minutes", "DecisionForm"): "rendered inline; posts to meetings:decision_add",
    ("meetings:minutes", "ActionItemForm"): "rendered inline; posts to meetings:action_item_add",
}

# Fields whose choices are filled at run time but name no object.
NOT_REFERENCES: dict[tuple[str, str], str] = {}


# --- which forms each POST page binds ---------------------------------------------------------


def _codes(code: types.CodeType) -> Iterator[types.CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _codes(const)


def _unwrap(view: Any) -> Any:
    while hasattr(view, "__wrapped__") or hasattr(view, "func"):
        view = getattr(view, "__wrapped__", None) or view.func
    return view


def view_forms(view: Any, depth: int = 0) -> set[type[forms.BaseForm]]:
    """The form classes a view (or a helper of its own module it calls) names."""
    view = _unwrap(view)
    if hasattr(view, "view_class"):
        form_class = getattr(view.view_class, "form_class", None)
        return {form_class} if form_class else set()
    found: set[type[forms.BaseForm]] = set()
    for code in _codes(view.__code__):
        for name in code.co_names:
            value = view.__globals__.get(name)
            for candidate in value.values() if isinstance(value, dict) else [value]:
                if isinstance(candidate, type) and issubclass(candidate, forms.BaseForm):
                    found.add(candidate)
                elif (
                    depth == 0
                    and isinstance(candidate, types.FunctionType)
                    and candidate.__module__ == view.__module__
                ):
                    found |= view_forms(candidate, depth + 1)
    return found


def reference_candidates(form_class: type[forms.BaseForm]) -> set[str]:
    """Fields that may name an object: model choices, choices filled at run time, hidden
    inputs, and fields the form adds in ``__init__``."""
    names = set()
    for name, field in form_class.base_fields.items():
        if (
            isinstance(field, forms.ModelChoiceField)
            or (isinstance(field, forms.ChoiceField) and not list(field.choices))
            or isinstance(field.widget, forms.HiddenInput)
            or name.endswith("_id")
        ):
            names.add(name)
    for klass in form_class.__mro__:
        if klass.__module__.startswith("rapport."):
            source = inspect.getsource(klass)
            names |= set(re.findall(r"self\.fields\[[\"'](\w+)[\"']\]\s*=", source))
    return names


def post_routes() -> dict[str, URLPattern]:
    """Pages that accept a POST (the authorization matrix has a POST case for them)."""
    routes = {}
    for name, _route, pattern in _walk(get_resolver().url_patterns):
        if _is_api_operation(pattern):
            continue
        if any(case.method == "POST" for case in PAGES.get(name, [])):
            routes[name] = pattern
    return routes


def form_fields() -> set[tuple[str, str, str]]:
    fields = set()
    for name, pattern in post_routes().items():
        for form_class in view_forms(pattern.callback):
            if (name, form_class.__name__) in NOT_BOUND:
                continue
            for field in reference_candidates(form_class):
                if (form_class.__name__, field) not in NOT_REFERENCES:
                    fields.add((name, form_class.__name__, field))
    return fields


def test_every_form_field_naming_an_object_is_covered() -> None:
    found = form_fields()
    missing = sorted(found - set(FORM_REFERENCES))
    stale = sorted(set(FORM_REFERENCES) - found)
    assert not missing, (
        "Form fields that may name an object but are not checked with foreign ids (add them "
        f"to FORM_REFERENCES, or to NOT_REFERENCES with the reason): {missing}"
    )
    assert not stale, f"FORM_REFERENCES names fields that no longer exist: {stale}"


# --- what a foreign object is referenced by ---------------------------------------------------


def references(obj: models.Model) -> set[tuple[str, Any]]:
    """Every row that points at ``obj`` through a foreign key or a many-to-many relation."""
    found = set()
    for relation in obj._meta.related_objects:
        model = relation.related_model
        rows = model._base_manager.filter(**{relation.field.name: obj}).values_list("pk", flat=True)
        found |= {(model._meta.label, pk) for pk in rows}
    return found


def _row(obj: models.Model) -> tuple[Any, ...]:
    fields = [field.attname for field in obj._meta.concrete_fields]
    return tuple(obj._meta.model._base_manager.filter(pk=obj.pk).values_list(*fields).get())


@dataclasses.dataclass
class Snapshot:
    obj: models.Model
    foreign_org: Any

    def take(self) -> tuple[Any, ...]:
        organisation = _fingerprint(self.foreign_org) if self.foreign_org else None
        return (organisation, _row(self.obj), references(self.obj))


def targets(world: World, ref: Ref) -> Iterator[tuple[str, models.Model, Any]]:
    """The objects to send: the other organisation's, and client B's / project B's."""
    for model in ref.models:
        build = INSTANCES[model]
        yield "other organisation", build(world.two), world.two.organisation
        if ref.checks_same_org(model):
            yield "client B", build(_other_client(world.one)), None


# --- pages ------------------------------------------------------------------------------------


def _post_case(name: str, label: str | None = None) -> tuple[Case, str]:
    """The matrix's POST case of a page and the role that succeeds with it (the PM if they do)."""
    for case in PAGES[name]:
        if case.method == "POST" and label in (None, case.label):
            allowed = [role for role, status in case.ok.items() if 200 <= status < 400]
            if allowed:
                return case, "pm" if "pm" in allowed else allowed[0]
    raise AssertionError(f"{name}: no POST case that succeeds")


def _field_errors(response: HttpResponse, field: str) -> bool:
    contexts = getattr(response, "context", None)
    if contexts is None:
        return False
    for context in contexts if isinstance(contexts, ContextList) else [contexts]:
        for value in context.flatten().values():
            if isinstance(value, forms.BaseForm) and value.is_bound and field in value.errors:
                return True
    return False


def _error_messages(response: HttpResponse) -> bool:
    """Pages that redirect after a refused form say why in an error message."""
    storage = getattr(response.wsgi_request, "_messages", None)
    return any(message.level == messages.ERROR for message in storage or [])


def refusal(response: HttpResponse, field: str) -> tuple[int, bool, bool]:
    return (response.status_code, _field_errors(response, field), _error_messages(response))


def is_refused(answer: tuple[int, bool, bool]) -> bool:
    status, field_error, error_message = answer
    return field_error or error_message or status in (400, 403, 404, 422)


def _encode_form(ref: Ref, obj: models.Model | None, pk: int) -> Any:
    value = ref.encode(obj, pk)
    return [value] if ref.many else value


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "form_name", "field"), sorted(FORM_REFERENCES), ids=lambda v: str(v)
)
def test_form_refuses_foreign_ids(
    matrix_world: World, name: str, form_name: str, field: str
) -> None:
    ref = FORM_REFERENCES[(name, form_name, field)]
    one = matrix_world.one
    case, role = _post_case(name, ref.case)
    kwargs = (ref.kwargs or case.kwargs)(one)
    http = _client(session=one.extra["sessions"][role])
    path = reverse(name, kwargs=kwargs)

    def post(obj: models.Model | None, pk: int) -> HttpResponse:
        data = (ref.data or case.data or (lambda side: {}))(one)
        extra = ref.extra(obj) if ref.extra else {}
        return http.post(path, {**data, **extra, ref.prefix + field: _encode_form(ref, obj, pk)})

    control = refusal(post(None, MISSING_ID), field)
    assert control[0] < 500
    assert is_refused(control) or ref.ignored, (
        f"{role} POST {path} {field}={MISSING_ID}: a missing id is not refused ({control}); "
        "if the page ignores the field, say so with Ref(ignored=...)"
    )

    for where, obj, foreign_org in targets(matrix_world, ref):
        snapshot = Snapshot(obj, foreign_org)
        before = snapshot.take()
        answer = refusal(post(obj, obj.pk), field)
        label = f"{role} POST {path} {field}=<{type(obj).__name__} of {where}>"
        assert answer == control, f"{label}: answered {answer}, a missing id {control}"
        assert snapshot.take() == before, f"{label}: the foreign object changed or is referenced"


# --- the API ----------------------------------------------------------------------------------

_SCHEMA = api.get_openapi_schema()
_COMPONENTS = _SCHEMA.get("components", {}).get("schemas", {})


def _deref(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = _COMPONENTS[schema["$ref"].split("/")[-1]]
    return schema


def _types(schema: dict[str, Any]) -> set[str]:
    schema = _deref(schema)
    found: set[str] = set()
    for sub in schema.get("anyOf", []) + schema.get("oneOf", []) + schema.get("allOf", []):
        found |= _types(sub)
    if schema.get("type") == "array":
        found |= {f"[]{kind}" for kind in _types(schema.get("items", {}))}
    elif "type" in schema:
        found.add(schema["type"])
    return found


def _names_object(name: str, schema: dict[str, Any]) -> bool:
    return name.endswith(("_id", "_ids")) or bool(_types(schema) & {"integer", "[]integer"})


def api_write_fields() -> set[tuple[str, str, str]]:
    fields = set()
    for path, methods in _SCHEMA["paths"].items():
        for method, operation in methods.items():
            if method == "get":
                continue
            for content in operation.get("requestBody", {}).get("content", {}).values():
                schema = _deref(content["schema"])
                for prop, prop_schema in schema.get("properties", {}).items():
                    if _names_object(prop, prop_schema) and prop not in API_NOT_REFERENCES:
                        fields.add((method.upper(), path, prop))
    return fields


def api_filters() -> set[tuple[str, str]]:
    return {
        (path, parameter["name"])
        for path, methods in _SCHEMA["paths"].items()
        for method, operation in methods.items()
        if method == "get"
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and parameter["name"] not in API_NOT_REFERENCES
        if _names_object(parameter["name"], parameter.get("schema", {}))
    }


# Integer fields of API bodies and query strings that name no object by id.
API_NOT_REFERENCES: dict[str, str] = dict.fromkeys(
    (
        "cadence_days",
        "checkin_months",
        "communication",
        "confirm_days",
        "count",
        "day_of_month",
        "custom",
        "expires_in_days",
        "impact",
        "nps",
        "order",
        "probability",
        "progress",
        "quality",
        "remind_after_days",
        "report_weekday",
        "schedule_days",
        "time_box",
        "page",
        "page_size",
        "year",
    ),
    "a quantity, score or setting",
) | {
    "corrects": "a report number within the path's project",
    "meeting_number": "a meeting number within the path's project",
    "number": "a record number within the project named next to it (project_id is checked)",
}

# What an id field of the API names, by its name; the same name means the same kind everywhere.
API_FIELD_KINDS: dict[str, Ref] = {
    "client_id": Ref(Client),
    "project_id": Ref(Project, same_org=False),
    "pm_id": Ref(User),
    "owner_id": Ref(User),
    "person_id": Ref(User),
    "user_id": Ref(User),
    "taken_by_id": Ref(User),
    "owner_user_id": Ref(User),
    "decided_by_user_id": Ref(User),
    "attendee_ids": Ref(User, many=True),
    "team_party_ids": Ref(User, many=True),
    "contact_id": Ref(Contact),
    "owner_contact_id": Ref(Contact),
    "decided_by_contact_id": Ref(Contact),
    "contact_ids": Ref(Contact, many=True),
    "contact_party_ids": Ref(Contact, many=True),
    "audience_ids": Ref(Contact, many=True),
    "milestone_id": Ref(Milestone),
    "milestones": Ref(Milestone, many=True),
    "objectives": Ref(Objective, many=True),
    "deliverables": Ref(Deliverable, many=True),
    "deliverable_ids": Ref(Deliverable, many=True),
    "budget_lines": Ref(BudgetLine, many=True),
    "plan_item_id": Ref(PlanItem),
    "agenda_item_id": Ref(AgendaItem),
    "template_id": Ref(SurveyTemplate),
    "feedback_id": Ref(Feedback),
    "present_user_ids": Ref(User, many=True),
    "present_contact_ids": Ref(Contact, many=True),
}


def _evidence_in(project: models.Model | None) -> dict[str, Any]:
    """Evidence names a change request by its project and number: one that exists there."""
    if not isinstance(project, Project):
        return {"kind": "change_request", "number": 1}
    side = dataclasses.replace(
        _SIDES[project.organisation_id], project_a=project, client_a=project.client
    )
    return {"kind": "change_request", "number": _change_request(side, "submitted").number}


def _carried_source(obj: models.Model | None) -> dict[str, Any]:
    kinds = {ActionItem: "action_item", ChangeRequest: "change_request"}
    return {"source": kinds.get(type(obj), "milestone")}


_SIDES: dict[int, Side] = {}  # filled by the test, by organisation id

# Per-operation differences from API_FIELD_KINDS.
API_OVERRIDES: dict[tuple[str, str, str], Ref] = {
    # Conflicts and touchpoints of client A may name any project of client A, none of client B.
    ("POST", "/api/v1/clients/{client_id}/conflicts", "project_id"): Ref(Project, same_org=True),
    ("PATCH", "/api/v1/conflicts/{conflict_id}", "project_id"): Ref(Project, same_org=True),
    ("POST", "/api/v1/clients/{client_id}/touchpoints", "project_id"): Ref(Project, same_org=True),
    ("POST", "/api/v1/conflicts/{conflict_id}/evidence", "project_id"): Ref(
        Project, same_org=True, extra=_evidence_in
    ),
    ("POST", "/api/v1/projects/{project_id}/issues/{number}/evidence", "project_id"): Ref(
        Project, same_org=True, extra=_evidence_in
    ),
    # A proposal carried over to the agenda: its kind says what ``object_id`` names.
    (
        "POST",
        "/api/v1/projects/{project_id}/meetings/{number}/agenda-items/carry",
        "object_id",
    ): Ref((ActionItem, Milestone, ChangeRequest), extra=_carried_source),
}


def _api_references() -> dict[tuple[str, str, str], Ref]:
    table = {}
    for method, path, prop in api_write_fields():
        ref = API_OVERRIDES.get((method, path, prop)) or API_FIELD_KINDS.get(prop)
        if ref is not None:
            table[(method, path, prop)] = ref
    return table


API_REFERENCES = _api_references()

# API list filters: parameter -> what it names.
API_FILTERS: dict[tuple[str, str], Ref] = {
    ("/api/v1/contacts", "client_id"): Ref(Client),
    ("/api/v1/projects", "client_id"): Ref(Client),
    ("/api/v1/conflicts", "client_id"): Ref(Client),
    ("/api/v1/lessons", "client_id"): Ref(Client),
    ("/api/v1/checkins", "project_id"): Ref(Project),
    ("/api/v1/portal/lessons", "project_id"): Ref(Project),
    ("/api/v1/clients/{client_id}/touchpoints", "contact_id"): Ref(Contact),
    ("/api/v1/projects/{project_id}/feedback", "contact_id"): Ref(Contact),
    ("/api/v1/audit-events", "actor_user_id"): Ref(User),
    # The organisation's audit trail: client B's contacts are the organisation's too.
    ("/api/v1/audit-events", "actor_contact_id"): Ref(Contact, same_org=False),
    ("/api/v1/audit-events", "object_id"): Ref(
        Project, extra=lambda obj: {"object_type": "project"}
    ),
    ("/api/v1/projects/{project_id}/baseline-versions/compare", "a"): Ref(BaselineVersion),
    ("/api/v1/projects/{project_id}/baseline-versions/compare", "b"): Ref(BaselineVersion),
}


def test_every_api_field_naming_an_object_is_covered() -> None:
    found = api_write_fields()
    missing = sorted(found - set(API_REFERENCES))
    stale = sorted(set(API_OVERRIDES) - found)
    assert not missing, (
        "API write fields that may name an object but are not checked with foreign ids (add "
        f"them to API_FIELD_KINDS, or to API_NOT_REFERENCES with the reason): {missing}"
    )
    assert not stale, f"API_OVERRIDES names fields that no longer exist: {stale}"


def test_every_api_filter_naming_an_object_is_covered() -> None:
    found = api_filters()
    missing = sorted(found - set(API_FILTERS))
    stale = sorted(set(API_FILTERS) - found)
    assert not missing, f"API list filters not checked with foreign ids: {missing}"
    assert not stale, f"API_FILTERS names filters that no longer exist: {stale}"


def _api_case(key: tuple[str, str], label: str | None = None) -> tuple[Case, str]:
    for case in OPERATIONS[key]:
        if label not in (None, case.label):
            continue
        allowed = [role for role, status in case.ok.items() if 200 <= status < 400]
        if allowed:
            return case, "pm" if "pm" in allowed else allowed[0]
    raise AssertionError(f"{key}: no case that succeeds")


def _call(
    side: Side, role: str, method: str, path: str, body: Any = None, query: Any = None
) -> Any:
    url = f"{path}?{urlencode(query, doseq=True)}" if query else path
    return _client().generic(
        method,
        url,
        data=json.dumps(body) if body is not None else "",
        content_type="application/json",
        headers={"Authorization": f"Bearer {side.extra['tokens'][role]}"},
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "prop"), sorted(API_REFERENCES), ids=str)
def test_api_refuses_foreign_ids(matrix_world: World, method: str, path: str, prop: str) -> None:
    ref = API_REFERENCES[(method, path, prop)]
    one = matrix_world.one
    _SIDES.update({side.organisation.pk: side for side in (matrix_world.one, matrix_world.two)})
    case, role = _api_case((method, path), ref.case)
    url = path.format(**(ref.kwargs or case.kwargs)(one))

    def send(obj: models.Model | None, pk: int, extra: dict[str, Any]) -> Any:
        data = (ref.data or case.data or (lambda side: {}))(one)
        value = ref.encode(obj, pk)
        return _call(
            one, role, method, url, {**data, **extra, prop: [value] if ref.many else value}
        )

    control = send(None, MISSING_ID, ref.extra(None) if ref.extra else {})
    assert control.status_code in (400, 404, 422), (
        f"{role} {method} {url} {prop}={MISSING_ID}: a missing id is not refused "
        f"({control.status_code}: {control.content[:300]!r})"
    )
    for where, obj, foreign_org in targets(matrix_world, ref):
        extra = ref.extra(obj) if ref.extra else {}
        snapshot = Snapshot(obj, foreign_org)
        before = snapshot.take()
        response = send(obj, obj.pk, extra)
        label = f"{role} {method} {url} {prop}=<{type(obj).__name__} of {where}>"
        assert response.status_code == control.status_code, (
            f"{label}: answered {response.status_code} ({response.content[:300]!r}), "
            f"a missing id {control.status_code}"
        )
        assert snapshot.take() == before, f"{label}: the foreign object changed or is referenced"


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "parameter"), sorted(API_FILTERS), ids=str)
def test_api_filter_on_a_foreign_id_lists_nothing(
    matrix_world: World, path: str, parameter: str
) -> None:
    ref = API_FILTERS[(path, parameter)]
    one = matrix_world.one
    case, role = _api_case(("GET", path))
    url = path.format(**case.kwargs(one))
    query = case.query(one) if case.query else {}

    def get(obj: models.Model | None, pk: int) -> Any:
        extra = ref.extra(obj) if ref.extra else {}
        return _call(one, role, "GET", url, query={**query, **extra, parameter: pk})

    control = get(None, MISSING_ID)
    assert control.status_code < 500
    for where, obj, _org in targets(matrix_world, ref):
        response = get(obj, obj.pk)
        label = f"{role} GET {url}?{parameter}=<{type(obj).__name__} of {where}>"
        assert response.status_code == control.status_code, label
        if response.status_code == 200:
            assert response.json()["items"] == [], f"{label}: lists {response.json()['items']}"


def test_api_schema_names_are_unique() -> None:
    """The OpenAPI document names each body schema once: two schemas of one name would make
    it describe one operation's body with another's (and this test read the wrong fields)."""
    from ninja import Schema

    api.get_openapi_schema()
    seen: dict[str, set[str]] = {}

    def walk(schema: type[Schema]) -> None:
        for sub in schema.__subclasses__():
            if sub.__module__.startswith("rapport."):
                seen.setdefault(sub.__name__, set()).add(sub.__module__)
            walk(sub)

    walk(Schema)
    assert not {name: where for name, where in seen.items() if len(where) > 1}
