"""Fixed-window rate limits that hold across every web process: one upsert per counted request
in the database (``RateLimitCounter``), or Redis when ``REDIS_URL`` is set. The local-memory
cache of the embedded default is per process, so it cannot carry a limit."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rapport.core.tokens import digest


@dataclass(frozen=True)
class Limit:
    """At most ``limit`` counted requests per ``window`` seconds for one value of ``scope``."""

    scope: str
    limit: int
    window: int


def _slot(limit: Limit, now: float) -> int:
    return int(now // limit.window)


def _retry_after(limit: Limit, now: float) -> int:
    return max(1, int((_slot(limit, now) + 1) * limit.window - now + 0.999))


def _key(limit: Limit, ident: str) -> str:
    return digest(f"{limit.scope}:{limit.window}:{ident}")


# One statement on SQLite (3.35+) and PostgreSQL: the table name is the model's, quoted; every
# value is a parameter.
UPSERT = (
    "INSERT INTO {table} (key, slot, count, expires_at) VALUES (%s, %s, 1, %s) "
    "ON CONFLICT (key, slot) DO UPDATE SET count = {table}.count + 1 RETURNING count"
)


def _use_redis() -> bool:
    return bool(getattr(settings, "REDIS_URL", None))


def _increment(limit: Limit, ident: str, now: float) -> int:
    key, slot = _key(limit, ident), _slot(limit, now)
    if _use_redis():
        name = f"ratelimit:{key}:{slot}"
        cache.add(name, 0, limit.window + 1)
        return int(cache.incr(name))
    from rapport.core.models import RateLimitCounter

    table = connection.ops.quote_name(RateLimitCounter._meta.db_table)
    expires = timezone.now() + timedelta(seconds=limit.window)
    with connection.cursor() as cursor:
        cursor.execute(UPSERT.format(table=table), [key, slot, expires])
        (count,) = cursor.fetchone()
    if random.random() < 0.01:
        prune()
    return int(count)


def _current(limit: Limit, ident: str, now: float) -> int:
    key, slot = _key(limit, ident), _slot(limit, now)
    if _use_redis():
        return int(cache.get(f"ratelimit:{key}:{slot}") or 0)
    from rapport.core.models import RateLimitCounter

    row = RateLimitCounter.objects.filter(key=key, slot=slot).values_list("count", flat=True)
    return int(row.first() or 0)


def hit(limit: Limit, ident: str) -> int:
    """Count one request; 0 when it is within the limit, else the seconds until the window
    ends (the ``Retry-After``)."""
    now = time.time()
    if _increment(limit, ident, now) <= limit.limit:
        return 0
    return _retry_after(limit, now)


def blocked(limit: Limit, ident: str) -> int:
    """Like ``hit`` without counting: for limits counted only on failure."""
    now = time.time()
    if _current(limit, ident, now) < limit.limit:
        return 0
    return _retry_after(limit, now)


def prune() -> int:
    from rapport.core.models import RateLimitCounter

    deleted, _ = RateLimitCounter.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted


def too_many(
    request: HttpRequest,
    retry_after: int,
    *,
    template: str = "core/too_many_requests.html",
    context: dict[str, object] | None = None,
) -> HttpResponse:
    """The 429 page, in the visitor's language, saying when to try again."""
    minutes = max(1, (retry_after + 59) // 60)
    response = render(request, template, {**(context or {}), "retry_minutes": minutes}, status=429)
    response["Retry-After"] = str(retry_after)
    return response
