"""Schemathesis over the whole OpenAPI document, in-process through the WSGI application and
the test database: every operation, with a bounded number of generated requests, must answer
without a server error and as its schema says (status code, content type, body).

Internal operations are called with an owner's token of ``world.one`` (every capability, the
audit trail and webhooks included), client portal operations with contact A's portal token.
Path parameters naming a project, client or contact point at ``world.one``'s rows so that the
generated requests reach real objects, not only the 404 of an unknown id."""

import socket
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from rapport.tenancy.services import api_token_create, contact_api_token_create
from rapport.wsgi import application
from tests.conftest import World

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
schema.config.generation.update(max_examples=5, deterministic=True)
schema.config.phases.update(phases=["fuzzing"])

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _nothing_leaves_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Generated webhook URLs name real hosts: no name outside the machine is ever looked up
    (deliveries run after commit, which the test's transaction never does; this makes sure)."""
    lookup = socket.getaddrinfo

    def local_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in ("localhost", "127.0.0.1", "::1", None):
            raise socket.gaierror(socket.EAI_NONAME, "lookups leave the machine in this test")
        return lookup(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", local_only)


@pytest.fixture(autouse=True)
def _keep_the_test_transaction() -> Any:
    """The WSGI application closes the database connection after each request, as in
    production; here that would end the test's transaction (PostgreSQL), after which writes
    would be committed. Django's test client keeps the connection the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _tokens(world: World) -> dict[str, str]:
    side = world.one
    _token, member = api_token_create(actor=side.actor(side.owner), name="schemathesis")
    _token, contact = contact_api_token_create(
        actor=side.contact_actor(side.contact_a), name="schemathesis"
    )
    return {"member": member, "contact": contact}


def _real_ids(world: World, case: Any) -> None:
    side = world.one
    portal = case.path.startswith("/api/v1/portal/")
    known = {
        "project_id": side.project_a.pk,
        "client_id": (side.client_a if portal else side.client_b).pk,
        "contact_id": side.contact_a.pk,
    }
    for name, value in known.items():
        if name in (case.path_parameters or {}):
            case.path_parameters[name] = value


@pytest.mark.django_db
@schema.parametrize()
@settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api(case: Any, world: World) -> None:
    tokens = world.one.extra.setdefault("schemathesis_tokens", _tokens(world))
    token = tokens["contact" if case.path.startswith("/api/v1/portal/") else "member"]
    _real_ids(world, case)
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
    # Still inside the test's transaction: everything written is rolled back after the test.
    assert connection.in_atomic_block
