"""Versions in the cache: what is worked out from many rows is kept under a key that names the
version of what it was worked out from, and a change moves that version on, so the kept entry
is never read again (it expires by itself). The home page's sections, the count beside Home and
the lesson suggestions are kept this way."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from django.core.cache import cache
from django.db import transaction


def _fresh() -> int:
    """A first version, at random: a version key the cache dropped (it culls when full) comes
    back as a number no entry was kept under, instead of a small one an entry of the last
    minute may still carry."""
    return secrets.randbits(48)


def move_on(version_key: str) -> None:
    """Move a version on, so that what was kept under the old one is worked out again. Now,
    and once more after the commit, so that what is worked out in between is never kept."""

    def bump() -> None:
        try:
            cache.incr(version_key)
        except ValueError:  # gone (culled, or the cache emptied): a version never used
            cache.add(version_key, _fresh(), None)

    bump()
    transaction.on_commit(bump)


def version_of(version_key: str) -> int:
    return versions_of([version_key])[version_key]


def versions_of(version_keys: Sequence[str]) -> dict[str, int]:
    """Several versions in one look at the cache."""
    found = cache.get_many(version_keys)
    for key in version_keys:
        if key not in found:
            cache.add(key, _fresh(), None)
            found[key] = cache.get(key, 0)
    return {key: int(value) for key, value in found.items()}
