"""The REST API: ``/api/v1/``, personal bearer tokens, OpenAPI at ``/api/openapi.json``.

Errors follow RFC 9457 (problem+json), with titles in the caller's language."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from rapport.core import api_conventions
from rapport.core.api_conventions import ApiTokenAuth
from rapport.core.api_openapi import document_problems
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import ApiToken
from rapport.tenancy.services import member_api_token_authenticate


class ObjectBodyParser(Parser):
    """Request bodies are JSON objects; anything else (a list, a number, broken JSON) is
    refused with a 400 before it reaches a schema."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise ValueError("the body is not a JSON object")
        return data


class TokenAuth(ApiTokenAuth):
    """A member's personal API token."""

    def lookup(self, secret: str, ip: str | None) -> tuple[Actor, ApiToken] | None:
        return member_api_token_authenticate(secret, ip=ip)


DOCS_CSP = {**cast(dict[str, Any], settings.SECURE_CSP), "style-src": ["'self'", "'unsafe-inline'"]}

DESCRIPTION = """Clients, contacts and projects of your organisation.

**Authentication.** Send a personal API token: `Authorization: Bearer rpt_…`. Client contacts
use the *client portal* operations (`/api/v1/portal/…`) with a token created in the portal.

**Scopes.** A token is *read* (GET only; any other method is a 403) or *read-write*, chosen
when it is created.

**Errors** are `application/problem+json` (RFC 9457) with a `title` in the caller's language
(`Accept-Language`) and, for invalid input (422), `errors: [{field, message}]`.

**Pagination and ordering.** Lists take `page` and `page_size` (at most 200) and answer
`{items, count}`. `ordering=<field>` or `ordering=-<field>` sorts on the fields the operation
lists (always `id`, and `created_at`/`updated_at` where the resource has them); ties are broken
by `id`, so pages never repeat or skip a row. An unknown field is a 422.

**ETag / If-Match.** A successful GET carries an `ETag` (a hash of the representation);
`If-None-Match` with it answers 304. Send it back as `If-Match` on PATCH, PUT, DELETE or a POST
action on the resource (e.g. `…/submit`, compared with the GET of the resource): when the
resource changed since, the answer is 412 and nothing is written.

**Idempotency.** A POST may carry `Idempotency-Key: <up to 255 characters>`. Its first
successful response is kept for 24 hours per token; the same request with the same key gets it
again (with `Idempotent-Replayed: true`) without writing twice; another request with the key is
a 422. After an error response the key can be used again.

**Rate limits** per token and minute, reads and writes counted apart (600 and 120 by default).
Every answer carries `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`; over the
limit the answer is 429 with `Retry-After` (seconds).

See `docs/api.md` for examples."""


