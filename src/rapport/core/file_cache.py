"""The cache of one machine: Django's file cache, shared by the web workers, the job worker and
the scheduler, which looks whether to cull on one write in ``CHECK_EVERY`` instead of on every
write. Looking lists the whole directory: 2–3 ms at 2,000 entries, paid by every write (each
change moves a version on twice, and a home page keeps up to eleven sections)."""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.filebased import FileBasedCache

CHECK_EVERY = 64  # the directory holds at most this many entries past MAX_ENTRIES


class FileCache(FileBasedCache):
    def __init__(self, dir: str, params: dict[str, Any]) -> None:
        super().__init__(dir, params)
        self._writes = 0

    def _cull(self) -> None:
        self._writes += 1
        if self._writes % CHECK_EVERY == 1:
            super()._cull()  # type: ignore[misc] # not in the stubs: a private method
