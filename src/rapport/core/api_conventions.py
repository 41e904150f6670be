"""What every operation of the REST API does without its view knowing: token scopes, rate
limits per token, ``ETag``/``If-Match`` on the representation of a resource, and
``Idempotency-Key`` on POST. Applied to the whole API in ``rapport.api`` (bearer auth classes
derive from ``ApiTokenAuth``, ``conditional_write`` and ``idempotent_post`` are API-wide
decorators), so an operation added later gets them too."""

from __future__ import annotations

import copy
import hashlib
import json
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils import timezone
from ninja.security import HttpBearer

from rapport.core.tokens import digest
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import ApiIdempotencyKey, ApiRateWindow, ApiToken

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The response headers a replayed POST gives again; the rest is per response.
REPLAYED_HEADERS = ("Content-Type", "Location", "ETag")


class ReadOnlyToken(Exception):
    """A read-only token asked to change something."""


class RateLimited(Exception):
    def __init__(self, *, limit: int, retry_after: int) -> None:
        super().__init__(limit, retry_after)
        self.limit = limit
        self.retry_after = retry_after


class PreconditionFailed(Exception):
    """``If-Match`` names a representation that is no longer the current one."""


class PreconditionRequired(Exception):
    """``RAPPORT_API_REQUIRE_IF_MATCH`` is on and an update came without ``If-Match``."""


class IdempotencyKeyReused(Exception):
    """The same ``Idempotency-Key`` came back with another request."""


class IdempotencyKeyInvalid(Exception):
    """An ``Idempotency-Key`` that is empty or too long."""


# --- tokens: scope and rate limit ----------------------------------------------------------


def _rate_limit(request: HttpRequest, token: ApiToken) -> None:
    """Counts the request in its token's current minute (one upsert, atomic on SQLite and
    PostgreSQL alike, so every web process sees the same count) and refuses it over the
    limit. The numbers are kept on the request for the ``RateLimit-*`` headers."""
    if getattr(request, "_api_internal", False):
        return
    kind = "read" if request.method in SAFE_METHODS else "write"
    limit = int(settings.RAPPORT_API_RATE_LIMITS[kind])
    now = time.time()
    window = int(now // 60)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO tenancy_apiratewindow (token_id, kind, minute, hits) "
            "VALUES (%s, %s, %s, 1) ON CONFLICT (token_id, kind, minute) "
            "DO UPDATE SET hits = tenancy_apiratewindow.hits + 1 RETURNING hits",
            [token.pk, kind, window],
        )
        hits = int(cursor.fetchone()[0])
    reset = max(1, int((window + 1) * 60 - now + 0.999))
    request._api_rate = (limit, max(0, limit - hits), reset)  # type: ignore[attr-defined]
    if hits > limit:
        raise RateLimited(limit=limit, retry_after=reset)


class ApiTokenAuth(HttpBearer):
    """A bearer token resolved by ``lookup`` to (actor, token); then counted against the
    token's rate limit, and refused any write when its scope is read only."""

    def lookup(self, secret: str, ip: str | None) -> tuple[Actor, ApiToken] | None:
        raise NotImplementedError

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        from rapport.tenancy.actors import client_ip

        found = self.lookup(token.strip(), client_ip(request))
        if found is None:
            return None
        actor, api_token = found
        request.actor = actor  # type: ignore[attr-defined]
        request.api_token = api_token  # type: ignore[attr-defined]
        _rate_limit(request, api_token)
        if request.method not in SAFE_METHODS and not api_token.can_write:
            raise ReadOnlyToken()
        return actor


def rate_limit_headers(request: HttpRequest, response: HttpResponseBase) -> None:
    rate = getattr(request, "_api_rate", None)
    if rate is None:
        return
    limit, remaining, reset = rate
    response["RateLimit-Limit"] = str(limit)
    response["RateLimit-Remaining"] = str(remaining)
    response["RateLimit-Reset"] = str(reset)
    response["X-RateLimit-Remaining"] = str(remaining)


# --- ETag / If-Match -----------------------------------------------------------------------


