"""No page or API operation changes or removes an audit event: every write route of the
authorization matrix is sent by a role allowed to use it, and the trail before is compared with
the trail after. (The model, the manager and the admin: test_audit_immutability.py; both are
separate modules because this one shares the matrix's module-scoped world.)"""

from __future__ import annotations

from typing import Any

import pytest

from rapport.audit import services as audit
from rapport.audit.models import AuditEvent
from tests.test_authorization_matrix import (
    OPERATIONS,
    PAGES,
    Case,
    matrix_world,  # noqa: F401 - the module-scoped world, reused
)
from tests.test_bad_input import _acting_role, _request


def _trail() -> dict[int, tuple[Any, ...]]:
    fields = [f.attname for f in AuditEvent._meta.concrete_fields]
    return {row[0]: row for row in AuditEvent.objects.order_by("pk").values_list(*fields)}


def _write_cases() -> list[Any]:
    params = []
    for name, cases in PAGES.items():
        for case in cases:
            if case.method != "GET":
                params.append(pytest.param(name, case, id=f"{name}|{case.tag}"))
    for (method, path), cases in OPERATIONS.items():
        for case in cases:
            if method != "GET":
                params.append(pytest.param(f"{method} {path}", case, id=f"{method} {path}"))
    return params


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "case"), _write_cases())
def test_no_request_changes_or_removes_an_audit_event(matrix_world, key: str, case: Case) -> None:  # noqa: F811
    """Every write route, sent by a role allowed to use it: events may be added, never
    changed or removed."""
    owner = matrix_world.one
    kwargs = case.kwargs(owner)
    # The owning side's own history of the route's object is part of the trail checked.
    audit.record(
        actor=owner.actor(owner.owner), action="updated", obj=owner.client_a, changes={"x": [1, 2]}
    )
    before = _trail()
    data = case.data(owner) if case.data else ({} if not case.api else None)
    response = _request(owner, key, case, data if data is not None else "", kwargs=kwargs)
    assert response.status_code < 500, f"{key} as {_acting_role(case)}: {response.status_code}"
    after = _trail()
    changed = [pk for pk, row in before.items() if after.get(pk) != row]
    assert not changed, f"{key}: audit events changed or removed: {changed}"


def test_no_route_offers_to_edit_or_delete_the_trail() -> None:
    audit_routes = [name for name in PAGES if name.startswith("audit:")]
    # The trail and its downloads (CSV, Excel): nothing else.
    assert audit_routes == ["audit:list", "audit:export_csv", "audit:export_xlsx"]
    assert all(case.method == "GET" for name in audit_routes for case in PAGES[name])
    assert all(case.method == "GET" for case in PAGES["audit:list"])
    assert not [key for key in OPERATIONS if "audit" in key[1] and key[0] != "GET"]
