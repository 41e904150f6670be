"""The cache of one machine (``rapport.core.sqlite_cache``): Django's cache interface on a
SQLite file, shared by processes, with expiry, atomic increments and culling."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rapport.core import sqlite_cache
from rapport.core.sqlite_cache import SQLiteCache


def _cache(path: Path, **options: int) -> SQLiteCache:
    return SQLiteCache(str(path / "cache.sqlite3"), {"OPTIONS": options})


def test_entries_are_set_read_and_deleted(tmp_path: Path) -> None:
    cache = _cache(tmp_path)
    assert cache.get("missing") is None and cache.get("missing", "default") == "default"
    cache.set("a", {"sections": [1, 2]}, 60)
    cache.set_many({"b": None, "c": ("kept",)}, None)
    assert cache.get("a") == {"sections": [1, 2]}
    assert cache.get("b", "default") is None  # None is a value like any other
    assert cache.get_many(["a", "c", "missing"]) == {"a": {"sections": [1, 2]}, "c": ("kept",)}
    assert cache.get_many([f"key:{number}" for number in range(1200)]) == {}  # in chunks
    assert cache.has_key("a") and not cache.has_key("missing")
    cache.set("a", "again", 60)  # replaced
    assert cache.get("a") == "again"
    assert cache.delete("a") is True and cache.delete("a") is False
    cache.delete_many(["b", "missing"])
    assert cache.get_many(["a", "b", "c"]) == {"c": ("kept",)}
    cache.clear()
    assert cache.get("c") is None
    cache.set("versioned", 1, 60, version=2)
    assert cache.get("versioned") is None and cache.get("versioned", version=2) == 1


def test_entries_expire(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1_000_000.0]
    monkeypatch.setattr(sqlite_cache, "_now", lambda: now[0])
    cache = _cache(tmp_path)
    cache.set("minute", 1, 60)
    cache.set("forever", 2, None)
    cache.set("never", 3, 0)  # a timeout of 0: not kept at all
    assert cache.get_many(["minute", "forever", "never"]) == {"minute": 1, "forever": 2}
    assert cache.touch("minute", 120) and not cache.touch("never", 60)
    now[0] += 90
    assert cache.get("minute") == 1  # touched: two minutes from then
    now[0] += 60
    assert cache.get("minute") is None and not cache.has_key("minute")
    assert cache.get("forever") == 2
    with pytest.raises(ValueError, match="not found"):
        cache.incr("minute")  # expired counts as missing
    assert cache.add("minute", "new", 60)  # an expired entry may be added again
    assert cache.get("minute") == "new"


def test_add_sets_only_what_is_missing_and_incr_counts(tmp_path: Path) -> None:
    cache = _cache(tmp_path)
    assert cache.add("version", 41, None) is True
    assert cache.add("version", 99, None) is False
    assert cache.incr("version") == 42 and cache.incr("version", 8) == 50
    assert cache.decr("version", 10) == 40
    assert cache.get("version") == 40
    with pytest.raises(ValueError, match="not found"):
        cache.incr("missing")
    assert cache.get("missing") is None  # a failed increment leaves nothing behind


def test_processes_share_it_and_increments_are_never_lost(tmp_path: Path) -> None:
    """Two processes move the same version on 200 times each, at the same time: the file
    cache read and rewrote its file, and lost increments; here each is one transaction."""
    cache = _cache(tmp_path)
    cache.set("version:7:messaging", 1000, None)
    script = (
        "import sys\n"
        "from django.conf import settings\n"
        "settings.configure()\n"
        "from rapport.core.sqlite_cache import SQLiteCache\n"
        "cache = SQLiteCache(sys.argv[1], {})\n"
        "for _ in range(200):\n"
        "    cache.incr('version:7:messaging')\n"
        "cache.set('written-by', sys.argv[2], 60)\n"
    )
    location = str(tmp_path / "cache.sqlite3")
    workers = [
        subprocess.Popen([sys.executable, "-c", script, location, name]) for name in ("a", "b")
    ]
    assert [worker.wait(60) for worker in workers] == [0, 0]
    assert cache.get("version:7:messaging") == 1400
    assert cache.get("written-by") in {"a", "b"}


def test_it_culls_the_soonest_to_expire_on_one_write_in_so_many(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_cache, "CHECK_EVERY", 8)
    cache = _cache(tmp_path, MAX_ENTRIES=20, CULL_FREQUENCY=2)
    cache.set("version:1:projects", 5, None)  # kept for good: culled last
    connection = cache._connection()
    most = 0
    for number in range(100):
        cache.set(f"key:{number}", number, 60 + number)
        (entries,) = connection.execute("SELECT count(*) FROM cache").fetchone()
        most = max(most, entries)
    assert 20 < most <= 20 + 8  # over the limit by fewer than CHECK_EVERY writes, then culled
    assert cache.get("version:1:projects") == 5
    assert cache.get("key:99") == 99  # the latest, which expires last, are kept
    assert cache.get("key:0") is None