def etag_of(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def _etags(header: str) -> list[str]:
    return [tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()]


def _current_representation(request: HttpRequest) -> HttpResponseBase | None:
    """The GET of the request's path (or, for an action such as ``…/submit`` that has no GET,
    of its parent) for the same caller, inside the current transaction."""
    path = request.path
    for candidate in (path, path.rstrip("/").rsplit("/", 1)[0]):
        try:
            match = resolve(candidate)
        except Resolver404:
            continue
        reading = copy.copy(request)
        reading.method = "GET"
        reading.META = {
            name: value for name, value in request.META.items() if name != "HTTP_IF_NONE_MATCH"
        }
        reading.__dict__.pop("headers", None)
        reading._api_internal = True  # type: ignore[attr-defined]
        response = match.func(reading, *match.args, **match.kwargs)
        if response.status_code == 405:
            continue
        return response
    return None


def _check_if_match(request: HttpRequest) -> None:
    if_match = request.headers.get("If-Match")
    if if_match is None:
        if settings.RAPPORT_API_REQUIRE_IF_MATCH and request.method in {"PUT", "PATCH", "DELETE"}:
            raise PreconditionRequired()
        return
    current = _current_representation(request)
    if current is None or current.status_code != 200:
        return  # nothing to compare with; the operation answers for itself (e.g. 404)
    wanted = _etags(if_match)
    if "*" not in wanted and current["ETag"] not in wanted:
        raise PreconditionFailed()


def _lock_resource(request: HttpRequest) -> None:
    """On PostgreSQL, conditional writes to one resource run one after the other, so the
    comparison and the write see the same row (SQLite's immediate transactions already
    serialise every write)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [request.path])


def conditional_write(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """An operation decorator (runs after authentication and parsing): every unsafe
    operation runs in one transaction, and an ``If-Match`` that is not the current ETag of
    the resource is refused (412) before anything is written."""

    @wraps(view_func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.method in SAFE_METHODS:
            return view_func(request, *args, **kwargs)
        with transaction.atomic():
            if request.headers.get("If-Match") is not None:
                _lock_resource(request)
            _check_if_match(request)
            return view_func(request, *args, **kwargs)

    return wrapper


def with_etag(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """A successful GET carries the ETag of its body; ``If-None-Match`` with it is a 304."""
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return response
    assert isinstance(response, HttpResponse)
    etag = etag_of(response.content)
    response["ETag"] = etag
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match and (etag in _etags(if_none_match) or "*" in _etags(if_none_match)):
        not_modified = HttpResponse(status=304)
        not_modified["ETag"] = etag
        return not_modified
    return response


# --- Idempotency-Key -----------------------------------------------------------------------


def _request_hash(request: HttpRequest) -> str:
    try:
        body: Any = json.loads(request.body or b"null")
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = request.body
    return hashlib.sha256(
        request.get_full_path().encode() + b"\n" + canonical, usedforsecurity=False
    ).hexdigest()


def _bearer_token_id(request: HttpRequest) -> int | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return (
        ApiToken.objects.filter(
            token_hash=digest(secret.strip()), revoked_at__isnull=True, user__is_active=True
        )
        .values_list("pk", flat=True)
        .first()
    )


def _replay(record: ApiIdempotencyKey) -> HttpResponse:
    response = HttpResponse(bytes(record.body), status=record.status)
    for name, value in record.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def api_conventions(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A view decorator (wraps the whole operation, authentication included): a GET gets its
    ETag, every answer its rate limit headers, and a POST with an ``Idempotency-Key`` claims
    the key for its token in the same transaction as the write; a repeat of the same request
    gets the stored response, another request with the key a 422. Only a successful response
    is kept: after an error the key is free again."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = _idempotent(run, request, *args, **kwargs)
        except (IdempotencyKeyInvalid, IdempotencyKeyReused) as exc:
            response = run.__self__.api.on_exception(request, exc)  # type: ignore[attr-defined]
        rate_limit_headers(request, response)
        return with_etag(request, response)

    return wrapper


def _idempotent(
    run: Callable[..., HttpResponseBase], request: HttpRequest, *args: Any, **kwargs: Any
) -> HttpResponseBase:
    key = request.headers.get("Idempotency-Key") if request.method == "POST" else None
    if key is None:
        return run(request, *args, **kwargs)
    key = key.strip()
    if not key or len(key) > 255:
        raise IdempotencyKeyInvalid()
    token_id = _bearer_token_id(request)
    if token_id is None:
        return run(request, *args, **kwargs)  # authentication answers 401
    request_hash = _request_hash(request)
    now = timezone.now()
    with transaction.atomic():
        ApiIdempotencyKey.objects.filter(token_id=token_id, key=key, expires_at__lte=now).delete()
        try:
            with transaction.atomic():
                record = ApiIdempotencyKey.objects.create(
                    token_id=token_id,
                    key=key,
                    request_hash=request_hash,
                    status=0,
                    body=b"",
                    expires_at=now + timedelta(hours=settings.RAPPORT_API_IDEMPOTENCY_HOURS),
                )
        except IntegrityError:
            # Another request holds the key: on PostgreSQL the insert waited for it to
            # commit (SQLite's immediate transaction waited before it began).
            stored = ApiIdempotencyKey.objects.get(token_id=token_id, key=key)
            if stored.request_hash != request_hash:
                raise IdempotencyKeyReused() from None
            return _replay(stored)
        response = run(request, *args, **kwargs)
        if not 200 <= response.status_code < 300 or response.streaming:
            transaction.set_rollback(True)
            return response
        assert isinstance(response, HttpResponse)
        record.status = response.status_code
        record.body = response.content
        record.headers = {
            name: response[name] for name in REPLAYED_HEADERS if response.has_header(name)
        }
        record.save(update_fields=["status", "body", "headers"])
    return response


def prune() -> int:
    """Expired idempotency keys and rate windows older than the current minute."""
    keys, _ = ApiIdempotencyKey.objects.filter(expires_at__lte=timezone.now()).delete()
    windows, _ = ApiRateWindow.objects.filter(minute__lt=int(time.time() // 60) - 1).delete()
    return keys + windows


@contextmanager
def named_by_body(fields: Mapping[str, str]) -> Iterator[None]:
    """A service's field errors under the names the request body uses (``owner`` →
    ``owner_id``); ``fields`` maps the service's names to the body's."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {fields.get(field, field): errors for field, errors in error.error_dict.items()}
        ) from None