class RapportAPI(NinjaAPI):
    """Adds problem+json answers for the paths and methods the API does not have."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        patterns = [
            URLPattern(p.pattern, _problem_on_405(p.callback), p.default_args, p.name)
            if isinstance(p, URLPattern)
            else p
            for p in super()._get_urls()
        ]
        return [*patterns, re_path(r"^v1/(?P<rest>.*)$", _unknown_path, name="unknown")]


def _problem_on_405(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = problem(request, 405, _("This method is not allowed here."))
            response["Allow"] = allowed
        return response

    wrapper.csrf_exempt = True  # type: ignore[attr-defined]
    return wrapper


@csrf_exempt
def _unknown_path(request: HttpRequest, rest: str) -> HttpResponse:
    return problem(request, 404, _("Not found."))


api = RapportAPI(
    title="Rapport API",
    version="1",
    description=DESCRIPTION,
    auth=TokenAuth(),
    parser=ObjectBodyParser(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    # Swagger UI sets inline styles; only its page may, and only styles.
    docs_decorator=csp_override(DOCS_CSP),
)


def problem(request: HttpRequest, status: int, title: str, **extra: Any) -> HttpResponse:
    response = api.create_response(
        request, {"type": "about:blank", "title": title, "status": status, **extra}, status=status
    )
    response["Content-Type"] = "application/problem+json"
    return response


PYDANTIC_MESSAGES = {
    "missing": lambda ctx: _("This field is required."),
    "string_too_long": lambda ctx: (
        _("Ensure this value has at most %(max)s characters.") % {"max": ctx.get("max_length")}
    ),
    "string_too_short": lambda ctx: (
        _("Ensure this value has at least %(min)s characters.") % {"min": ctx.get("min_length")}
    ),
    "string_type": lambda ctx: _("Enter a text value."),
    "int_parsing": lambda ctx: _("Enter a whole number."),
    "int_type": lambda ctx: _("Enter a whole number."),
    "date_from_datetime_parsing": lambda ctx: _("Enter a valid date (YYYY-MM-DD)."),
    "date_parsing": lambda ctx: _("Enter a valid date (YYYY-MM-DD)."),
    "date_type": lambda ctx: _("Enter a valid date (YYYY-MM-DD)."),
    "int_from_float": lambda ctx: _("Enter a whole number."),
    "datetime_parsing": lambda ctx: _("Enter a valid date and time (YYYY-MM-DDTHH:MM)."),
    "datetime_from_date_parsing": lambda ctx: _("Enter a valid date and time (YYYY-MM-DDTHH:MM)."),
    "datetime_type": lambda ctx: _("Enter a valid date and time (YYYY-MM-DDTHH:MM)."),
    "enum": lambda ctx: _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected")},
    "literal_error": lambda ctx: (
        _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected")}
    ),
    "json_invalid": lambda ctx: _("The body is not valid JSON."),
    "model_attributes_type": lambda ctx: _("The body must be a JSON object."),
    "dict_type": lambda ctx: _("The body must be a JSON object."),
    "extra_forbidden": lambda ctx: _("This field is not allowed."),
    "value_error": lambda ctx: _("Enter a valid value."),
    "greater_than_equal": lambda ctx: (
        _("Ensure this value is at least %(min)s.") % {"min": ctx.get("ge")}
    ),
    "greater_than": lambda ctx: (
        _("Ensure this value is greater than %(min)s.") % {"min": ctx.get("gt")}
    ),
    "less_than_equal": lambda ctx: (
        _("Ensure this value is at most %(max)s.") % {"max": ctx.get("le")}
    ),
    "decimal_parsing": lambda ctx: _("Enter a number."),
    "decimal_type": lambda ctx: _("Enter a number."),
    "finite_number": lambda ctx: _("Enter a number."),
    "decimal_max_digits": lambda ctx: _("Enter a smaller number."),
    "decimal_max_places": lambda ctx: (
        _("Use at most %(places)s decimal places.") % {"places": ctx.get("decimal_places")}
    ),
    "bool_parsing": lambda ctx: _("Enter true or false."),
    "bool_type": lambda ctx: _("Enter true or false."),
    "list_type": lambda ctx: _("Enter a list."),
    "too_long": lambda ctx: _("Too many items."),
}


def _field_name(location: tuple[Any, ...] | list[Any]) -> str | None:
    """``("body", "payload", "name")`` → ``"name"``; ``("query", "status")`` → ``"status"``."""
    parts = [str(part) for part in location[1:]]
    if parts and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(parts) or None


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        translate = PYDANTIC_MESSAGES.get(error.get("type", ""))
        errors.append(
            {
                "field": _field_name(error.get("loc", ())),
                "message": translate(error.get("ctx") or {})
                if translate
                else _("Enter a valid value."),
            }
        )
    return problem(request, 422, _("The request is not valid."), errors=errors)


@api.exception_handler(DjangoValidationError)
def on_service_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": None if field == "__all__" else field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": None, "message": message} for message in exc.messages]
    return problem(request, 422, _("The request is not valid."), errors=errors)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem(request, 401, _("A valid API token is required (Authorization: Bearer …)."))
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, _("Not found."))


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(request, 403, _("You are not allowed to do this."))


@api.exception_handler(api_conventions.ReadOnlyToken)
def on_read_only_token(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(
        request, 403, _("This token may only read. Create a read-write token to make changes.")
    )


@api.exception_handler(api_conventions.RateLimited)
def on_rate_limited(request: HttpRequest, exc: api_conventions.RateLimited) -> HttpResponse:
    response = problem(
        request,
        429,
        _("Too many requests. Try again in %(seconds)s seconds.") % {"seconds": exc.retry_after},
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(api_conventions.PreconditionFailed)
def on_precondition_failed(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(
        request,
        412,
        _("This resource has changed since you read it. Read it again and retry with its ETag."),
    )


@api.exception_handler(api_conventions.PreconditionRequired)
def on_precondition_required(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, 428, _("Send the resource's ETag in If-Match with this request."))


@api.exception_handler(api_conventions.IdempotencyKeyReused)
def on_idempotency_key_reused(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(
        request,
        422,
        _("This Idempotency-Key was already used for a different request."),
        errors=[{"field": "Idempotency-Key", "message": _("Use a new key for a new request.")}],
    )


@api.exception_handler(api_conventions.IdempotencyKeyInvalid)
def on_idempotency_key_invalid(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(
        request,
        422,
        _("The request is not valid."),
        errors=[{"field": "Idempotency-Key", "message": _("Use a key of 1 to 255 characters.")}],
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:  # ninja's "Cannot parse request body"
        return problem(request, 400, _("The body must be a JSON object."))
    return problem(request, exc.status_code, str(exc))


def _register() -> None:
    from rapport.audit.api import router as audit_router
    from rapport.changes.api import router as changes_router
    from rapport.clients.api import router as clients_router
    from rapport.closure.api import portal_router as closure_portal_router
    from rapport.closure.api import router as closure_router
    from rapport.communication.api import router as communication_router
    from rapport.communication.log_api import router as touchpoints_router
    from rapport.feedback.api import router as feedback_router
    from rapport.feedback.followup_api import router as feedback_followup_router
    from rapport.feedback.portal_api import portal_router as feedback_portal_router
    from rapport.lessons.api import portal_router as lessons_portal_router
    from rapport.lessons.api import router as lessons_router
    from rapport.meetings.api import router as meetings_router
    from rapport.meetings.portal_api import portal_router as meetings_portal_router
    from rapport.messaging.api import router as messaging_router
    from rapport.messaging.portal_api import router as messaging_portal_router
    from rapport.portal.api import router as portal_router
    from rapport.projects.api import router as projects_router
    from rapport.projects.api_baseline import router as baseline_router
    from rapport.reports.api import router as reports_router
    from rapport.reports.thread_api import portal_router as report_threads_portal_router
    from rapport.reports.thread_api import router as report_threads_router
    from rapport.risks.api import portal_router as risks_portal_router
    from rapport.risks.api import router as risks_router
    from rapport.risks.conflict_api import router as conflicts_router
    from rapport.tenancy.api import router as tenancy_router
    from rapport.webhooks.api import router as webhooks_router

    api.add_router("/v1/", clients_router)
    api.add_router("/v1/", projects_router)
    api.add_router("/v1/", changes_router)
    api.add_router("/v1/", baseline_router)
    api.add_router("/v1/", reports_router)
    api.add_router("/v1/", report_threads_router)
    api.add_router("/v1/", communication_router)
    api.add_router("/v1/", touchpoints_router)
    api.add_router("/v1/", messaging_router)
    api.add_router("/v1/", meetings_router)
    api.add_router("/v1/", risks_router)
    api.add_router("/v1/", conflicts_router)
    api.add_router("/v1/", feedback_router)
    api.add_router("/v1/", feedback_followup_router)
    api.add_router("/v1/", closure_router)
    api.add_router("/v1/", lessons_router)
    api.add_router("/v1/", webhooks_router)
    api.add_router("/v1/", audit_router)
    api.add_router("/v1/", tenancy_router)
    api.add_router("/v1/portal/", portal_router)
    api.add_router("/v1/portal/", report_threads_portal_router)
    api.add_router("/v1/portal/", messaging_portal_router)
    api.add_router("/v1/portal/", meetings_portal_router)
    api.add_router("/v1/portal/", feedback_portal_router)
    api.add_router("/v1/portal/", risks_portal_router)
    api.add_router("/v1/portal/", closure_portal_router)
    api.add_router("/v1/portal/", lessons_portal_router)


_register()
# Last, so that they wrap every operation registered above (and any added there later).
api.add_decorator(api_conventions.conditional_write, mode="operation")
api.add_decorator(api_conventions.api_conventions, mode="view")
document_problems(api)
