"""The errors every operation may answer, in the OpenAPI document: RFC 9457 problem details
(``application/problem+json``). django-ninja documents only the success responses it
renders; the errors come from ``rapport.api``'s exception handlers, so they are added to the
generated document here, once, for every operation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ninja import NinjaAPI

PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string", "description": "What went wrong, in the caller's language."},
        "status": {"type": "integer"},
        "errors": {
            "type": "array",
            "description": "Per field (``null``: the request as a whole).",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {
                    "field": {"type": ["string", "null"]},
                    "message": {"type": "string"},
                },
            },
        },
    },
}

RESPONSES = {
    400: ("BadRequest", "The body is not a JSON object."),
    401: ("Unauthenticated", "No valid API token."),
    403: ("Forbidden", "The token's holder may see this but not do it."),
    404: ("NotFound", "No such object, or not one the token's holder may see."),
    412: ("PreconditionFailed", "`If-Match` names a version that is no longer current."),
    422: ("Invalid", "The request is not valid; `errors` says why, per field."),
    428: ("PreconditionRequired", "This installation requires `If-Match` on updates."),
    429: ("TooManyRequests", "The token's rate limit is reached; `Retry-After` says when."),
}


def _codes(method: str, operation: dict[str, Any]) -> list[int]:
    codes = [403, 404, 422]
    if operation.get("security"):
        codes += [401, 429]
    if "requestBody" in operation:
        codes.append(400)
    if method.lower() in {"post", "put", "patch", "delete"}:
        codes += [412, 428]  # the API's conventions: If-Match on writes
    return sorted(codes)


def with_problems(schema: dict[str, Any]) -> dict[str, Any]:
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM
    shared = components.setdefault("responses", {})
    for name, description in RESPONSES.values():
        shared[name] = {
            "description": description,
            "content": {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            },
        }
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code in _codes(method, operation):
                if code not in responses and str(code) not in responses:
                    responses[code] = {"$ref": f"#/components/responses/{RESPONSES[code][0]}"}
    return schema


def document_problems(api: NinjaAPI) -> None:
    """Every document the API builds (``/api/openapi.json``, ``/api/docs``) lists the errors."""
    build: Callable[..., Any] = api.get_openapi_schema

    def get_openapi_schema(**kwargs: Any) -> Any:
        return with_problems(build(**kwargs))

    api.get_openapi_schema = get_openapi_schema  # type: ignore[method-assign]
