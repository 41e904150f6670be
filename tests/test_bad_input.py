"""Hostile input never produces a 500 and never half-writes: every form and every API
operation of the matrix receives oversized, malformed and unexpected values, as the owner
(who may do the most)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from tests.test_authorization_matrix import (
    OPERATIONS,
    PAGES,
    Case,
    _client,
    _fingerprint,
    matrix_world,  # noqa: F401 - the module-scoped world, reused
)

HOSTILE_VALUES = [
    "",
    "x" * 20_000,
    "nul\x00byte",
    "<script>alert(1)</script>",
    "'; DROP TABLE clients; --",
    "９９９",
    "\u202eevil",
    "-1",
    "99999999999999999999999",
    "2026-02-30",
]
HOSTILE_JSON = [[], 12, None, {"nested": {"deep": [1, 2]}}, "x" * 20_000, "nul\x00byte", -1, 1e308]
QUERY_FUZZ = [
    {"page": "-1"},
    {"page": "abc"},
    {"page": "99999999999999999999"},
    {"q": "x" * 5000},
    {"q": "nul\x00byte", "who": "\x00"},
    {"status": "<bad>"},
    {"sort": "<bad>"},
    {"client": "abc"},
    {"client_id": "abc"},
    {"action": "nope", "type": "nope"},
    {"pm": "99999999999999999999", "health": "<bad>", "sort": "'; --"},
]


def _write_cases() -> list[Any]:
    params = []
    for name, cases in PAGES.items():
        for case in cases:
            if case.method == "POST" and case.data is not None:
                params.append(pytest.param(name, case, id=f"{name}|{case.tag}"))
    for (method, path), cases in OPERATIONS.items():
        for case in cases:
            if method in {"POST", "PATCH"}:
                params.append(pytest.param(f"{method} {path}", case, id=f"{method} {path}"))
    return params


def _get_cases() -> list[Any]:
    params = []
    for name, cases in PAGES.items():
        for case in cases:
            if case.method == "GET" and not case.public:
                params.append(pytest.param(name, case, id=f"{name}|{case.tag}"))
    for (method, path), cases in OPERATIONS.items():
        for case in cases:
            if method == "GET" and "{" not in path and case.api:
                params.append(pytest.param(f"{method} {path}", case, id=f"{method} {path}"))
    return params


def _acting_role(case: Case) -> str:
    """The owner where the owner may act; otherwise the first role that may (a portal
    contact for the portal's forms and the portal API, sending their portal API token), so
    hostile values reach the code that handles them."""
    if "owner" in case.ok or not case.ok:
        return "owner"
    return next(iter(case.ok))


def _request(
    owner: Any,
    key: str,
    case: Case,
    data: Any,
    query: dict[str, str] | None = None,
    kwargs: dict[str, Any] | None = None,
):
    role = _acting_role(case)
    kwargs = case.kwargs(owner) if kwargs is None else kwargs
    if case.api:
        method, template = key.split(" ", 1)
        path = template.format(**kwargs)
        return _client().generic(
            method,
            path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""),
            data=data if isinstance(data, str) else json.dumps(data),
            content_type="application/json",
            headers={"Authorization": f"Bearer {owner.extra['tokens'][role]}"},
        )
    http = _client(session=owner.extra["sessions"][role])
    path = reverse(key, kwargs=kwargs)
    if case.method == "GET":
        return http.get(path, query or {})
    return http.post(path, data)


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "case"), _write_cases())
def test_hostile_writes_get_a_clear_answer(matrix_world, key: str, case: Case) -> None:  # noqa: F811
    owner = matrix_world.one
    valid = case.data(owner) if case.data else {}
    for value in HOSTILE_JSON if case.api else HOSTILE_VALUES:
        payload = dict.fromkeys(valid, value)
        kwargs = case.kwargs(owner)  # may build the object the request acts on
        before = _fingerprint(owner.organisation)
        response = _request(owner, key, case, payload, kwargs=kwargs)
        assert response.status_code < 500, f"{key} with {value!r:.40}: {response.status_code}"
        assert response.status_code != 401, f"{key}: the acting role's token was refused"
        if response.status_code >= 400:
            assert _fingerprint(owner.organisation) == before, f"{key}: a refusal wrote data"
            if case.api:
                assert response["Content-Type"] == "application/problem+json", key
                assert response.json()["title"], key
    if case.api:
        for body in ["{not json", "[1, 2]", '"text"', "null", "\x00"]:
            response = _request(owner, key, case, body)
            assert 400 <= response.status_code < 500, (
                f"{key} with body {body!r}: {response.status_code}"
            )


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "case"), _get_cases())
def test_hostile_query_strings_are_harmless(matrix_world, key: str, case: Case) -> None:  # noqa: F811
    owner = matrix_world.one
    for query in QUERY_FUZZ:
        response = _request(owner, key, case, None, query=query)
        assert response.status_code < 500, f"{key}?{query}: {response.status_code}"
        assert response.status_code != 401, f"{key}: the acting role's token was refused"
