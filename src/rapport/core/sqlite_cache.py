"""The cache of one machine: a SQLite file beside the database, shared by the web workers, the
job worker and the scheduler, so that a change made in one process is seen by the next page
another process serves.

Every page reads some seventy entries (the versions of what the count beside Home is worked out
from, and the counts kept under them). Django's file cache opened a file for each, and wrote
each entry as a temporary file renamed into place: about 2 ms of reads on a page, half a
millisecond per write. Here a page's reads are one query, a write is one statement, and a
version moves on atomically (``incr`` in one transaction, where the file cache read and rewrote
the file).

Entries expire as Django's caches do (``timeout``; None keeps them); expired rows are left out
of reads and deleted when the cache culls. One write in ``CHECK_EVERY`` looks whether the cache
holds more than ``MAX_ENTRIES``, and then drops the expired entries and, if still over, the
``1 / CULL_FREQUENCY`` that expire soonest (entries kept for good last)."""

from __future__ import annotations

import os
import pickle
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

CHECK_EVERY = 64  # writes between two looks at the number of entries
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS cache ("
    " key TEXT PRIMARY KEY, value BLOB NOT NULL, expires REAL"  # expires: None = never
    ") WITHOUT ROWID"
)
_FRESH = "(expires IS NULL OR expires > ?)"
_UPSERT = (
    "INSERT INTO cache (key, value, expires) VALUES (?, ?, ?) ON CONFLICT (key)"
    " DO UPDATE SET value = excluded.value, expires = excluded.expires"
)
_CHUNK = 500  # keys per query, well under SQLite's limit of bound parameters


def _now() -> float:
    return time.time()


class SQLiteCache(BaseCache):
    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        self._path = Path(location)
        self._local = threading.local()
        self._writes = 0

    # --- the connection: one per thread of each process --------------------------------------

    def _connection(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():  # new thread, or forked since
            self._path.parent.mkdir(parents=True, exist_ok=True)
            opened = sqlite3.connect(self._path, timeout=20, isolation_level=None)
            opened.execute("PRAGMA journal_mode=WAL")
            opened.execute("PRAGMA synchronous=NORMAL")
            opened.execute(_SCHEMA)
            local.connection, local.pid = opened, os.getpid()
        connection: sqlite3.Connection = local.connection
        return connection

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One transaction that holds the write lock from its start."""
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def _added(self) -> None:
        """An entry may have been added: one time in ``CHECK_EVERY``, cull if over the limit."""
        self._writes += 1
        if self._writes % CHECK_EVERY == 1:
            self._cull()

    def _expires(self, timeout: Any) -> float | None:
        """When an entry set now with ``timeout`` expires: None for never; a timeout of 0, at
        once (``get_backend_timeout``'s rule, on this module's clock)."""
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        if timeout is None:
            return None
        return _now() + (timeout or -1)

    # --- reads ----------------------------------------------------------------------------

    def _rows(self, keys: list[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        now = _now()
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            found.update(
                self._connection().execute(
                    f"SELECT key, value FROM cache WHERE key IN ({marks}) AND {_FRESH}",  # noqa: S608
                    [*chunk, now],
                )
            )
        return found

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        made = self.make_and_validate_key(key, version=version)
        found = self._rows([made])
        return pickle.loads(found[made]) if made in found else default  # noqa: S301

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        made = {self.make_and_validate_key(key, version=version): key for key in keys}
        return {made[key]: pickle.loads(value) for key, value in self._rows(list(made)).items()}  # noqa: S301

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return bool(self._rows([self.make_and_validate_key(key, version=version)]))

    # --- writes ---------------------------------------------------------------------------

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self.set_many({key: value}, timeout, version)

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        expires = self._expires(timeout)
        rows = [
            (self.make_and_validate_key(key, version=version), _dumps(value), expires)
            for key, value in data.items()
        ]
        with self._writing() as connection:
            connection.executemany(_UPSERT, rows)
        self._added()
        return []

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        """Set the entry only if there is none (or only an expired one)."""
        made = self.make_and_validate_key(key, version=version)
        with self._writing() as connection:
            added = connection.execute(
                f"{_UPSERT} WHERE NOT (cache.expires IS NULL OR cache.expires > ?)",
                (made, _dumps(value), self._expires(timeout), _now()),
            ).rowcount
        self._added()
        return added == 1

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        """Atomic: read and written again in one transaction that holds the write lock."""
        made = self.make_and_validate_key(key, version=version)
        with self._writing() as connection:
            row = connection.execute(
                f"SELECT value FROM cache WHERE key = ? AND {_FRESH}",  # noqa: S608
                (made, _now()),
            ).fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(row[0]) + delta  # noqa: S301
            connection.execute("UPDATE cache SET value = ? WHERE key = ?", (_dumps(value), made))
        return value

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        made = self.make_and_validate_key(key, version=version)
        with self._writing() as connection:
            touched = connection.execute(
                f"UPDATE cache SET expires = ? WHERE key = ? AND {_FRESH}",  # noqa: S608
                (self._expires(timeout), made, _now()),
            ).rowcount
        return touched == 1

    def delete(self, key: Any, version: int | None = None) -> bool:
        made = self.make_and_validate_key(key, version=version)
        with self._writing() as connection:
            deleted = connection.execute("DELETE FROM cache WHERE key = ?", (made,)).rowcount
        return deleted == 1

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        made = [(self.make_and_validate_key(key, version=version),) for key in keys]
        with self._writing() as connection:
            connection.executemany("DELETE FROM cache WHERE key = ?", made)

    def clear(self) -> None:
        with self._writing() as connection:
            connection.execute("DELETE FROM cache")

    def _cull(self) -> None:
        connection = self._connection()
        (entries,) = connection.execute("SELECT count(*) FROM cache").fetchone()
        if entries <= self._max_entries:
            return
        with self._writing() as connection:
            connection.execute("DELETE FROM cache WHERE expires <= ?", (_now(),))
            (entries,) = connection.execute("SELECT count(*) FROM cache").fetchone()
            if entries > self._max_entries:
                dropped = (  # CULL_FREQUENCY 0: everything, as Django's caches do
                    entries // self._cull_frequency if self._cull_frequency else entries
                )
                connection.execute(
                    "DELETE FROM cache WHERE key IN (SELECT key FROM cache"
                    " ORDER BY expires IS NULL, expires LIMIT ?)",
                    (max(dropped, entries - self._max_entries),),
                )


def _dumps(value: Any) -> bytes:
    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
