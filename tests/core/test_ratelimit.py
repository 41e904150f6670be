"""The fixed-window rate limits: counted in the database (every web process sees the same
count) or in Redis when ``REDIS_URL`` is set, never in one process's memory."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection

from rapport.core import ratelimit
from rapport.core.models import RateLimitCounter
from tests.notify.smtp import free_port

LIMIT = ratelimit.Limit("test", 3, 60)


@pytest.mark.django_db
def test_counts_up_to_the_limit_then_says_how_long_to_wait() -> None:
    assert [ratelimit.hit(LIMIT, "10.0.0.1") for _ in range(3)] == [0, 0, 0]
    wait = ratelimit.hit(LIMIT, "10.0.0.1")
    assert 0 < wait <= 60
    assert ratelimit.blocked(LIMIT, "10.0.0.1") > 0
    assert ratelimit.hit(LIMIT, "10.0.0.2") == 0  # another address has its own count
    assert ratelimit.hit(ratelimit.Limit("other", 3, 60), "10.0.0.1") == 0  # another limit too


@pytest.mark.django_db
def test_the_count_lives_in_the_database_not_in_process_memory() -> None:
    for _ in range(3):
        ratelimit.hit(LIMIT, "10.0.0.1")
    cache.clear()  # another process starts with an empty local-memory cache
    assert ratelimit.hit(LIMIT, "10.0.0.1") > 0
    row = RateLimitCounter.objects.get()
    assert row.count == 4
    assert "10.0.0.1" not in row.key  # only a digest of who is counted is stored


@pytest.mark.django_db
def test_blocked_does_not_count() -> None:
    for _ in range(10):
        assert ratelimit.blocked(LIMIT, "10.0.0.1") == 0
    assert not RateLimitCounter.objects.exists()


@pytest.mark.django_db
def test_a_new_window_starts_a_new_count(monkeypatch: Any) -> None:
    start = 1_800_000_000.0
    monkeypatch.setattr(time, "time", lambda: start)
    for _ in range(4):
        ratelimit.hit(LIMIT, "10.0.0.1")
    assert ratelimit.blocked(LIMIT, "10.0.0.1") == 60
    monkeypatch.setattr(time, "time", lambda: start + 60)
    assert ratelimit.hit(LIMIT, "10.0.0.1") == 0


@pytest.mark.django_db
def test_prune_deletes_windows_that_are_over(monkeypatch: Any) -> None:
    # A hit prunes by itself once in a hundred: not here, where the prune is counted.
    monkeypatch.setattr(ratelimit.random, "random", lambda: 1.0)
    ratelimit.hit(LIMIT, "10.0.0.1")
    RateLimitCounter.objects.update(expires_at="2000-01-01T00:00:00Z")
    ratelimit.hit(ratelimit.Limit("fresh", 3, 60), "10.0.0.1")
    assert ratelimit.prune() == 1
    assert RateLimitCounter.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_from_separate_connections_lose_no_count() -> None:
    """Each thread has its own database connection, as each gunicorn worker does."""
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and ("mode=memory" in name or name == ":memory:"):
        # Threads on one in-memory database lock whole tables, which files and servers don't.
        pytest.skip("SQLite in memory: set RAPPORT_TEST_SQLITE to a file to run this")
    limit = ratelimit.Limit("concurrent", 1000, 600)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(15):
                ratelimit.hit(limit, "shared")
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert RateLimitCounter.objects.get().count == 60


@pytest.fixture
def redis_url() -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        import redis

        client = redis.Redis(port=port)
        for _ in range(50):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(5)


@pytest.mark.django_db
def test_with_redis_the_count_is_kept_in_redis(settings: Any, redis_url: str) -> None:
    settings.REDIS_URL = redis_url
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    from django.core.cache import caches

    other_process = caches.create_connection("default")  # a fresh client, as in another worker
    assert [ratelimit.hit(LIMIT, "10.0.0.1") for _ in range(3)] == [0, 0, 0]
    assert ratelimit.hit(LIMIT, "10.0.0.1") > 0
    keys = list(other_process._cache.get_client().keys("*ratelimit*"))
    assert len(keys) == 1
    assert not RateLimitCounter.objects.exists()
